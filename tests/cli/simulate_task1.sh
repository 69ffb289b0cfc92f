#!/usr/bin/env bash
# georune simulate: Task1 files, seeded, graded noise, same ingest path as detector output.
set -euo pipefail
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" generate --images 200 --seed 4 --out "$tmp/labels" --quiet
for n in 0 3; do
  "$bin" simulate --labels "$tmp/labels" --noise $n --seed 7 --out "$tmp/n$n" --quiet
  "$bin" simulate --labels "$tmp/labels" --noise $n --seed 7 --out "$tmp/m$n" --quiet
  diff -r "$tmp/n$n" "$tmp/m$n"
  ls "$tmp/n$n"/Task1_*.txt >/dev/null
done
test -f "$tmp/n0/Task1_small-vehicle.txt"
# level 0 keeps every object; level 3 does not keep the same lines
test "$(cat "$tmp/labels"/*.txt | grep -vc ':' )" -eq "$(cat "$tmp/n0"/Task1_*.txt | wc -l)"
! diff -q "$tmp/n0/Task1_small-vehicle.txt" "$tmp/n3/Task1_small-vehicle.txt" >/dev/null
# out of range level: user error, exit 2
set +e
"$bin" simulate --labels "$tmp/labels" --noise 9 --out "$tmp/bad" --quiet 2>/dev/null
test $? -eq 2 || { echo "expected exit 2"; exit 1; }
echo ok
