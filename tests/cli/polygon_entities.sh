#!/usr/bin/env bash
# CLI: polygon entities from GeoJSON (ingest --geojson), queried with every kind of relation,
# answered with their polygons in JSON, and refused at FILE:LINE when invalid.
# $1 = georune binary. Exit 77 = skip.
set -u
bin="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A harbour (water) polygon with a hole holding a storage tank; a ship on the water; a
# multipolygon of two planes far away.
cat > "$tmp/port.geojson" <<'JSON'
{"type": "FeatureCollection", "width": 400, "height": 300, "gsd": 0.5,
 "features": [
  {"type": "Feature", "properties": {"class": "harbor", "confidence": 0.9},
   "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [200, 200], [0, 200], [0, 0]],
                                                   [[80, 80], [120, 80], [120, 120], [80, 120], [80, 80]]]}},
  {"type": "Feature", "properties": {"class": "storage-tank"},
   "geometry": {"type": "Polygon", "coordinates": [[[90, 90], [110, 90], [110, 110], [90, 110]]]}},
  {"type": "Feature", "properties": {"class": "ship", "confidence": 0.8},
   "geometry": {"type": "Polygon", "coordinates": [[[20, 20], [60, 20], [60, 30], [20, 30]]]}},
  {"type": "Feature", "properties": {"class": "plane"},
   "geometry": {"type": "MultiPolygon", "coordinates": [[[[300, 250], [320, 250], [320, 260]]],
                                                        [[[330, 250], [350, 250], [350, 260]]]]}}
 ]}
JSON
out=$("$bin" ingest --archive "$tmp/ar" --geojson "$tmp/port.geojson") || fail "ingest: $out"
echo "$out" | grep -q "ingested 1 images, 4 entities" || fail "summary: $out"
"$bin" info --archive "$tmp/ar" --format json | grep -q '"format_version": *4' || fail "format version 4"

q() { "$bin" query --archive "$tmp/ar" --crisp --format json --logic "$1"; }
score() { q "$1" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin)["results"]; print(r[0]["score"] if r else 0)'; }
# The tank is in the hole: near the harbour, not on it; the ship is on the harbour.
[ "$(score 'storage_tank(t) AND harbor(h) AND on(t, h)')" = 0 ] || fail "tank on the water"
[ "$(score 'storage_tank(t) AND harbor(h) AND near(t, h) AND NOT overlaps(t, h)')" = 1.0 ] || fail "tank surrounded"
[ "$(score 'ship(s) AND harbor(h) AND on(s, h)')" = 1.0 ] || fail "ship on the water"
[ "$(score 'harbor(h) AND area(h) > 9000 m2')" = 1.0 ] || fail "area in m2 (38400 px2 = 9600 m2)"
[ "$(score 'harbor(h) AND area(h) > 9700 m2')" = 0 ] || fail "area counts the hole out"
[ "$(score 'plane(p) AND harbor(h) AND NOT near(p, h) AND right_of(p, h)')" = 1.0 ] || fail "near, right_of"
# ship to tank: sqrt(30² + 60²) = 67.08 px = 33.54 m
[ "$(score 'ship(s) AND storage_tank(t) AND distance(s, t) < 34 m')" = 1.0 ] || fail "distance (33.5 m)"
[ "$(score 'ship(s) AND storage_tank(t) AND distance(s, t) < 33 m')" = 0 ] || fail "distance (33.5 m), below"

# The JSON answer carries each polygon witness's parts and rings.
q 'harbor(h) AND plane(p)' | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)["results"][0]
ents = {e["variable"]: e for e in r["entities"]}
h, p = ents["h"]["polygon"], ents["p"]["polygon"]
assert len(h) == 1 and len(h[0]) == 2, h              # one part: shell and hole
assert len(h[0][0]) == 5 and h[0][0][0] == h[0][0][-1]  # closed ring
assert len(p) == 2, p                                  # a multipolygon
assert len(ents["h"]["corners"]) == 8
' || fail "polygon in the JSON answer"

# An invalid polygon: refused at its line, nothing written; --make-valid repairs it.
cat > "$tmp/bad.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"class": "harbor"},
  "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10]]]}}]}
JSON
err=$("$bin" ingest --archive "$tmp/ar2" --geojson "$tmp/bad.geojson" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "invalid polygon: exit $rc"
echo "$err" | grep -q "$tmp/bad.geojson:2: feature 0: the polygon is not valid: Self-intersection at (5, 5)" || fail "message: $err"
[ ! -e "$tmp/ar2" ] || fail "a refused ingest created the archive"
out=$("$bin" ingest --archive "$tmp/ar2" --geojson "$tmp/bad.geojson" --make-valid 2>&1) || fail "make-valid: $out"
echo "$out" | grep -q "repaired 1 invalid polygon" || fail "repair note: $out"
echo "ok"
