#!/usr/bin/env bash
# CLI: georune ingest / info on the real DOTA labels, incremental, atomic, diagnostics, exit codes.
# $1 = georune binary, $2 = shared dir. Exit 77 = skip.
set -u
bin="$1"; shared="$2"
labels="$shared/data/dota/labelTxt"
[ -d "$labels" ] || { echo "skip: $labels absent"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
hash_dir() { (cd "$1" && find . -type f | sort | xargs sha256sum); }

out=$("$bin" ingest --archive "$tmp/ar" --dota-labels "$labels") || fail "ingest failed: $out"
echo "$out" | grep -Eq '^ingested 13 images, [0-9]+ entities in [0-9.]+ s \([0-9]+ entities/s\)$' || fail "summary: $out"
info=$("$bin" info --archive "$tmp/ar") || fail "info failed"
echo "$info" | grep -Eq '^images: +13$' || fail "info images: $info"
echo "$info" | grep -Eq '^small_vehicle +[0-9]+ +[0-9]+$' || fail "info per-class: $info"
"$bin" info --archive "$tmp/ar" --format json | grep -q '"bytes_per_entity"' || fail "info json"

# Incremental: other formats into the same archive.
"$bin" ingest --archive "$tmp/ar" --voc "$shared/data/dota/formats/hrsc" \
  --yolo-obb "$shared/data/dota/formats/yolo-obb-dota8" --image-size 1024,1024 >/dev/null 2>&1 || fail "second ingest"
"$bin" info --archive "$tmp/ar" | grep -Eq '^images: +22$' || fail "after second ingest"

# A failed ingest (duplicate ids) changes nothing and exits 2.
before=$(hash_dir "$tmp/ar")
err=$("$bin" ingest --archive "$tmp/ar" --dota-labels "$labels" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "duplicate ids: exit $rc"
echo "$err" | grep -q "already in the archive" || fail "duplicate message: $err"
[ "$before" = "$(hash_dir "$tmp/ar")" ] || fail "archive changed by a failed ingest"

# A malformed line: FILE:LINE: message, exit 2, nothing written.
mkdir -p "$tmp/bad"
printf '1 2 3 4 5 6 7 8 plane 0\r\n1 2 3 4 5 6 7 8 zeppelin 0\r\n' > "$tmp/bad/x.txt"
err=$("$bin" ingest --archive "$tmp/ar2" --dota-labels "$tmp/bad" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad line: exit $rc"
echo "$err" | grep -q "$tmp/bad/x.txt:2: unknown class 'zeppelin'" || fail "bad line message: $err"
[ ! -e "$tmp/ar2" ] || fail "failed first ingest created the archive"
# --skip-bad-lines skips and counts.
out=$("$bin" ingest --archive "$tmp/ar2" --dota-labels "$tmp/bad" --skip-bad-lines) || fail "skip-bad-lines"
echo "$out" | grep -q "skipped 1 bad lines" || fail "skip count: $out"

# Another ontology than the archive's is refused.
err=$("$bin" ingest --archive "$tmp/ar" --ontology dota-v1.0 --jsonl /dev/null 2>&1); rc=$?
[ $rc -eq 2 ] || fail "ontology mismatch: exit $rc ($err)"

# A damaged archive is refused (exit 1), never read.
seg=$(ls "$tmp/ar"/seg-*.grs | head -1)
printf '\xff' | dd of="$seg" bs=1 seek=20 conv=notrunc 2>/dev/null
err=$("$bin" info --archive "$tmp/ar" 2>&1); rc=$?
[ $rc -eq 1 ] || fail "damaged: exit $rc"
echo "$err" | grep -q "damaged archive segment" || fail "damaged message: $err"

# YOLO without --image-size is a user mistake.
"$bin" ingest --archive "$tmp/ar3" --yolo-obb "$shared/data/dota/formats/yolo-obb-dota8" >/dev/null 2>&1
[ $? -eq 2 ] || fail "yolo without size"
echo "ok"
