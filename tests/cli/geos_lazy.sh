#!/usr/bin/env bash
# CLI: GEOS is loaded only when a polygon is met (src/common/geos_library.h). `georune` does not
# link it; box archives ingest and answer without it; a polygon without GEOS is refused, exit 1,
# naming the library; simulate --flood reads its truth with ingest's GeoJSON reader (located errors).
# $1 = georune binary. Exit 77 = skip.
set -u
bin="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

if command -v readelf >/dev/null; then
  readelf -d "$bin" | grep -i 'NEEDED.*geos' && fail "georune links GEOS"
fi

mkdir -p "$tmp/labels"
printf 'imagesource:GoogleEarth\ngsd:0.5\n10 10 50 10 50 30 10 30 plane 0\n60 10 90 10 90 30 60 30 plane 0\n' \
  > "$tmp/labels/P1.txt"
cat > "$tmp/poly.geojson" <<'JSON'
{"type": "FeatureCollection", "image": "G1", "width": 100, "height": 100,
 "features": [{"type": "Feature", "properties": {"class": "ship"},
               "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 0]]]}}]}
JSON

# Without GEOS: boxes work, and the process never even tries to open it.
export GEORUNE_GEOS_LIBRARY="$tmp/no-such-libgeos_c.so"
out=$("$bin" ingest --archive "$tmp/box" --dota-labels "$tmp/labels" 2>&1) || fail "box ingest without GEOS: $out"
out=$("$bin" query --archive "$tmp/box" --logic 'plane(a) AND plane(b) AND near(a, b)' --format json 2>&1) ||
  fail "box query without GEOS: $out"
echo "$out" | grep -q '"P1"' || fail "box answer: $out"
err=$("$bin" ingest --archive "$tmp/poly" --geojson "$tmp/poly.geojson" 2>&1); rc=$?
[ $rc -eq 1 ] || fail "polygon without GEOS: exit $rc ($err)"
echo "$err" | grep -q "cannot load GEOS ($tmp/no-such-libgeos_c.so)" || fail "message: $err"
echo "$err" | grep -q "hint: .*libgeos" || fail "hint: $err"
[ -e "$tmp/poly" ] && ls "$tmp/poly" | grep -q . && fail "a refused ingest left an archive"
# JSON Lines polygons ("wkt" or "geometry") likewise: an environment failure, not a bad line,
# even with --skip-bad-lines (a missing library is no reason to drop the line).
printf '{"image": "J1", "width": 100, "height": 100, "entities": [{"class": "plane", "obb": [10,10,50,10,50,30,10,30]}]}\n' \
  > "$tmp/poly.jsonl"
printf '{"image": "J2", "width": 100, "height": 100, "entities": [{"class": "ship", "wkt": "POLYGON ((0 0, 10 0, 10 10, 0 0))"}]}\n' \
  >> "$tmp/poly.jsonl"
printf '{"image": "J3", "width": 100, "height": 100, "entities": [{"class": "ship", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 0]]]}}]}\n' \
  > "$tmp/geometry.jsonl"
for f in poly geometry; do
  for skip in "" --skip-bad-lines; do
    err=$("$bin" ingest --archive "$tmp/j-$f" --jsonl "$tmp/$f.jsonl" $skip 2>&1); rc=$?
    [ $rc -eq 1 ] || fail "JSON Lines $f without GEOS $skip: exit $rc ($err)"
    echo "$err" | grep -q "cannot load GEOS ($tmp/no-such-libgeos_c.so)" || fail "JSON Lines $f message: $err"
    echo "$err" | grep -q "hint: .*libgeos" || fail "JSON Lines $f hint: $err"
    [ -e "$tmp/j-$f" ] && ls "$tmp/j-$f" | grep -q . && fail "a refused JSON Lines ingest left an archive"
  done
done
unset GEORUNE_GEOS_LIBRARY
"$bin" ingest --archive "$tmp/j-poly" --jsonl "$tmp/poly.jsonl" >/dev/null 2>&1 || fail "JSON Lines polygon ingest"

# With GEOS: the polygon ingests.
"$bin" ingest --archive "$tmp/poly" --geojson "$tmp/poly.geojson" >/dev/null 2>&1 || fail "polygon ingest"

# simulate --flood: ingest's reader, its located errors (FILE:LINE), exit 2.
mkdir -p "$tmp/gt"
cat > "$tmp/gt/F1.geojson" <<'JSON'
{"type": "FeatureCollection", "image": "F1", "width": 64, "height": 64, "features": [
 {"type": "Feature", "properties": {"class": "water"},
  "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [20, 0], [20, 20], [0, 20], [0, 0]]]}},
 {"type": "Feature", "properties": {"class": "zeppelin"},
  "geometry": {"type": "Polygon", "coordinates": [[[30, 30], [40, 30], [40, 40], [30, 30]]]}}]}
JSON
err=$("$bin" simulate --flood --labels "$tmp/gt" --noise 1 --out "$tmp/seg" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "simulate on a bad class: exit $rc ($err)"
echo "$err" | grep -q "F1.geojson:4" || fail "simulate error not located: $err"
echo "$err" | grep -q "zeppelin" || fail "simulate error names the class: $err"
sed -i 's/zeppelin/vehicle/' "$tmp/gt/F1.geojson"
out=$("$bin" simulate --flood --labels "$tmp/gt" --noise 0 --out "$tmp/seg" 2>&1) || fail "simulate: $out"
grep -q '"vehicle"' "$tmp/seg/F1.geojson" || fail "simulated vehicle missing"
echo "ok"
