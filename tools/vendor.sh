#!/usr/bin/env bash
# Refresh static/vendor from the npm registry: the app must work with no internet,
# so the files are committed. Versions are pinned in static/vendor/package.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/static/vendor/package.json" "$work/"
(cd "$work" && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
mods="$work/node_modules"

# Bootstrap: minified CSS, JS bundle (with Popper) and licence.
dest="$root/static/vendor/bootstrap"
rm -rf "$dest" && mkdir -p "$dest"
cp "$mods/bootstrap/dist/css/bootstrap.min.css" \
   "$mods/bootstrap/dist/js/bootstrap.bundle.min.js" \
   "$mods/bootstrap/LICENSE" "$dest/"

# Leaflet: the map library, its stylesheet, the marker/layer images that
# leaflet.css refers to as images/*.png, and its licence (BSD-2-Clause).
dest="$root/static/vendor/leaflet"
rm -rf "$dest" && mkdir -p "$dest/images"
cp "$mods/leaflet/dist/leaflet.js" \
   "$mods/leaflet/dist/leaflet.css" \
   "$mods/leaflet/LICENSE" "$dest/"
cp "$mods/leaflet/dist/images/"* "$dest/images/"

# ECharts: the full minified bundle (it has the sankey series and the SVG
# renderer), its licence (Apache-2.0) and NOTICE, and the licences of what the
# bundle embeds: zrender (BSD-3-Clause) and parts of d3 (BSD-3-Clause).
dest="$root/static/vendor/echarts"
rm -rf "$dest" && mkdir -p "$dest"
cp "$mods/echarts/dist/echarts.min.js" \
   "$mods/echarts/LICENSE" "$mods/echarts/NOTICE" "$dest/"
cp "$mods/echarts/licenses/LICENSE-d3" "$dest/LICENSE-d3"
cp "$mods/zrender/LICENSE" "$dest/LICENSE-zrender"

# Swagger UI: the bundle that /api/docs loads (static/js/api-docs.js starts
# it), its stylesheet, licence (Apache-2.0) and NOTICE, and the licences of
# what the bundle embeds.
dest="$root/static/vendor/swagger-ui"
rm -rf "$dest" && mkdir -p "$dest"
cp "$mods/swagger-ui-dist/"{swagger-ui-bundle.js,swagger-ui-bundle.js.LICENSE.txt,swagger-ui.css,LICENSE,NOTICE} "$dest/"

echo "vendored: $(ls "$root/static/vendor")"
