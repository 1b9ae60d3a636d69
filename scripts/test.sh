#!/usr/bin/env bash
# The whole check, as `make test` runs it (docs/testing.md):
#   1. lint: ruff, formatting, mypy, migrations, the layer contract, faces through selectors
#   2. the suite on SQLite: every test, the browser and the outside checkers included,
#      in random order (the seed is printed in the header)
#   3. the suite on PostgreSQL: every test but the browser and the outside checkers, as if
#      started late in the evening in Shanghai (HUOBAN_TEST_NOW), also in random order
# Both suites run across the machine's cores (pytest-xdist). Each stage's time is printed,
# and a table of them at the end. Any failure stops the run with a non-zero exit; pytest's
# exit code 5 ("no tests ran") is a failure too.
#
#   scripts/test.sh [lint|sqlite|postgres]...   (default: all three)
#
# Variables: TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test),
# POSTGRES_TEST_NOW (default 2026-12-31T23:30+08:00), PYTEST_ARGS (added to both suites,
# split at spaces: no quoted arguments).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
TEST_POSTGRES_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
POSTGRES_TEST_NOW=${POSTGRES_TEST_NOW:-2026-12-31T23:30+08:00}
read -r -a EXTRA <<<"${PYTEST_ARGS:-}"
export HUOBAN_ENV=test

declare -a TIMES=()
stage() {
  local name=$1
  shift
  local start=$SECONDS
  echo
  echo "== ${name}"
  "$@"
  local took=$((SECONDS - start))
  TIMES+=("$(printf '%-10s %4d s  (%d min %02d s)' "$name" "$took" $((took / 60)) $((took % 60)))")
  echo "== ${name}: ${took} s"
}

lint() {
  $BIN/ruff check src tests bench scripts
  $BIN/ruff format --check src tests bench scripts
  $BIN/mypy
  $BIN/huoban makemigrations --check --dry-run
  $BIN/lint-imports .importlinter
  $BIN/python scripts/check_faces.py
}

sqlite() {
  env -u DATABASE_URL $BIN/python -m pytest "${EXTRA[@]}"
}

postgres() {
  if ! $BIN/python - "$TEST_POSTGRES_URL" <<'EOF'; then
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=5).close()
except psycopg.OperationalError as error:
    sys.exit(f"PostgreSQL is not reachable at {sys.argv[1]} ({error}).\n"
             "Start it, or set TEST_POSTGRES_URL; docs/testing.md says how.")
EOF
    return 1
  fi
  DATABASE_URL=$TEST_POSTGRES_URL HUOBAN_TEST_NOW=$POSTGRES_TEST_NOW \
    $BIN/python -m pytest -m "not browser and not checkers" "${EXTRA[@]}"
}

stages=("$@")
((${#stages[@]})) || stages=(lint sqlite postgres)
total_start=$SECONDS
for name in "${stages[@]}"; do
  case $name in
    lint | sqlite | postgres) stage "$name" "$name" ;;
    *)
      echo "unknown stage: $name (lint, sqlite, postgres)" >&2
      exit 2
      ;;
  esac
done
echo
echo "== Stage times"
printf '%s\n' "${TIMES[@]}"
total=$((SECONDS - total_start))
printf '%-10s %4d s  (%d min %02d s)\n' total "$total" $((total / 60)) $((total % 60))
