#!/usr/bin/env bash
# Browser end-to-end tests: a server over a small archive (and the RSWK knowledge base when the
# shared data is present), the page driven in Debian's headless Chromium by playwright-core.
# Usage: run.sh GEORUNE SHARED_DIR ARTEFACT_DIR   (exit 77 = skipped, with the reason)
set -u
bin=$1; shared=$2; artefacts=$3
here=$(cd "$(dirname "$0")" && pwd)
[ -x /usr/bin/chromium ] || { echo "skip: /usr/bin/chromium is absent (apt-get install chromium)"; exit 77; }
command -v node >/dev/null || { echo "skip: node is absent (apt-get install nodejs)"; exit 77; }
[ -d "$here/node_modules/playwright-core" ] || { echo "skip: playwright-core is not installed (run ./scripts/setup)"; exit 77; }
tmp=$(mktemp -d); pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/server.log" ] && cat "$tmp/server.log"; exit 1; }

cat > "$tmp/in.jsonl" <<'JSONL'
{"image": "P1", "width": 640, "height": 480, "gsd": 0.5, "path": "p1.png", "entities": [{"class": "plane", "score": 0.9, "obb": [20,20,120,20,120,100,20,100]}, {"class": "plane", "score": 0.8, "obb": [200,20,300,20,300,100,200,100]}]}
{"image": "P2", "width": 1000, "height": 800, "gsd": 0.5, "entities": [{"class": "plane", "score": 0.7, "obb": [20,20,120,20,120,100,20,100]}, {"class": "ship", "score": 0.95, "obb": [400,400,600,400,600,500,400,500]}]}
{"image": "P3", "width": 1000, "height": 800, "entities": [{"class": "ship", "score": 0.6, "obb": [100,100,300,100,300,200,100,200]}]}
JSONL
"$bin" ingest --archive "$tmp/arch" --jsonl "$tmp/in.jsonl" >/dev/null 2>&1 || fail "ingest"
python3 - "$tmp/arch/p1.png" <<'PY' || fail "write p1.png"
import sys, zlib, struct
w, h = 640, 480
raw = b''.join(b'\x00' + bytes([40, 110, 60]) * w for _ in range(h))
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
open(sys.argv[1], 'wb').write(png)
PY
# A georeferenced archive: G1 north-up and G2 rotated by 30°, GeoTIFFs in UTM 33N (2 m pixels,
# near 15°E 45°N) made by gdal_translate from a VRT of p1.png, linked by `ingest --images`.
command -v gdal_translate >/dev/null || fail "gdal_translate is absent (apt-get install gdal-bin)"
mkdir -p "$tmp/geo_images"
for spec in "G1 500000,2,0,4982950,0,-2" "G2 501500,1.7320508075688772,1,4982950,1,-1.7320508075688772"; do
  set -- $spec
  cat > "$tmp/$1.vrt" <<VRT
<VRTDataset rasterXSize="640" rasterYSize="480">
  <SRS>EPSG:32633</SRS>
  <GeoTransform>$2</GeoTransform>
$(for b in 1 2 3; do echo "  <VRTRasterBand dataType=\"Byte\" band=\"$b\"><SimpleSource><SourceFilename relativeToVRT=\"0\">$tmp/arch/p1.png</SourceFilename><SourceBand>$b</SourceBand></SimpleSource></VRTRasterBand>"; done)
</VRTDataset>
VRT
  gdal_translate -q "$tmp/$1.vrt" "$tmp/geo_images/$1.tif" || fail "gdal_translate $1"
done
cat > "$tmp/geo.jsonl" <<'JSONL'
{"image": "G1", "width": 640, "height": 480, "entities": [{"class": "plane", "score": 0.9, "obb": [20,20,120,20,120,100,20,100]}, {"class": "plane", "score": 0.8, "obb": [200,40,300,20,320,100,220,120]}]}
{"image": "G2", "width": 640, "height": 480, "entities": [{"class": "plane", "score": 0.85, "obb": [300,200,400,200,400,280,300,280]}, {"class": "plane", "score": 0.75, "obb": [100,300,180,300,180,360,100,360]}]}
JSONL
"$bin" ingest --archive "$tmp/geo" --jsonl "$tmp/geo.jsonl" --images "$tmp/geo_images" >/dev/null 2>&1 || fail "ingest geo"
kb_args=(); has_kb=0
rswk="$shared/data/rswk/ORI_DATASET/ori_data_test.partial.json"
if [ -f "$rswk" ]; then
  "$bin" kb build --rswk "$rswk" --out "$tmp/kb" >/dev/null 2>&1 || fail "kb build"
  kb_args=(--kb "$tmp/kb"); has_kb=1
else
  echo "note: $rswk is absent; the Ask test is skipped"
fi
"$bin" serve --archive "$tmp/arch" --archive "$tmp/geo" "${kb_args[@]}" --port 0 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 100); do grep -q "serving http" "$tmp/server.log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$tmp/server.log" | head -1)
[ -n "$url" ] || fail "the server did not start"
GEORUNE_URL=$url GEORUNE_ARTEFACTS=$artefacts GEORUNE_HAS_KB=$has_kb \
  timeout 300 node --test --test-concurrency=1 "$here/e2e.test.mjs" || fail "browser tests (screenshots in $artefacts)"
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=""
[ "$rc" = 0 ] || fail "the server exited $rc on SIGTERM"
echo "web e2e: ok (screenshots in $artefacts)"
