#!/usr/bin/env bash
# CLI end to end, as the acceptance check of issue 13 does it: a GeoTIFF with a known UTM
# geotransform, labels linked to it (--images), a query with metric units, GeoJSON and GPKG
# exports whose every coordinate is compared with an independent PROJ transform (pyproj) to
# 1e-6 degrees, files opened with ogrinfo and geopandas. Then the same georeference given by
# --georef and by a world file (+ --crs), and a geographic CRS (geodesic gsd).
# $1 = georune binary. Exit 77 = skip (no GDAL Python, pyproj or geopandas).
set -u
bin="$1"
py=/usr/bin/python3
$py -c 'import osgeo.gdal, pyproj, geopandas' 2>/dev/null || { echo "skip: python3-gdal, pyproj or geopandas absent"; exit 77; }
command -v ogrinfo >/dev/null || { echo "skip: ogrinfo absent"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A 1000 x 800 GeoTIFF in UTM 33N, 0.5 m pixels, rotated a little (row rotation) to catch any
# shortcut that ignores the geotransform's rotation terms.
GT="[500000.0, 0.5, 0.02, 4000000.0, 0.01, -0.5]"
mkdir -p "$tmp/img" "$tmp/labels"
$py - "$tmp/img/scene.tif" <<EOF || fail "making the GeoTIFF"
import sys
from osgeo import gdal, osr
ds = gdal.GetDriverByName("GTiff").Create(sys.argv[1], 1000, 800, 3, gdal.GDT_Byte)
ds.SetGeoTransform($GT)
srs = osr.SpatialReference(); srs.ImportFromEPSG(32633)
ds.SetProjection(srs.ExportToWkt())
ds = None
EOF
# Two planes 40 px apart (edge to edge: 20 m), a ship far away; the labels' gsd (0.3) is wrong:
# the georeference's ground resolution replaces it.
cat > "$tmp/labels/scene.txt" <<'EOF'
imagesource:test
gsd:0.3
100 100 140 100 140 130 100 130 plane 0
180 100 220 100 220 130 180 130 plane 0
600 500 700 520 690 560 590 540 ship 0
EOF
out=$("$bin" ingest --archive "$tmp/ar" --dota-labels "$tmp/labels" --images "$tmp/img" 2>&1) || fail "ingest: $out"
echo "$out" | grep -q "replaced the labels' gsd of 1 image" || fail "gsd note: $out"

q() { "$bin" query --archive "$1" --crisp --format json --logic "$2"; }
count() { q "$1" "$2" | $py -c 'import json,sys; print(len(json.load(sys.stdin)["results"]))'; }
# ground gsd = sqrt(hypot(0.5, 0.01) * hypot(0.02, 0.5)) = 0.50035 m; 40 px = 20.014 m
[ "$(count "$tmp/ar" 'plane(a) AND plane(b) AND distance(a, b) < 20.1 m')" = 1 ] || fail "distance < 20.1 m"
[ "$(count "$tmp/ar" 'plane(a) AND plane(b) AND distance(a, b) < 19.9 m')" = 0 ] || fail "distance < 19.9 m"
[ "$(count "$tmp/ar" 'ship(s) AND area(s) > 1000 m2')" = 1 ] || fail "area > 1000 m2"

# check_export ARCHIVE GT EPSG: GeoJSON and GPKG of a query, every vertex against pyproj.
check_export() {
  local ar="$1" gt="$2" epsg="$3" n
  "$bin" query --archive "$ar" --format geojson --out "$tmp/r.geojson" --logic 'plane(a) AND plane(b) AND ship(s)' >/dev/null || fail "geojson export"
  "$bin" query --archive "$ar" --format gpkg --out "$tmp/r.gpkg" --logic 'plane(a) AND plane(b) AND ship(s)' >/dev/null || fail "gpkg export"
  ogrinfo -ro -al -so "$tmp/r.geojson" >"$tmp/ogr1" 2>&1 || fail "ogrinfo geojson: $(cat "$tmp/ogr1")"
  ogrinfo -ro -al -so "$tmp/r.gpkg" >"$tmp/ogr2" 2>&1 || fail "ogrinfo gpkg: $(cat "$tmp/ogr2")"
  grep -q "Feature Count: 3" "$tmp/ogr1" || fail "ogrinfo geojson count: $(cat "$tmp/ogr1")"
  grep -q "Feature Count: 3" "$tmp/ogr2" || fail "ogrinfo gpkg count: $(cat "$tmp/ogr2")"
  $py - "$tmp/r.geojson" "$tmp/r.gpkg" "$tmp/labels/scene.txt" "$gt" "$epsg" <<'EOF' || fail "coordinates ($epsg)"
import json, sys
import geopandas, pyproj
geojson, gpkg, labels, gt, epsg = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5])
corners = [list(map(float, l.split()[:8])) for l in open(labels) if len(l.split()) >= 9]
to_ll = pyproj.Transformer.from_crs(epsg, 4326, always_xy=True)
def expected(entity):
    c = corners[entity]
    out = []
    for k in range(4):
        col, row = c[2 * k], c[2 * k + 1]
        x, y = gt[0] + col * gt[1] + row * gt[2], gt[3] + col * gt[4] + row * gt[5]
        out.append(to_ll.transform(x, y))
    return out
def check(rings_by_entity, what):
    assert len(rings_by_entity) == 3, (what, len(rings_by_entity))
    for entity, ring in rings_by_entity:
        want = expected(entity)
        assert ring[0] == ring[-1], what
        got = ring[:-1]
        assert len(got) == 4, (what, got)
        for lon, lat in got:  # every vertex is one of the entity's corners, to 1e-6 degrees
            assert min(abs(lon - a) + abs(lat - b) for a, b in want) < 1e-6, (what, entity, lon, lat, want)
        for a, b in want:     # and every corner is a vertex
            assert min(abs(lon - a) + abs(lat - b) for lon, lat in got) < 1e-6, (what, entity, a, b)
doc = json.load(open(geojson))
assert "crs" not in doc  # RFC 7946: WGS84 implied
check([(f["properties"]["entity"], f["geometry"]["coordinates"][0]) for f in doc["features"]], "geojson")
for path in (geojson, gpkg):
    df = geopandas.read_file(path)
    assert df.crs is not None and df.crs.to_epsg() == 4326, (path, df.crs)
    check([(int(r.entity), list(r.geometry.exterior.coords)) for r in df.itertuples()], path)
    for r in df.itertuples():
        assert r.geometry.exterior.is_ccw, (path, "outer rings counter-clockwise")
        assert r.coords == "lonlat" and r.image == "scene", path
EOF
}
check_export "$tmp/ar" "$GT" 32633

# The same georeference from --georef (labels only, no image file) gives the same exports.
echo "{\"image\": \"scene\", \"geotransform\": $GT, \"crs\": 32633}" > "$tmp/georef.jsonl"
out=$("$bin" ingest --archive "$tmp/ar2" --dota-labels "$tmp/labels" --georef "$tmp/georef.jsonl" 2>&1) || fail "ingest --georef: $out"
check_export "$tmp/ar2" "$GT" 32633
[ "$(count "$tmp/ar2" 'plane(a) AND plane(b) AND distance(a, b) < 20.1 m')" = 1 ] || fail "--georef: metric units"

# A world file beside the image path of JSON Lines labels, its CRS from --crs.
$py - "$tmp/labels/scene.txt" "$tmp/w/scene.png" > "$tmp/w.jsonl" <<'EOF'
import json, sys
ents = [{"class": l.split()[8], "obb": list(map(float, l.split()[:8]))} for l in open(sys.argv[1]) if len(l.split()) >= 9]
print(json.dumps({"image": "scene", "path": sys.argv[2], "entities": ents}))
EOF
mkdir -p "$tmp/w"
# A, D, B, E, C, F; C, F = the centre of the top-left pixel
$py -c "
gt = $GT
print(gt[1]); print(gt[4]); print(gt[2]); print(gt[5])
print(gt[0] + 0.5 * gt[1] + 0.5 * gt[2]); print(gt[3] + 0.5 * gt[4] + 0.5 * gt[5])" > "$tmp/w/scene.pgw"
err=$("$bin" ingest --archive "$tmp/ar3" --jsonl "$tmp/w.jsonl" --georef /dev/null 2>&1); rc=$?
[ $rc -eq 2 ] || fail "a world file without CRS: exit $rc ($err)"
echo "$err" | grep -q "scene.pgw: image 'scene' has a geotransform but no CRS" || fail "world file message: $err"
echo "$err" | grep -q "hint: give the CRS of its map coordinates (EPSG:n), or put a .prj file beside the image (--crs)" ||
  fail "world file hint: $err"
out=$("$bin" ingest --archive "$tmp/ar3" --jsonl "$tmp/w.jsonl" --crs EPSG:32633 2>&1) || fail "ingest world file: $out"
check_export "$tmp/ar3" "$GT" 32633

# Errors of the georeference file are located.
printf '{"image": "scene", "geotransform": [1, 2, 3], "crs": 32633}\n' > "$tmp/bad.jsonl"
err=$("$bin" ingest --archive "$tmp/ar4" --dota-labels "$tmp/labels" --georef "$tmp/bad.jsonl" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad georef: exit $rc"
echo "$err" | grep -q "$tmp/bad.jsonl:1: \"geotransform\" must be an array of six numbers" || fail "bad georef message: $err"
printf '{"image": "other", "geotransform": [0, 1, 0, 0, 0, -1], "crs": 32633}\n' > "$tmp/other.jsonl"
err=$("$bin" ingest --archive "$tmp/ar4" --dota-labels "$tmp/labels" --georef "$tmp/other.jsonl" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "georef of an unknown image: exit $rc"
echo "$err" | grep -q "image 'other' is not in this ingest" || fail "unknown image message: $err"
[ ! -e "$tmp/ar4" ] || fail "a refused ingest created the archive"

# A geographic CRS: metric units use the geodesic ground resolution at the image centre.
GEO="[13.0, 0.00001, 0.0, 45.0, 0.0, -0.00001]"
echo "{\"image\": \"scene\", \"geotransform\": $GEO, \"crs\": \"EPSG:4326\"}" > "$tmp/geo.jsonl"
"$bin" ingest --archive "$tmp/ar5" --dota-labels "$tmp/labels" --georef "$tmp/geo.jsonl" >/dev/null 2>&1 || fail "ingest geographic"
d=$($py -c "
import pyproj
g = pyproj.Geod(ellps='WGS84')
lon, lat = 13.0 + 0.5 * 0.00001, 45.0 - 0.5 * 0.00001   # the centre of an image of unknown size: pixel (0.5, 0.5)
dx = g.inv(lon, lat, lon + 0.00001, lat)[2]; dy = g.inv(lon, lat, lon, lat - 0.00001)[2]
print((dx * dy) ** 0.5 * 40)")
lo=$($py -c "print($d * 0.999)"); hi=$($py -c "print($d * 1.001)")
[ "$(count "$tmp/ar5" "plane(a) AND plane(b) AND distance(a, b) < $hi m")" = 1 ] || fail "geodesic distance < $hi m"
[ "$(count "$tmp/ar5" "plane(a) AND plane(b) AND distance(a, b) < $lo m")" = 0 ] || fail "geodesic distance < $lo m"
check_export "$tmp/ar5" "$GEO" 4326
echo "ok"
