#!/usr/bin/env bash
# georune score: reference values (issue 6 cases A and B), JSON keys, and diagnostics.
# Usage: score_metrics.sh GEORUNE_BINARY [SHARED_DIR]
set -u
bin="$1"
data="$(cd "$(dirname "$0")/../eval/data/text_metrics" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {  # check NAME COMMAND... : the command must succeed
  if ! "${@:2}"; then echo "FAIL: $1"; fail=1; fi
}
expect_line() {  # expect_line FILE REGEX
  grep -Eq "$2" "$1" || { echo "FAIL: '$2' not in $1:"; cat "$1"; fail=1; }
}

# Case A, table and JSON (coco).
"$bin" score --refs "$data/case_a_refs.jsonl" --hyps "$data/case_a_hyps.jsonl" --mode coco >"$tmp/a.txt"
check "case A exit status" test $? -eq 0
expect_line "$tmp/a.txt" '^BLEU-1 +0\.711767$'
expect_line "$tmp/a.txt" '^BLEU-2 +0\.638043$'
expect_line "$tmp/a.txt" '^BLEU-3 +0\.580471$'
expect_line "$tmp/a.txt" '^BLEU-4 +0\.478000$'
expect_line "$tmp/a.txt" '^ROUGE-L +0\.786076$'
expect_line "$tmp/a.txt" '^CIDEr-D +4\.016678$'
expect_line "$tmp/a.txt" '^METEOR +0\.[0-9]{6}'

"$bin" score --refs "$data/case_b_refs.jsonl" --hyps "$data/case_b_hyps.jsonl" --mode coco --format json >"$tmp/b.json"
check "case B exit status" test $? -eq 0
python3 - "$tmp/b.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
want = {"bleu1": 0.9375, "bleu2": 0.805629, "bleu3": 0.579603, "bleu4": 7.3e-05,
        "cider": 2.594157, "rouge_l": 0.731476}
for k, v in want.items():
    if abs(j[k] - v) > 1e-6:
        print(f"FAIL: case B {k} = {j[k]}, want {v}"); sys.exit(1)
for k in ("meteor", "n", "mode", "exact_match"):
    if k not in j:
        print(f"FAIL: key {k} missing"); sys.exit(1)
if j["n"] != 3 or j["mode"] != "coco":
    print("FAIL: n or mode"); sys.exit(1)
PY

# rsrag mode runs and prints every metric.
"$bin" score --refs "$data/case_a_refs.jsonl" --hyps "$data/case_a_hyps.jsonl" --mode rsrag --format json >"$tmp/r.json"
check "rsrag exit status" test $? -eq 0
expect_line "$tmp/r.json" '"bleu4"'
expect_line "$tmp/r.json" '"meteor"'

# Diagnostics: malformed line -> FILE:LINE + hint, exit 2.
printf '{"id": "a", "text": "x"}\n{"id": "b", "text": \n' >"$tmp/bad.jsonl"
"$bin" score --refs "$data/case_b_refs.jsonl" --hyps "$tmp/bad.jsonl" --mode coco 2>"$tmp/err.txt"
check "malformed line exits 2" test $? -eq 2
expect_line "$tmp/err.txt" 'bad\.jsonl:2: not valid JSON'
expect_line "$tmp/err.txt" 'hint:'

printf '{"id": "a", "text": ["x"]}\n' >"$tmp/arr.jsonl"
"$bin" score --refs "$data/case_b_refs.jsonl" --hyps "$tmp/arr.jsonl" --mode coco 2>"$tmp/err2.txt"
check "hypothesis text array exits 2" test $? -eq 2
expect_line "$tmp/err2.txt" 'arr\.jsonl:1: "text" must be a string'

printf '{"id": "zz", "text": "x"}\n' >"$tmp/orphan.jsonl"
"$bin" score --refs "$data/case_b_refs.jsonl" --hyps "$tmp/orphan.jsonl" --mode coco 2>"$tmp/err3.txt"
check "hypothesis without reference exits 2" test $? -eq 2
expect_line "$tmp/err3.txt" "orphan\.jsonl:1: hypothesis id 'zz' has no reference"

"$bin" score --refs "$tmp/missing.jsonl" --hyps "$tmp/orphan.jsonl" --mode coco 2>/dev/null
check "missing file exits 1" test $? -eq 1

"$bin" score --refs "$data/case_b_refs.jsonl" --hyps "$data/case_b_hyps.jsonl" --mode bleu 2>/dev/null
check "unknown mode exits 2" test $? -eq 2

exit $fail
