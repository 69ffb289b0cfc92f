#!/usr/bin/env bash
# Every libFuzzer target runs 30 seconds from its seed corpus without a finding (docs/testing.md).
# Skips when the fuzz build (./scripts/build-fuzz, run by ./scripts/test) is absent.
# $1 = georune binary (build/bin/georune). GEORUNE_FUZZ_SECONDS overrides the 30 s.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
fz="$root/build-fuzz/bin"; seeds="$root/build-fuzz/seeds"
ls "$fz"/fuzz_* >/dev/null 2>&1 && [ -d "$seeds" ] || { echo "skip: no fuzz build (./scripts/build-fuzz)"; exit 77; }
secs=${GEORUNE_FUZZ_SECONDS:-30}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for t in "$fz"/fuzz_*; do
  name=$(basename "$t"); name=${name#fuzz_}
  mkdir -p "$tmp/$name"
  [ -d "$seeds/$name" ] && cp "$seeds/$name"/* "$tmp/$name"/ 2>/dev/null
  if ! "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$tmp/" "$tmp/$name" >"$tmp/$name.log" 2>&1; then
    tail -40 "$tmp/$name.log"; echo "FAIL: fuzz_$name found a problem"; exit 1
  fi
  echo "fuzz_$name: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$tmp/$name.log" | awk '{print $2}') runs"
done
echo "ok"
