#!/usr/bin/env bash
# CLI: georune detect and ingest --images --model on tiny ONNX graphs (tests/detect/data/make_models.py)
# and GDAL-made images: outputs, resumable ingest, gsd from a projected CRS, errors and exit codes.
# $1 = georune binary, $2 = shared dir. Exit 77 = skip.
set -u
bin="$1"
here=$(cd "$(dirname "$0")" && pwd)
command -v gdal_create >/dev/null || { echo "skip: gdal-bin absent"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
/usr/bin/python3 "$here/../detect/data/make_models.py" "$tmp/m" >/dev/null 2>&1 || { echo "skip: python3-onnx absent"; exit 77; }

mkdir -p "$tmp/img"
gdal_create -q -outsize 200 100 -bands 3 -ot Byte -a_srs EPSG:32633 -a_ullr 500000 4000050 500100 4000000 "$tmp/img/geo.tif" || fail "gdal_create"
gdal_create -q -outsize 64 64 -bands 4 -ot Byte "$tmp/plain.tif" && gdal_translate -q -of PNG "$tmp/plain.tif" "$tmp/img/plain.png" || fail "png"

out=$("$bin" detect --model "$tmp/m/obb_nms.onnx" --images "$tmp/img" --out "$tmp/out" 2>"$tmp/err") || fail "detect: $(cat "$tmp/err")"
echo "$out" | grep -Eq '^detected 4 boxes in 2 images \(2 tiles\) in [0-9.]+ s: [0-9.]+ images/s, [0-9.]+ tiles/s$' || fail "summary: $out"
[ "$(wc -l < "$tmp/out/detections.jsonl")" -eq 2 ] || fail "jsonl lines"
grep '"image":"geo"' "$tmp/out/detections.jsonl" | grep -q '"gsd":0.5' || fail "gsd from the projected CRS: $(cat "$tmp/out/detections.jsonl")"
grep -q '"class":"ship"' "$tmp/out/detections.jsonl" || fail "class from metadata"
"$bin" detect --model "$tmp/m/obb_nms.onnx" --images "$tmp/img/plain.png" --out "$tmp/t1" --format task1 >/dev/null 2>&1 || fail "task1"
[ -s "$tmp/t1/Task1_ship.txt" ] || fail "Task1_ship.txt"
# The JSON Lines output is what ingest --jsonl reads.
"$bin" ingest --archive "$tmp/arj" --jsonl "$tmp/out/detections.jsonl" >/dev/null 2>&1 || fail "ingest --jsonl of detect output"

# ingest --images --model: into the archive; a second run skips what is there.
out=$("$bin" ingest --archive "$tmp/ar" --images "$tmp/img" --model "$tmp/m/obb_nms.onnx" 2>&1) || fail "ingest --model: $out"
echo "$out" | grep -q "ingested 2 images, 4 detected entities" || fail "ingest summary: $out"
out=$("$bin" ingest --archive "$tmp/ar" --images "$tmp/img" --model "$tmp/m/obb_nms.onnx" 2>&1) || fail "resume: $out"
echo "$out" | grep -q "2 image(s) already in the archive are skipped" || fail "resume note: $out"
"$bin" info --archive "$tmp/ar" | grep -Eq '^images: +2$' || fail "archive images"
"$bin" info --archive "$tmp/ar" | grep -Eq '^format version: 4$' || fail "format version"

# Errors: exit 2 with the cause named; nothing written.
err=$("$bin" detect --model "$tmp/m/unknown_class.onnx" --images "$tmp/img" --out "$tmp/o2" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "unknown class: exit $rc"
echo "$err" | grep -q "'submarine'" || fail "unknown class message: $err"
"$bin" detect --model "$tmp/m/coco_like.onnx" --class-map aeroplane=plane,boat=ship --images "$tmp/img" --out "$tmp/o3" >/dev/null 2>&1 || fail "class map"
grep -q '"class":"plane"' "$tmp/o3/detections.jsonl" || fail "class map output"
err=$("$bin" detect --model "$tmp/m/bad_shape.onnx" --images "$tmp/img" --out "$tmp/o4" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$err" | grep -q "(1, 9, 16)" || fail "bad shape: exit $rc: $err"
printf 'II*\0garbage' > "$tmp/img/zbroken.tif"
err=$("$bin" detect --model "$tmp/m/obb_nms.onnx" --images "$tmp/img" --out "$tmp/o5" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$err" | grep -q "zbroken.tif" || fail "corrupt image: exit $rc: $err"
[ ! -e "$tmp/o5" ] || fail "a failed run wrote output"
out=$("$bin" detect --model "$tmp/m/obb_nms.onnx" --images "$tmp/img" --out "$tmp/o6" --skip-bad-images 2>&1) || fail "skip-bad-images: $out"
echo "$out" | grep -q "skipped 1 bad images" || fail "skip summary: $out"
err=$("$bin" ingest --archive "$tmp/ar3" --model "$tmp/m/obb_nms.onnx" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "--model without --images: exit $rc: $err"
# ingest --dota-labels … --images DIR links the label files to their images (real data).
shared="$2/data/dota"
if [ -d "$shared/images" ]; then
  out=$("$bin" ingest --archive "$tmp/arl" --dota-labels "$shared/labelTxt" --images "$shared/images" 2>&1) || fail "link: $out"
  echo "$out" | grep -q "linked 7 of 13 label files to images under --images; no image for 6" || fail "link note: $out"
fi
echo "ok"
