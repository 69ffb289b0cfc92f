#!/usr/bin/env bash
# CLI test of trustworthy answers on the shared RSWK records: folded names, status and sources
# in JSON, the source line of text output, abstention, lists, and filter diagnostics (exit 2).
# Usage: rag_trust.sh GEORUNE SHARED_DIR   (exit 77 = skipped)
set -u
bin="$1"
shared="$2"
rswk="$shared/data/rswk/ORI_DATASET/ori_data_test.partial.json"
if [ ! -f "$rswk" ]; then echo "skip: $rswk is absent"; exit 77; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" kb build --rswk "$rswk" --out "$tmp/kb" 2>/dev/null || fail "kb build"
ask() { "$bin" ask --kb "$tmp/kb" "$@"; }

ask "What is the total precipitation at Lillestrom Station?" --format json >"$tmp/a.json" || fail "ask"
ask "What is the total precipitation at Lillestrom Station?" >"$tmp/a.txt" 2>"$tmp/a.err" || fail "ask text"
grep -q "1238.69mm" "$tmp/a.txt" || fail "text answer: $(cat "$tmp/a.txt")"
grep -q "^source: Lillestrøm Station (007210), PRECTOTLAND = 1238.69mm" "$tmp/a.err" || fail "source line: $(cat "$tmp/a.err")"
ask "When was the Eiffel Tower built?" --format json >"$tmp/b.json" || fail "ask absent"
ask "Which landmarks are in Scotland?" --format json >"$tmp/c.json" || fail "ask list"
ask "Which landmark has the highest night land-surface temperature?" --format json >"$tmp/d.json" || fail "ask superlative"
python3 - "$tmp" <<'PY' || fail "JSON answers"
import json, sys
d = sys.argv[1]
a = json.load(open(d + "/a.json"))
assert a["status"] == "answered" and "1238.69mm" in a["answer"], a["answer"]
s = a["sources"][0]
assert (s["record_id"], s["name"], s["field"], s["name_score"]) == ("007210", "Lillestrøm Station", "PRECTOTLAND", 1.0), s
b = json.load(open(d + "/b.json"))
assert b["status"] == "not_found" and "Eiffel Tower" in b["looked_for"], b
c = json.load(open(d + "/c.json"))
assert c["status"] == "answered" and c["structured"], c
assert sorted(x["record_id"] for x in c["sources"]) == ["002346", "004153", "004745", "004832", "010670"], c["answer"]
e = json.load(open(d + "/d.json"))
assert e["sources"][0]["record_id"] == "003316" and "26.55" in e["answer"], e["answer"]
PY

ask "x" --category Castle 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "unknown category exit $rc"
grep -q '"Historic Site"' "$tmp/err" || fail "known categories: $(cat "$tmp/err")"
ask "x" --box 0,0,1,1 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "empty box exit $rc"
grep -q "keeps no record" "$tmp/err" || fail "box diagnostic: $(cat "$tmp/err")"
ask "x" --name-threshold 2 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "bad threshold exit $rc"
echo "rag_trust: ok"
