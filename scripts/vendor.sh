#!/usr/bin/env bash
# Copies the front-end files the project serves from npm packages into static/vendor/.
# Run it to upgrade a version; the copied files are committed, node_modules never is.
set -euo pipefail
LEAFLET=1.9.4
AXE=4.14.1
ECHARTS=5.6.0
dest=src/huoban/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "leaflet@$LEAFLET" "axe-core@$AXE" "echarts@$ECHARTS" >/dev/null)
mkdir -p "$dest/leaflet/images" "$dest/axe-core" "$dest/echarts"
tar -xzf "$work/leaflet-$LEAFLET.tgz" -C "$work"
cp "$work/package/dist/leaflet.js" "$work/package/dist/leaflet.css" "$dest/leaflet/"
cp "$work"/package/dist/images/*.png "$dest/leaflet/images/"
cp "$work/package/LICENSE" "$dest/leaflet/LICENSE"
rm -rf "$work/package"
tar -xzf "$work/axe-core-$AXE.tgz" -C "$work"
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$dest/axe-core/"
rm -rf "$work/package"
# The full build: the SVG renderer and the aria component are both in it.
tar -xzf "$work/echarts-$ECHARTS.tgz" -C "$work"
cp "$work/package/dist/echarts.min.js" "$work/package/LICENSE" "$dest/echarts/"
echo "leaflet $LEAFLET, axe-core $AXE, echarts $ECHARTS" > "$dest/VERSIONS"
