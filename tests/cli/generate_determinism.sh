#!/usr/bin/env bash
# georune generate: same seed, same bytes; labelTxt headers; JSON Lines form.
set -euo pipefail
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" generate --images 300 --seed 11 --out "$tmp/a" --quiet
"$bin" generate --images 300 --seed 11 --out "$tmp/b" --quiet --threads 1
diff -r "$tmp/a" "$tmp/b"
test "$(ls "$tmp/a" | wc -l)" -eq 300
test -f "$tmp/a/G0000001.txt" && test -f "$tmp/a/G0000300.txt"
head -1 "$tmp/a/G0000001.txt" | grep -q '^imagesource:'
"$bin" generate --images 300 --seed 12 --out "$tmp/c" --quiet
! diff -rq "$tmp/a" "$tmp/c" >/dev/null
"$bin" generate --images 300 --seed 11 --format jsonl --out "$tmp/g.jsonl" --quiet
test "$(wc -l < "$tmp/g.jsonl")" -eq 300
head -1 "$tmp/g.jsonl" | grep -q '"image":"G0000001"\|"image": "G0000001"'
echo ok
