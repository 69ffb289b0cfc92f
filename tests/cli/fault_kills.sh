#!/usr/bin/env bash
# CLI: `kb build` over an existing knowledge base, killed at random moments, leaves one that
# answers as before or as after, never a mix (issue 10). $1 = georune binary.
set -u
bin="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
for name, word in (("old", "granite"), ("new", "marble")):
    with open(f"{d}/{name}.jsonl", "w") as f:
        for i in range(400):
            f.write('{"id": "%s%d", "title": "Place %d", "text": "a %s tower number %d with a long description of %s stones and walls", "category": "Tower"}\n'
                    % (name, i, i, word, i, word))
PY
"$bin" kb build --jsonl "$tmp/old.jsonl" --out "$tmp/kb" --quiet || fail "first build"
ask() { "$bin" ask --kb "$tmp/kb" "Which tower is made of granite?" --format json 2>&1; }
old=$(ask) || fail "ask old: $old"
t0=$(date +%s%N)
"$bin" kb build --jsonl "$tmp/new.jsonl" --out "$tmp/kb2" --quiet || fail "new build"
build_ms=$(( ($(date +%s%N) - t0) / 1000000 ))  # kills land anywhere in [0, 1.2 x a build]
new=$("$bin" ask --kb "$tmp/kb2" "Which tower is made of granite?" --format json 2>&1) || fail "ask new"
[ "$old" != "$new" ] || fail "the two builds answer alike; the test would prove nothing"
norm() { sed -E 's/"(ms|seconds|elapsed_ms)": *[0-9.e+-]+/"\1": 0/g'; }
old=$(echo "$old" | norm); new=$(echo "$new" | norm)
kills=0
for trial in $(seq 1 20); do
  src=$([ $((trial % 2)) -eq 0 ] && echo old || echo new)
  "$bin" kb build --jsonl "$tmp/$src.jsonl" --out "$tmp/kb" --quiet 2>/dev/null &
  pid=$!
  ms=$(( RANDOM % (build_ms * 12 / 10 + 1) ))
  sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
  kill -9 $pid 2>/dev/null && kills=$((kills + 1))
  wait $pid 2>/dev/null
  now=$(ask) || fail "trial $trial: ask failed after a kill: $now"
  now=$(echo "$now" | norm)
  [ "$now" = "$old" ] || [ "$now" = "$new" ] || fail "trial $trial: a mix: $now"
done
# The next build removes what the killed ones left.
"$bin" kb build --jsonl "$tmp/old.jsonl" --out "$tmp/kb" --quiet || fail "final build"
n=$(ls "$tmp/kb" | wc -l)
[ "$n" -eq 3 ] || fail "leftovers after recovery: $(ls "$tmp/kb")"
echo "ok ($kills of 20 builds killed; a build takes ${build_ms} ms)"
