#!/usr/bin/env bash
# georune query on bad input: located errors, exit status 1 or 2, never a crash or a hang.
set -uo pipefail
BIN=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect() {  # expect STATUS TEXT -- command...
  local want=$1 text=$2; shift 3
  local out rc
  out=$(timeout 60 "$@" 2>&1); rc=$?
  [ "$rc" = "$want" ] || fail "exit $rc (want $want) from: $* :: $out"
  [[ "$out" == *"$text"* ]] || fail "no '$text' in output of: $* :: $out"
}
mkdir "$tmp/labels"
printf 'gsd:0.5\r\n0 0 10 0 10 10 0 10 plane 0\r\n12 0 22 0 22 10 12 10 plane 0\r\n' > "$tmp/labels/P1.txt"
"$BIN" ingest --archive "$tmp/a" --dota-labels "$tmp/labels" >/dev/null || fail "ingest"

expect 0 '"image": "P1"' -- "$BIN" query --archive "$tmp/a" --logic "plane(a) AND plane(b)" --format json
expect 2 "query:1:14: unexpected character '#'" -- "$BIN" query --archive "$tmp/a" --logic "plane(a) AND # ship(b)"
# The caret stands under the '#', column 14 of the echoed query.
caret=$'  plane(a) AND # ship(b)\n               ^\n'
expect 2 "$caret" -- "$BIN" query --archive "$tmp/a" --logic "plane(a) AND # ship(b)"
expect 2 "unknown predicate 'unicorn'" -- "$BIN" query --archive "$tmp/a" --logic "unicorn(u)"
expect 2 "give either --logic" -- "$BIN" query --archive "$tmp/a"
expect 2 "excludes" -- "$BIN" query --archive "$tmp/a" --logic "plane(a)" --top 3 --all
expect 1 "$tmp/missing: no georune archive here (no MANIFEST)" -- "$BIN" query --archive "$tmp/missing" --logic "plane(a)"
expect 2 "unknown optimisation 'warp'" -- "$BIN" query --archive "$tmp/a" --logic "plane(a)" --disable warp
# Limits that cannot be honoured are refused before any search, naming the flag.
for budget in 0 -1 nan inf; do
  expect 2 "the query budget must be a positive, finite number of seconds, got $budget" -- \
    "$BIN" query --archive "$tmp/a" --logic "plane(a)" --query-budget "$budget"
done
expect 2 "(--query-budget)" -- "$BIN" query --archive "$tmp/a" --logic "plane(a)" --query-budget 0
expect 2 "the number of threads must be 0 or more, got -2" -- "$BIN" query --archive "$tmp/a" --logic "plane(a)" --threads -2
expect 2 "(--image-budget)" -- "$BIN" query --archive "$tmp/a" --logic "plane(a)" --image-budget 0
expect 0 "verified in:" -- "$BIN" info --archive "$tmp/a" --verify
# A damaged archive is refused, never read as data.
seg=$(ls "$tmp/a" | grep -v MANIFEST | head -1)
python3 - "$tmp/a/$seg" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[len(b) // 2] ^= 0xFF; open(p, 'wb').write(bytes(b))
PY
out=$(timeout 60 "$BIN" query --archive "$tmp/a" --logic "plane(a)" 2>&1); rc=$?
[ "$rc" = 1 ] || fail "damaged archive: exit $rc :: $out"
[[ "$out" == *"$seg"* ]] || fail "damaged archive: the error should name the file :: $out"
# The whole-archive check finds it too (exit 1: the environment, not the command, is wrong).
expect 1 "$seg: damaged archive segment" -- "$BIN" info --archive "$tmp/a" --verify
echo "query errors: ok"
