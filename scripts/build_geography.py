"""Build the default theatre's geography (``ukraine-2025/geography.geojson``) offline.

Run once by a developer; the output is committed. It reads Natural Earth's Admin 0 country
boundaries at 1:50m (v4.1.0) as redistributed in TopoJSON by the npm package ``world-atlas``
2.0.2, and writes a GeoJSON FeatureCollection with:

* ``kind: country`` -- every country touching the regional box lon 10-50, lat 38-60, clipped to
  that box (so nothing crosses the antimeridian), ``id`` = ISO 3166-1 alpha-3. Natural Earth
  4.1.0 draws Crimea inside Russia; it is moved to Ukraine (internationally recognised borders).
* ``kind: contact_line`` -- the 2025 contact line, hand-drawn through the approximate
  coordinates of the towns named in ``CONTACT_LINE`` (an assumption with a 5-25 km positional
  uncertainty), from the Russian border north-east of Kupiansk to the Black Sea.
* ``kind: occupied`` -- the part of Ukraine's polygon east/south of that line, Crimea included.
* ``kind: sea`` -- the Black Sea (with the Sea of Azov): a box minus every land polygon.

Getting the source (into a throwaway folder, not the project's environment)::

    mkdir -p build/geo && cd build/geo
    npm pack world-atlas@2.0.2          # writes world-atlas-2.0.2.tgz
    tar xzf world-atlas-2.0.2.tgz       # writes package/countries-50m.json

Then, from the repository root::

    .venv/bin/python scripts/build_geography.py build/geo/package/countries-50m.json

Uses only the standard library, shapely and pyproj. It prints the checks (geodesic area of
Ukraine, length of the contact line, occupied share) so a developer can see them at a glance;
``tests/test_geography_data.py`` asserts them on the shipped file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, nearest_points, split, substring, unary_union

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "guarantor" / "theatre" / "data" / "ukraine-2025" / "geography.geojson"

SOURCE = "natural-earth-admin0-50m"
REGION = (10.0, 38.0, 50.0, 60.0)  # lon_min, lat_min, lon_max, lat_max
GRID = 1e-4  # coordinates are rounded to 4 decimals (about 11 m)

# ISO 3166-1 numeric (world-atlas ``id``) -> alpha-3, for every country touching REGION.
ISO3 = {
    "008": "ALB", "031": "AZE", "040": "AUT", "051": "ARM", "070": "BIH", "100": "BGR",
    "112": "BLR", "191": "HRV", "203": "CZE", "208": "DNK", "233": "EST", "246": "FIN",
    "268": "GEO", "276": "DEU", "300": "GRC", "336": "VAT", "348": "HUN", "364": "IRN",
    "380": "ITA", "398": "KAZ", "428": "LVA", "440": "LTU", "498": "MDA", "499": "MNE",
    "578": "NOR", "616": "POL", "642": "ROU", "643": "RUS", "674": "SMR", "688": "SRB",
    "703": "SVK", "705": "SVN", "752": "SWE", "756": "CHE", "792": "TUR", "804": "UKR",
    "807": "MKD",
}  # fmt: skip
ISO3_BY_NAME = {"Kosovo": "XKX"}  # Natural Earth gives Kosovo no ISO numeric code
NAMES = {
    "BIH": "Bosnia and Herzegovina",
    "CZE": "Czechia",
    "MKD": "North Macedonia",
    "RUS": "Russia",
    "XKX": "Kosovo",
}

# Crimea (with Sevastopol) as Natural Earth 4.1.0 draws it: a separate part of Russia's
# MultiPolygon whose centroid falls in this box.
CRIMEA_BOX = box(32.0, 44.0, 36.7, 46.3)

# The contact line, late 2025: approximate town and river coordinates (lon, lat), north to
# south-west. General knowledge, not read from a source: an assumption (5-25 km).
CONTACT_LINE: list[tuple[str, float, float]] = [
    # Kharkiv oblast: from the Russian border north-east of Kupiansk down the Oskil.
    ("Russian border at Kamianka (Oskil)", 37.80, 50.09),
    ("Dvorichna (Oskil bridgehead)", 37.68, 49.85),
    ("Kindrashivka-Radkivka (west-bank bridgehead)", 37.55, 49.80),
    ("Kupiansk, north", 37.60, 49.73),
    ("Kupiansk", 37.62, 49.71),
    ("Kupiansk-Vuzlovyi", 37.71, 49.63),
    ("Petropavlivka", 37.70, 49.56),
    ("Pishchane", 37.62, 49.52),
    ("Borova", 37.63, 49.38),
    # The Borova-Kreminna bend east to the Luhansk oblast border, then south-west to Lyman.
    ("Kolisnykivka-Novoplatonivka", 37.82, 49.33),
    ("Makiivka (Luhansk oblast)", 38.05, 49.22),
    ("Nevske", 38.10, 49.12),
    ("Kreminna forest", 38.12, 49.02),
    ("Torske", 37.96, 49.04),
    ("Lyman, east", 37.85, 48.99),
    ("Lyman, south", 37.80, 48.95),
    # Donetsk oblast: the Siversk salient, then Chasiv Yar, Kostiantynivka, Toretsk.
    ("Serebrianka forest", 38.03, 48.95),
    ("Bilohorivka (Luhansk oblast)", 38.24, 48.92),
    ("Siversk", 38.10, 48.87),
    ("Vyimka-Spirne", 38.15, 48.78),
    ("Soledar, west", 38.00, 48.70),
    ("Chasiv Yar", 37.83, 48.59),
    ("Kostiantynivka, east", 37.75, 48.54),
    ("Kostiantynivka, south", 37.70, 48.49),
    ("Toretsk, west (Shcherbynivka)", 37.78, 48.40),
    ("Oleksandro-Shultyne", 37.62, 48.37),
    ("Dobropillia salient, east side", 37.45, 48.45),
    ("Kucheriv Yar (salient tip)", 37.35, 48.55),
    ("Dobropillia salient, west side", 37.28, 48.45),
    ("Rodynske", 37.32, 48.36),
    ("Myrnohrad", 37.26, 48.30),
    ("Pokrovsk", 37.18, 48.28),
    ("Kotlyne", 37.08, 48.26),
    ("Udachne", 36.96, 48.20),
    ("Dnipropetrovsk oblast border (Mezhova direction)", 36.78, 48.07),
    ("Dachne-Ivanivka", 36.66, 48.00),
    ("Sosnivka-Berezove", 36.55, 47.93),
    ("Vorone-Ostapivske", 36.38, 47.90),
    ("Uspenivka", 36.45, 47.73),
    # Zaporizhzhia oblast.
    ("Huliaipole", 36.26, 47.66),
    ("Mala Tokmachka", 35.95, 47.58),
    ("Orikhiv", 35.78, 47.57),
    ("Robotyne-Kamianske road", 35.58, 47.50),
    ("Kamianske", 35.42, 47.49),
    ("Stepnohirsk", 35.30, 47.56),
    # Down the middle of the (drained) Kakhovka reservoir.
    ("Kakhovka reservoir, north end", 35.13, 47.58),
    ("Kakhovka reservoir off Dniprorudne", 35.00, 47.46),
    ("Kakhovka reservoir off Enerhodar", 34.80, 47.50),
    ("Kakhovka reservoir between Enerhodar and Marhanets", 34.64, 47.56),
    ("Kakhovka reservoir between Kamianka-Dniprovska and Nikopol", 34.41, 47.53),
    ("Kakhovka reservoir off Velyka Znamianka", 34.15, 47.40),
    ("Kakhovka reservoir off Velyka Lepetykha", 33.88, 47.20),
    ("Kakhovka reservoir, lower reach", 33.62, 46.98),
    ("Nova Kakhovka dam", 33.37, 46.77),
    # Down the Dnipro past Kherson to the Dnipro-Bug estuary and the Black Sea.
    ("Dnipro at Korsunka", 33.22, 46.76),
    ("Dnipro at Lvove", 33.05, 46.72),
    ("Dnipro at Tiahynka", 32.90, 46.70),
    ("Dnipro at Krynky", 32.78, 46.72),
    ("Dnipro at Antonivka bridge", 32.72, 46.665),
    ("Dnipro south of Kherson", 32.60, 46.605),
    ("Dnipro delta", 32.42, 46.55),
    ("Dnipro mouth", 32.22, 46.50),
    ("Dnipro-Bug estuary", 31.95, 46.54),
    ("Dnipro-Bug estuary north of the Kinburn spit", 31.70, 46.57),
    ("Ochakiv strait", 31.52, 46.585),
    ("Black Sea", 31.40, 46.56),
]
LINE_ASSUMPTION = (
    "Hand-drawn 2025 contact line through approximate coordinates of front-line towns "
    "(Kupiansk, Lyman, Siversk, Kostiantynivka, Pokrovsk, Velyka Novosilka, Huliaipole, Orikhiv, "
    "Kamianske), then the Kakhovka reservoir and the Dnipro to Kherson and the Kinburn spit; "
    "general knowledge as of late 2025, not read from a map source. low/high: positional "
    "uncertainty in km."
)
LENGTH_SOURCES = ["front-reuters-2024", "front-general-staff-2024", "front-syrskyi-2025"]

# The Black Sea water: this box minus all land. Marmara is cut off south of the Bosporus.
SEA_BOX = box(27.2, 40.8, 42.0, 47.4)
MARMARA_BOX = box(26.0, 40.5, 29.3, 41.17)
SEA_INTERIOR = Point(34.0, 43.5)

GEOD = Geod(ellps="WGS84")


# --- TopoJSON ------------------------------------------------------------------------------


def decode_topology(topology: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Decode one GeometryCollection of a quantized TopoJSON topology into shapely geometries."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantized
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for index in indexes:  # a negative index ~i means arc i reversed
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    def polygon(rings: list[list[int]]) -> Polygon:
        return Polygon(ring(rings[0]), [ring(r) for r in rings[1:]])

    out = []
    for geometry in topology["objects"][name]["geometries"]:
        if geometry["type"] == "Polygon":
            shape: BaseGeometry = polygon(geometry["arcs"])
        elif geometry["type"] == "MultiPolygon":
            shape = MultiPolygon([polygon(p) for p in geometry["arcs"]])
        else:
            continue
        out.append(
            {"id": geometry.get("id"), "name": geometry["properties"]["name"], "geom": shape}
        )
    return out


# --- geometry helpers ----------------------------------------------------------------------


def parts(geometry: BaseGeometry) -> list[Polygon]:
    """The polygons of a (Multi)Polygon or a collection."""
    if isinstance(geometry, Polygon):
        return [geometry] if not geometry.is_empty else []
    return [p for g in getattr(geometry, "geoms", []) for p in parts(g)]


def as_polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Keep only the polygons; a single one stays a Polygon."""
    polys = parts(geometry)
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def snap(geometry: BaseGeometry) -> BaseGeometry:
    """Round to the 4-decimal grid, keeping the geometry valid."""
    snapped = shapely.set_precision(geometry, GRID)
    if snapped.geom_type in {"Polygon", "MultiPolygon", "GeometryCollection"}:
        snapped = as_polygonal(shapely.make_valid(snapped))
    return snapped


def rounded(geometry: BaseGeometry) -> dict[str, Any]:
    """GeoJSON geometry with coordinates rounded to 4 decimals."""

    def walk(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float | int):
                return [round(float(v), 4) for v in value]
            return [walk(v) for v in value]
        return value

    geo = mapping(geometry)
    return {"type": geo["type"], "coordinates": walk(geo["coordinates"])}


def area_km2(geometry: BaseGeometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geometry)[0]) / 1e6


def length_km(geometry: BaseGeometry) -> float:
    return GEOD.geometry_length(geometry) / 1e3


# --- build ---------------------------------------------------------------------------------


def countries(source: Path) -> dict[str, dict[str, Any]]:
    """Countries touching REGION, by ISO3, clipped, with Crimea moved from Russia to Ukraine."""
    topology = json.loads(source.read_text(encoding="utf-8"))
    region = box(*REGION)
    found: dict[str, dict[str, Any]] = {}
    for item in decode_topology(topology, "countries"):
        geometry = shapely.make_valid(item["geom"])
        if not geometry.intersects(region):
            continue
        iso3 = ISO3.get(item["id"] or "") or ISO3_BY_NAME.get(item["name"])
        if iso3 is None:
            raise SystemExit(f"no ISO3 code for {item['name']!r} (id {item['id']!r})")
        found[iso3] = {"name": NAMES.get(iso3, item["name"]), "geom": geometry, "n3": item["id"]}

    russia = parts(found["RUS"]["geom"])
    crimea = [p for p in russia if CRIMEA_BOX.contains(p.centroid)]
    if len(crimea) != 1 or area_km2(crimea[0]) < 20_000:
        raise SystemExit(f"expected Crimea as one part of Russia, found {len(crimea)}")
    found["RUS"]["geom"] = MultiPolygon([p for p in russia if p is not crimea[0]])
    found["UKR"]["geom"] = unary_union([found["UKR"]["geom"], crimea[0]])

    for country in found.values():
        country["clipped"] = not region.contains(country["geom"])
        country["geom"] = snap(as_polygonal(country["geom"].intersection(region)))
    return found


# The active front also runs along the state border in Kharkiv and Sumy oblasts (Vovchansk,
# the Sumy sector), fought over since May 2024 and counted in the General Staff's 1,300 km
# (Nov 2024) and Syrskyi's ~1,250 km (Sep 2025). The shipped line follows the border from the
# Kupiansk sector north-west to the end of the Sumy sector (an assumption, 5-25 km).
NORTHERN_SECTOR_END = ("Russian border north of Sumy (end of the Sumy sector)", 35.02, 51.22)


def northern_sector(ukraine: BaseGeometry, russia: BaseGeometry, start: Point) -> LineString:
    """The Ukraine-Russia border from the Sumy sector's end to the line's start."""
    border = ukraine.boundary.intersection(russia.boundary.buffer(0.01))
    if border.geom_type == "MultiLineString":
        border = linemerge(border)
    pieces = list(getattr(border, "geoms", [border]))
    piece = min(pieces, key=lambda line: line.distance(start))
    end = Point(NORTHERN_SECTOR_END[1:])
    a, b = piece.project(end), piece.project(start)
    sector = substring(piece, min(a, b), max(a, b))
    return sector if a <= b else LineString(list(sector.coords)[::-1])


def contact_line(ukraine: BaseGeometry, russia: BaseGeometry) -> tuple[LineString, LineString]:
    """The contact line as shipped (border to sea) and extended beyond both ends for splitting."""
    points = [(lon, lat) for _, lon, lat in CONTACT_LINE]
    # Start exactly on the Ukraine-Russia border: the border point nearest the first town.
    border = ukraine.boundary.intersection(russia.boundary.buffer(0.01))
    start = nearest_points(border, Point(points[0]))[0]
    points[0] = (start.x, start.y)
    north = northern_sector(ukraine, russia, start)
    shipped = snap(LineString([*list(north.coords)[:-1], *points]))
    # For the split, go 0.3 degrees further into Russia and out to sea.
    (x0, y0), (x1, y1) = points[0], points[1]
    (xa, ya), (xb, yb) = points[-2], points[-1]
    inside_russia = (x0 + (x0 - x1) * 2, y0 + (y0 - y1) * 2)
    out_to_sea = (xb + (xb - xa) * 2, yb + (yb - ya) * 2)
    if not russia.contains(Point(inside_russia)):
        raise SystemExit(f"the line's extension {inside_russia} is not in Russia")
    return shipped, LineString([inside_russia, *points, out_to_sea])


def occupied_area(ukraine: BaseGeometry, cutter: LineString) -> BaseGeometry:
    """Every piece of Ukraine cut off from Kyiv by the contact line."""
    kyiv = Point(30.5236, 50.45)
    pieces = parts(split(ukraine, cutter))
    free = [p for p in pieces if p.contains(kyiv)]
    if len(free) != 1:
        raise SystemExit("the contact line does not separate Kyiv's side from the rest")
    # Other pieces are parts of Ukraine's MultiPolygon the line does not cut (islands, spits):
    # they count as occupied only if they lie east of the line's end at sea (lon 31.4), which
    # takes in the Tendra spit and leaves Zmiinyi (Snake) island free.
    west = min(lon for _, lon, _ in CONTACT_LINE)
    occupied = [p for p in pieces if p is not free[0] and p.centroid.x > west]
    return snap(unary_union(occupied))


def black_sea(land: BaseGeometry) -> Polygon:
    """The Black Sea water (with the Sea of Azov) inside SEA_BOX."""
    water = SEA_BOX.difference(land).difference(MARMARA_BOX)
    sea = [p for p in parts(water) if p.contains(SEA_INTERIOR)]
    if len(sea) != 1:
        raise SystemExit("could not find the Black Sea")
    return snap(sea[0])


def feature(geometry: BaseGeometry, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": rounded(geometry)}


def build(source: Path) -> dict[str, Any]:
    found = countries(source)
    ukraine, russia = found["UKR"]["geom"], found["RUS"]["geom"]
    line, cutter = contact_line(ukraine, russia)
    occupied = occupied_area(ukraine, cutter)
    sea = black_sea(unary_union([c["geom"] for c in found.values()]))

    features = []
    first = ["UKR", "RUS", "BLR", "MDA", "POL", "ROU", "SVK", "HUN", "BGR", "TUR", "GEO"]
    for iso3 in first + sorted(set(found) - set(first)):
        country = found[iso3]
        notes = []
        if iso3 == "UKR":
            notes.append(
                "internationally recognised borders: Crimea and Sevastopol, drawn inside "
                "Russia by Natural Earth 4.1.0, are moved to Ukraine"
            )
        if iso3 == "RUS":
            notes.append("Crimea removed (it is part of UKR here)")
        if not country["geom"].is_valid:
            raise SystemExit(f"{iso3} is invalid")
        props: dict[str, Any] = {
            "id": iso3,
            "name": country["name"],
            "kind": "country",
            "source": SOURCE,
            "iso_n3": country["n3"] or "",
        }
        if country["clipped"]:
            west, south, east, north = REGION
            notes.append(f"clipped to lon {west:g}-{east:g}, lat {south:g}-{north:g}")
        if notes:
            props["note"] = "; ".join(notes)
        features.append(feature(country["geom"], **props))

    features.append(
        feature(
            line,
            id="contact-line",
            name="Contact line (2025)",
            kind="contact_line",
            assumption=LINE_ASSUMPTION,
            low=5,
            high=25,
            unit="km",
            as_of="2025-late",
            waypoints=[NORTHERN_SECTOR_END[0], *(name for name, _, _ in CONTACT_LINE)],
            length_sources=LENGTH_SOURCES,
            note=(
                "from the end of the Sumy sector along the state border (Kharkiv and Sumy "
                "border sectors, active since May 2024) to the Kupiansk sector, then town by "
                "town to the Black Sea at the Ochakiv strait; the part south of the border "
                "measures about 910 km, the border sectors add about 300 km"
            ),
        )
    )
    features.append(
        feature(
            occupied,
            id="occupied",
            name="Russian-occupied Ukraine (2025)",
            kind="occupied",
            assumption=(
                "Ukraine's polygon east and south of the hand-drawn contact line, with Crimea "
                "and the Tendra spit; "
                "its area should be about 18-20% of Ukraine (Reuters and the Financial Times "
                "report Russia holds about 20%). low/high: positional uncertainty of the "
                "boundary in km."
            ),
            low=5,
            high=25,
            unit="km",
            as_of="2025-late",
        )
    )
    features.append(
        feature(
            sea,
            id="black-sea",
            name="Black Sea",
            kind="sea",
            source=SOURCE,
            note=(
                "water inside lon 27.2-42, lat 40.8-47.4 not covered by any country polygon; "
                "includes the Sea of Azov, the Kerch strait, the Dnipro-Bug estuary and the "
                "northern mouth of the Bosporus; the Sea of Marmara is cut off"
            ),
        )
    )
    return {
        "type": "FeatureCollection",
        "name": "ukraine-2025 geography",
        "source": SOURCE,
        "generated_by": "scripts/build_geography.py",
        "features": features,
    }


def report(collection: dict[str, Any]) -> None:
    from shapely.geometry import shape

    by_id = {f["properties"]["id"]: shape(f["geometry"]) for f in collection["features"]}
    ukr = area_km2(by_id["UKR"])
    occ = area_km2(by_id["occupied"])
    print(f"Ukraine area       {ukr:,.0f} km2 ({(ukr / 603_550 - 1) * 100:+.2f}% vs 603,550)")
    print(f"contact line       {length_km(by_id['contact-line']):,.0f} km")
    print(f"occupied           {occ:,.0f} km2 = {occ / ukr * 100:.1f}% of Ukraine")
    print(f"Black Sea (+Azov)  {area_km2(by_id['black-sea']):,.0f} km2")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="world-atlas 2.0.2 countries-50m.json")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output (default {OUT})")
    args = parser.parse_args(argv)
    collection = build(args.source)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(text) / 1e6:.2f} MB, {len(collection['features'])} features)")
    report(collection)
    return 0


if __name__ == "__main__":
    sys.exit(main())
