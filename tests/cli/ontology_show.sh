#!/usr/bin/env bash
# georune ontology show: built-in list, one ontology as a table and as JSON, errors (exit 2).
set -u
BIN="$1"
fail() { echo "FAIL: $*"; exit 1; }
out=$("$BIN" ontology show) || fail "list exit $?"
for n in dota-v2.0 hrrsd dior nwpu-vhr10; do echo "$out" | grep -q "^$n " || fail "list lacks $n: $out"; done
out=$("$BIN" ontology show hrrsd) || fail "show exit $?"
echo "$out" | grep -q "^parking_lot .*parking lot .*car park" || fail "parking_lot row: $out"
echo "$out" | grep -q "^t_junction .*T junction" || fail "t_junction row: $out"
echo "$out" | grep -q "^junction .*crossroad, t_junction" || fail "junction group: $out"
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
"$BIN" ontology show dior --format json > "$dir/dior.json" || fail "json exit"
out=$("$BIN" ontology show "$dir/dior.json" --format json) || fail "the JSON reads back"
[ "$out" = "$(cat "$dir/dior.json")" ] || fail "round trip differs"
"$BIN" ontology show no-such-ontology >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown name should exit 2"
echo '{"classes": [' > "$dir/bad.json"
err=$("$BIN" ontology show "$dir/bad.json" 2>&1); [ $? -eq 2 ] || fail "bad JSON should exit 2"
echo "$err" | grep -q "bad.json" || fail "error names the file: $err"
echo "ok"
