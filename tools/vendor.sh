#!/usr/bin/env bash
# Refresh static/vendor from the npm registry: the app must work with no internet,
# so the files are committed. Versions are pinned in static/vendor/package.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/static/vendor/package.json" "$work/"
(cd "$work" && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
dest="$root/static/vendor/bootstrap"
rm -rf "$dest" && mkdir -p "$dest"
cp "$work/node_modules/bootstrap/dist/css/bootstrap.min.css" \
   "$work/node_modules/bootstrap/dist/js/bootstrap.bundle.min.js" \
   "$work/node_modules/bootstrap/LICENSE" "$dest/"
echo "vendored: $(ls "$root/static/vendor")"
