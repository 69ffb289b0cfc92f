#!/usr/bin/env bash
# georune query --format jsonl: the same results as --format json, one per line, streamed; the
# stats on standard error; class-only crisp formulas (scored from the class counts) and spatial
# ones; --format ids gives the same ranking; --explain prints the physical plan before the run
# and what each operator did after it; a damaged entity block is still refused (exit 1, naming
# the file) wherever an answer reads it.
set -uo pipefail
BIN=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir "$tmp/labels"
for i in 1 2 3 4 5 6; do
  {
    printf 'gsd:0.5\r\n'
    for k in $(seq 1 $i); do x=$((k * 12)); printf '%s 0 %s 0 %s 10 %s 10 plane 0\r\n' $x $((x + 10)) $((x + 10)) $x; done
    [ $((i % 2)) = 0 ] && printf '0 40 10 40 10 50 0 50 ship 0\r\n'
  } > "$tmp/labels/P$i.txt"
done
"$BIN" ingest --archive "$tmp/a" --dota-labels "$tmp/labels" >/dev/null 2>&1 || fail "ingest"

for f in "plane(a)" "exists>=3 x: plane(x)" "plane(a) AND NOT exists s: ship(s)" "plane(a) AND plane(b) AND near(a, b)"; do
  for mode in --crisp ""; do
    "$BIN" query --archive "$tmp/a" --logic "$f" $mode --all --format json > "$tmp/j" || fail "json: $f"
    "$BIN" query --archive "$tmp/a" --logic "$f" $mode --all --format jsonl > "$tmp/l" 2> "$tmp/e" || fail "jsonl: $f"
    python3 - "$tmp/j" "$tmp/l" "$tmp/e" "$f" <<'PY' || fail "jsonl differs from json for $f $mode"
import json, sys
j = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
stats = json.loads(open(sys.argv[3]).read().strip().splitlines()[-1])["stats"]
assert lines == j["results"], (sys.argv[4], lines[:2], j["results"][:2])
assert len(lines) > 0, sys.argv[4]
assert stats["images"] == j["stats"]["images"] and stats["candidates"] == j["stats"]["candidates"]
assert stats["output_ms"] >= 0
PY
    # --format ids: the same ranking, id and score only.
    "$BIN" query --archive "$tmp/a" --logic "$f" $mode --all --format ids > "$tmp/i" 2> "$tmp/e" || fail "ids: $f"
    python3 - "$tmp/j" "$tmp/i" "$tmp/e" "$f" <<'PY' || fail "ids differ from json for $f $mode"
import json, sys
j = json.load(open(sys.argv[1]))
ids = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip()]
assert [(i, float(s)) for i, s in ids] == [(r["image"], r["score"]) for r in j["results"]], (sys.argv[4], ids[:2])
assert json.loads(open(sys.argv[3]).read().strip().splitlines()[-1])["stats"]["candidates"] == j["stats"]["candidates"]
PY
  done
done
# The class-only crisp answer is scored from the counts (--explain says so).
out=$("$BIN" query --archive "$tmp/a" --logic "exists>=3 x: plane(x)" --crisp --all --explain 2>&1) || fail "explain"
[[ "$out" == *"scored from the index's class counts"* ]] || fail "class-counts not used :: $out"
# --explain prints the physical plan before running (operators and their optimisers), then what
# each operator did; --disable shows in the plan.
out=$("$BIN" query --archive "$tmp/a" --logic "plane(a) AND plane(b) AND near(a, b)" --crisp --all --explain \
  --disable symmetry 2>&1) || fail "explain plan"
before=${out%%what each operator did*}
[[ "$before" == *"plan before running"*"physical plan (per image):"*"scan a, b (2): plane [class-domains]"* ]] ||
  fail "no plan before the run :: $out"
[[ "$before" == *"check near(a, b) when its variables are bound [eager-conjuncts]"* ]] || fail "no check :: $out"
[[ "$before" == *"optimisers off: symmetry"* ]] || fail "disabled optimiser not shown :: $out"
[[ "$out" == *"what each operator did"*"component {a, b}: "*" searches, "*" with a value above 0"* ]] ||
  fail "no per-operator counters :: $out"
# A damaged entity block: the rows to print read it, and the damage is reported.
seg=$(ls "$tmp/a" | grep -v MANIFEST | head -1)
python3 - "$tmp/a/$seg" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[300] ^= 0xFF; open(p, 'wb').write(bytes(b))
PY
out=$(timeout 60 "$BIN" query --archive "$tmp/a" --logic "plane(a)" --crisp --all --format jsonl 2>&1); rc=$?
[ "$rc" = 1 ] || fail "damaged block: exit $rc :: $out"
[[ "$out" == *"$seg"* ]] || fail "damaged block: the error should name the file :: $out"
# Ids of a formula that reads entities read the damaged block too; a class-only one reads none.
out=$(timeout 60 "$BIN" query --archive "$tmp/a" --logic "plane(a) AND plane(b) AND near(a, b)" --crisp --all --format ids 2>&1); rc=$?
[ "$rc" = 1 ] && [[ "$out" == *"$seg"* ]] || fail "damaged block, ids of a spatial formula: exit $rc :: $out"
"$BIN" query --archive "$tmp/a" --logic "plane(a)" --crisp --all --format ids >/dev/null 2>&1 || fail "ids of plane(a) read an entity block"
echo "query jsonl: ok"
