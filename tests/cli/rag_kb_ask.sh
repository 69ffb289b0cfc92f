#!/usr/bin/env bash
# CLI test of the RS-RAG path: kb build from the shared RSWK records, ask (text and JSON),
# a JSON Lines knowledge base with images, bad input diagnostics, and kb eval on a small slice.
# Usage: rag_kb_ask.sh GEORUNE SHARED_DIR   (exit 77 = skipped)
set -u
bin="$1"
shared="$2"
rswk="$shared/data/rswk/ORI_DATASET/ori_data_test.partial.json"
if [ ! -f "$rswk" ]; then echo "skip: $rswk is absent"; exit 77; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" kb build --rswk "$rswk" --out "$tmp/kb" 2>"$tmp/build.err" || fail "kb build: $(cat "$tmp/build.err")"
grep -q "342 records" "$tmp/build.err" || fail "expected 342 records: $(cat "$tmp/build.err")"

answer=$("$bin" ask --kb "$tmp/kb" "When was Salts Mill built?" 2>/dev/null)
[ "$answer" = "1853" ] || fail "ask answered '$answer'"

"$bin" ask --kb "$tmp/kb" "When was Salts Mill built?" --alpha 0.5 --tau 10 --top-k 3 --format json >"$tmp/a.json" \
  || fail "ask --format json"
python3 - "$tmp/a.json" <<'PY' || fail "ask JSON"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["answer"] == "1853", j["answer"]
assert j["prompt"] is None
r = j["retrieved"]
assert 1 <= len(r) <= 3
assert [x["rank"] for x in r] == list(range(1, len(r) + 1))
assert r[0]["record_id"] == "011089" and r[0]["chunk_type"]
assert all(x["s_text"] is not None and x["s_image"] is None for x in r)
assert all(r[i]["score"] >= r[i + 1]["score"] for i in range(len(r) - 1))
PY

cls=$("$bin" ask --kb "$tmp/kb" "What is the category of Piazza Navona?" --task classify 2>/dev/null)
[ "$cls" = "Historic Site" ] || fail "classify answered '$cls'"

# A JSON Lines knowledge base with images: the image modality works alone.
python3 - "$tmp" <<'PY'
import sys, zlib, struct
d = sys.argv[1]
def png(path, rgb):
    w = h = 16
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    def chunk(t, data):
        c = struct.pack(">I", len(data)) + t + data
        return c + struct.pack(">I", zlib.crc32(t + data) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
png(d + "/red.png", (200, 30, 30)); png(d + "/green.png", (30, 180, 40)); png(d + "/q.png", (35, 175, 45))
with open(d + "/docs.jsonl", "w") as f:
    f.write('{"id": "r", "title": "Red roofs", "text": "a town of red roofs", "image": "red.png", "category": "Town"}\n')
    f.write('{"id": "g", "title": "Green park", "text": "a large park with lawns", "image": "green.png", "category": "Park"}\n')
PY
"$bin" kb build --jsonl "$tmp/docs.jsonl" --out "$tmp/kb2" 2>/dev/null || fail "kb build --jsonl"
"$bin" ask --kb "$tmp/kb2" --image "$tmp/q.png" --task classify --format json >"$tmp/b.json" || fail "ask --image"
python3 - "$tmp/b.json" <<'PY' || fail "image ask JSON"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["answer"] == "Park", j
assert j["retrieved"][0]["record_id"] == "g" and j["retrieved"][0]["s_image"] is not None
PY

# Bad input: FILE:LINE diagnostics and exit status 2; a missing KB is exit 1.
printf '{"id": "a", "text": "x"}\n{"title": "no id"}\n' >"$tmp/bad.jsonl"
"$bin" kb build --jsonl "$tmp/bad.jsonl" --out "$tmp/kb3" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "bad jsonl exit $rc"
grep -q "bad.jsonl:2: missing \"id\"" "$tmp/err" || fail "diagnostic: $(cat "$tmp/err")"
"$bin" ask --kb "$tmp/none" "x" 2>/dev/null; rc=$?
[ $rc -eq 1 ] || fail "missing kb exit $rc"
"$bin" ask --kb "$tmp/kb" "x" --alpha 2 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "bad alpha exit $rc"

# Images described by their detected objects, from a georune archive.
labels="$shared/data/dota/labelTxt"
if [ -d "$labels" ]; then
  "$bin" ingest --archive "$tmp/arch" --dota-labels "$labels" >/dev/null 2>&1 || fail "ingest"
  "$bin" kb build --archive "$tmp/arch" --out "$tmp/kb4" 2>"$tmp/err4" || fail "kb build --archive: $(cat "$tmp/err4")"
  grep -q "described from the archive" "$tmp/err4" || fail "archive summary"
  "$bin" ask --kb "$tmp/kb4" "images with many planes" --format json >"$tmp/c.json" || fail "ask archive kb"
  python3 - "$tmp/c.json" <<'PY' || fail "archive ask JSON"
import json, sys
j = json.load(open(sys.argv[1]))
top = j["retrieved"][0]
assert top["chunk_type"] == "image_description" and "plane" in top["text"], top
PY
fi

# The benchmark runner on the world-knowledge questions.
wk="$shared/data/rswk/DATASET_FULL/vqa/vqa_wk/vqa_wk_full_test_2993.jsonl"
if [ -f "$wk" ]; then
  "$bin" kb eval --kb "$tmp/kb" --questions "$wk" --limit 50 --format json >"$tmp/e.json" || fail "kb eval"
  python3 - "$tmp/e.json" <<'PY' || fail "eval JSON"
import json, sys
j = json.load(open(sys.argv[1]))
s = j["by_file"]["vqa_wk_full_test_2993"]
assert s["n"] == 50 and s["recall@5"] >= 0.9, s
assert 0 <= s["exact_match"] <= 1 and "cider" in s
PY
fi
echo "rag_kb_ask: ok"
