#!/usr/bin/env bash
# georune translate --eval on the English sets of bench/queries (crisp answers of translation vs
# gold on the real DOTA labels): the everyday phrasings written to english.md after the grammar
# (>= 90 %), the first everyday set and the RUNE benchmark (>= 95 %). Lists the misses.
set -u
BIN="$1"; SHARED="${2:-}"
here=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "FAIL: $*"; exit 1; }
if [ -z "$SHARED" ] || [ ! -d "$SHARED/data/dota/labelTxt" ]; then
  echo "skip: no shared DOTA labels (GEORUNE_SHARED_DIR)"; exit 77
fi
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
"$BIN" ingest --archive "$dir/a" --dota-labels "$SHARED/data/dota/labelTxt" >/dev/null || fail "ingest"
for set in english-everyday-2:0.90 english-everyday:0.95 rune-bench:0.95; do
  name=${set%%:*}; bar=${set##*:}
  "$BIN" translate --eval "$here/bench/queries/$name.jsonl" --archive "$dir/a" --default-gsd 0.3 \
    --format json > "$dir/$name.json" || fail "$name: eval exit $?"
  /usr/bin/python3 - "$dir/$name.json" "$name" "$bar" <<'PY' || fail "$name below its bar"
import json, sys
report = json.load(open(sys.argv[1]))
acc, bar = report["accuracy"], float(sys.argv[3])
print(f"{sys.argv[2]}: {acc:.3f} (bar {bar})")
for f in report.get("failures", []):
    print("  miss:", f.get("text"), "->", f.get("translation"), "|", f.get("reason", ""))
sys.exit(0 if acc >= bar else 1)
PY
done
echo "ok"
