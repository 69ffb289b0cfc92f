#!/usr/bin/env bash
# bench/postgis.sh [SIZE ...]   (default: 10k 100k)
# georune side by side with PostgreSQL 15 + PostGIS 3 on the SAME generated labelTxt archive.
# For each size: generate + ingest (cached, bench/scale.py prepare), then ../shared/bench/postgis/run.sh
# (load, ANALYZE, per dev query 1 warm + median of 3, answers in WORKDIR/answers/<id>.txt), then
# georune `query --crisp --all --format ids` (ids and scores, what PostGIS returns) per dev formula (1 warm + median of 3 whole processes),
# and the same search warm in one process that opened the archive once (bench/warm_query.py, Python binding:
# 1 warm + median of 3 `stats.ms`, PostGIS's own methodology),
# compare the sorted image-id sets, and for each differing query rebuild a one-image archive of a
# differing image and run both again (minimal reproduction). Writes bench/results/postgis-<size>.{json,md}.
# The private cluster is started by setup.sh (installs the packages via apt-get if missing) and
# stopped by stop.sh at the end. Work files: $GEORUNE_BENCH_DIR (default /tmp/georune-bench)/pg-<size>/.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PG=$(cd "$HERE/../../shared/bench/postgis" && pwd)
BENCH_DIR=${GEORUNE_BENCH_DIR:-/tmp/georune-bench}
. "$PG/env.sh"   # PGHOST, PGPORT, PGDATABASE, PGUSER exported for psql in scale.py
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(10k 100k)
# one binary for the whole run: a private copy of build/bin/georune (others may rebuild build/)
if [ -z "${GEORUNE:-}" ]; then
  mkdir -p "$BENCH_DIR"
  h=$(sha256sum "$HERE/../build/bin/georune" | cut -c1-12)
  [ -x "$BENCH_DIR/georune-$h" ] || { cp "$HERE/../build/bin/georune" "$BENCH_DIR/georune-$h.tmp" && mv "$BENCH_DIR/georune-$h.tmp" "$BENCH_DIR/georune-$h"; }
  export GEORUNE="$BENCH_DIR/georune-$h"
fi
echo "georune binary: $GEORUNE" >&2

"$PG/setup.sh"
trap '"$PG/stop.sh" || true' EXIT
for s in "${SIZES[@]}"; do
  IFS=$'\t' read -r LABELS ARCHIVE < <(python3 "$HERE/scale.py" prepare "$s")
  W="$BENCH_DIR/pg-$s"; rm -rf "$W"; mkdir -p "$W/answers"
  uptime > "$W/uptime.txt"
  echo "[pg $s] run.sh $LABELS" >&2
  "$PG/run.sh" "$LABELS" "$W/answers" | tee "$W/run.tsv" >&2
  # compare right after this size's PostGIS run (same load); repro reloads tables, run.sh reloads next size
  python3 "$HERE/scale.py" postgis "$s=$W" --name "postgis-$s"
done
