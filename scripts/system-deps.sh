#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing.
# Chromium drives the browser tests; Noto CJK renders Chinese in PDFs and screenshots
# (Noto Color Emoji the icons beside the words, as elders' phones show them);
# zbar-tools decodes QR codes; poppler-utils extracts PDF text; libharfbuzz-subset0
# lets WeasyPrint embed font subsets; Java runs the Nu HTML checker and Node.js (with npm)
# Lighthouse, both installed by `make tools`.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v java >/dev/null || need+=(default-jre-headless)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -q "Noto Color Emoji" || need+=(fonts-noto-color-emoji)
# WeasyPrint warns (and the tests stop) without HarfBuzz's font subsetter.
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || need+=(libharfbuzz-subset0)
if ((${#need[@]} == 0)); then
  exit 0
fi
echo "Installing Debian packages: ${need[*]}"
sudo_cmd=()
if [[ $(id -u) != 0 ]]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
