#!/usr/bin/env bash
# georune translate: formulas, JSON, refusals (exit 2), and --eval on the dev set.
set -u
BIN="$1"; SHARED="${2:-}"
fail() { echo "FAIL: $*"; exit 1; }
out=$("$BIN" translate "a ship near a harbor") || fail "translate exit $?"
[ "$out" = "ship(s) AND harbor(h) AND near(s, h)" ] || fail "got '$out'"
out=$("$BIN" translate "at least three storage tanks" --format json) || fail "json exit"
echo "$out" | grep -q '"logic": "exists>=3 s: storage_tank(s)"' || fail "json logic: $out"
echo "$out" | grep -q '"translator": "builtin"' || fail "json translator"
echo "$out" | grep -q '"level"' || fail "json complexity"
echo "$out" | grep -q '"echo": "an image where there are at least 3 storage tanks' || fail "json echo: $out"
err=$("$BIN" translate "a bridge without vehicles" 2>&1 >/dev/null) || fail "echo exit"
echo "$err" | grep -q "^echo: an image with a bridge b, where there is no vehicle v on b" || fail "echo: $err"
for word in runway terminal hangar "car park"; do
  err=$("$BIN" translate "planes near a $word" 2>&1); rc=$?
  [ $rc -eq 2 ] || fail "'$word' should be refused with exit 2, got $rc: $err"
  echo "$err" | grep -q "'$word'" || fail "refusal names '$word': $err"
done
out=$("$BIN" translate "a parking lot with no cars" --ontology hrrsd) || fail "hrrsd"
[ "$out" = "parking_lot(p) AND NOT exists v: vehicle(v) AND on(v, p)" ] || fail "hrrsd got '$out'"
err=$("$BIN" translate "a purple zeppelin near a harbor" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "refusal exit $rc"
echo "$err" | grep -q "'zeppelin'" || fail "refusal names the word: $err"
"$BIN" translate "a plane" --translator llm --llm-url http://127.0.0.1:9 --llm-retries 0 --llm-timeout 1 >/dev/null 2>&1
[ $? -eq 1 ] || fail "down LLM endpoint should exit 1"
out=$("$BIN" translate "a plane" --translator llm --llm-url http://127.0.0.1:9 --llm-retries 0 --llm-timeout 1 --llm-fallback 2>/dev/null) || fail "fallback"
[ "$out" = "plane(p)" ] || fail "fallback got '$out'"
if [ -n "$SHARED" ] && [ -d "$SHARED/data/dota/labelTxt" ] && [ -f "$SHARED/bench/queries-dev.jsonl" ]; then
  dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
  "$BIN" ingest --archive "$dir/a" --dota-labels "$SHARED/data/dota/labelTxt" >/dev/null || fail "ingest"
  out=$("$BIN" translate --eval "$SHARED/bench/queries-dev.jsonl" --archive "$dir/a" --format json) || fail "eval exit"
  echo "$out" | grep -q '"accuracy": 1.0' || fail "dev accuracy: $(echo "$out" | head -20)"
fi
echo "ok"
