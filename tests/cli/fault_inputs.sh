#!/usr/bin/env bash
# CLI: the fault probe's bad inputs (issue 10). Each is refused with exit 1-127 and FILE[:LINE],
# nothing hangs, and the archive is left byte-for-byte as it was; the silently-wrong cases now
# read correctly. $1 = georune binary. Needs no shared data.
set -u
bin="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
hash_dir() { (cd "$1" && find . -type f | sort | xargs sha256sum); }
ar="$tmp/ar"
printf '{"image": "base", "entities": [{"class": "plane", "obb": [0,0,9,0,9,9,0,9]}]}\n' >"$tmp/base.jsonl"
"$bin" ingest --archive "$ar" --jsonl "$tmp/base.jsonl" >/dev/null || fail "base ingest"
before=$(hash_dir "$ar")

# refuse NAME EXPECTED_EXIT PATTERN ARGS...: the ingest fails with that exit, its message matches
# PATTERN (a grep -E), within 60 s (a hang; each needs under 2 s of CPU, the rest is a loaded machine), and
# the archive is unchanged.
refuse() {
  local name="$1" want="$2" pattern="$3"; shift 3
  local err rc
  err=$(timeout 60 "$bin" ingest --archive "$ar" "$@" 2>&1); rc=$?
  [ $rc -eq "$want" ] || fail "$name: exit $rc, want $want: $err"
  echo "$err" | grep -Eq -- "$pattern" || fail "$name: message: $err"
  [ "$before" = "$(hash_dir "$ar")" ] || fail "$name: the archive changed"
}

# Special files: refused at once, never read or waited on.
refuse "/dev/zero" 2 "/dev/zero: is a device" --jsonl /dev/zero
mkfifo "$tmp/fifo"
refuse "FIFO" 2 "fifo: is a FIFO" --jsonl "$tmp/fifo"
# A line longer than the record limit (64 MiB) is an error at its line, without reading on.
python3 -c "import sys; sys.stdout.write('{\"image\": \"a\"}\n' + 'x' * (65 << 20))" >"$tmp/long.jsonl"
refuse "long line" 2 "long.jsonl:2: this line is larger than the limit of 64 MiB" --jsonl "$tmp/long.jsonl"
# JSON "score": null is an error, not a score of 1.
printf '{"image": "n", "entities": [{"class": "plane", "score": null, "obb": [0,0,9,0,9,9,0,9]}]}\n' >"$tmp/null.jsonl"
refuse "null score" 2 'null.jsonl:1: entity 0: "score" must be a number' --jsonl "$tmp/null.jsonl"
# A folder with nothing to read is an error saying what was expected.
mkdir -p "$tmp/empty"
refuse "empty folder" 2 "empty: no DOTA label files \(\*.txt\) in this folder" --dota-labels "$tmp/empty"
refuse "empty voc folder" 2 "no XML annotation files" --voc "$tmp/empty"
# A symbolic-link loop is reported as one, not as a missing folder.
ln -s "$tmp/loop" "$tmp/loop"
refuse "link loop" 2 "symbolic links" --dota-labels "$tmp/loop"
# A non-UTF-8 image id (from the file name) is refused with the file named.
mkdir -p "$tmp/latin1"
printf '0 0 9 0 9 9 0 9 plane 0\n' >"$tmp/latin1/$(printf 'P\xe9')".txt
refuse "non-UTF-8 id" 2 "is not valid UTF-8" --dota-labels "$tmp/latin1"
printf 'P\xe9 0.9 0 0 9 0 9 9 0 9\n' >"$tmp/Task1_plane.txt"; mkdir -p "$tmp/t1"; mv "$tmp/Task1_plane.txt" "$tmp/t1/"
refuse "non-UTF-8 Task1 id" 2 "Task1_plane.txt:1: the image id" --dota-task1 "$tmp/t1"
# Task1 unknown class (from the file name) names FILE:LINE.
mkdir -p "$tmp/t2"; printf '\nimg 0.9 0 0 9 0 9 9 0 9\n' >"$tmp/t2/Task1_zeppelin.txt"
refuse "Task1 unknown class" 2 "Task1_zeppelin.txt:2: unknown class 'zeppelin'" --dota-task1 "$tmp/t2"
# Bad VOC / HRSC fields are errors at their line.
mkdir -p "$tmp/voc1" "$tmp/voc2" "$tmp/voc3"
printf '<annotation>\n<size><width>wide</width><height>5</height></size>\n</annotation>\n' >"$tmp/voc1/a.xml"
refuse "VOC width" 2 "a.xml:2: <width> is not a whole number" --voc "$tmp/voc1"
printf '<HRSC_Image>\n<Img_Resolution>-1</Img_Resolution>\n</HRSC_Image>\n' >"$tmp/voc2/h.xml"
refuse "HRSC resolution" 2 "h.xml:2: <Img_Resolution> is not a positive number" --voc "$tmp/voc2"
printf '<annotation>\n<object><name>plane</name>\n<difficult>x</difficult>\n<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>\n</annotation>\n' >"$tmp/voc3/d.xml"
refuse "VOC difficult" 2 "d.xml:3: <difficult> must be 0 or 1" --voc "$tmp/voc3"
# Duplicate ids name their files and lines.
printf '{"image": "d1"}\n{"image": "d2"}\n{"image": "d1"}\n' >"$tmp/dup.jsonl"
refuse "duplicate in ingest" 2 "dup.jsonl:3: image id 'd1' appears twice in this ingest \(first at .*dup.jsonl:1\)" --jsonl "$tmp/dup.jsonl"
printf '{"image": "x"}\n{"image": "base"}\n' >"$tmp/dup2.jsonl"
refuse "duplicate with archive" 2 "dup2.jsonl:2: image id 'base' is already in the archive" --jsonl "$tmp/dup2.jsonl"

# The silently-wrong cases now read right.
# CR-only line ends: every entity is read.
mkdir -p "$tmp/cr"
printf '0 0 9 0 9 9 0 9 plane 0\r10 10 19 10 19 19 10 19 ship 0\r' >"$tmp/cr/P1.txt"
out=$("$bin" ingest --archive "$tmp/cr_ar" --dota-labels "$tmp/cr") || fail "CR-only: $out"
echo "$out" | grep -q "ingested 1 images, 2 entities" || fail "CR-only: $out"
# Upper-case suffix is read.
mkdir -p "$tmp/upper"; printf '0 0 9 0 9 9 0 9 plane 0\n' >"$tmp/upper/P0003.TXT"
out=$("$bin" ingest --archive "$tmp/up_ar" --dota-labels "$tmp/upper") || fail "upper-case suffix: $out"
echo "$out" | grep -q "ingested 1 images, 1 entities" || fail "upper-case suffix: $out"
# A YOLO data.yaml whose first line is names: gives the classes (class 0 = ship here).
mkdir -p "$tmp/yolo/labels"
printf 'names:\n  0: ship\n  1: plane\n' >"$tmp/yolo/data.yaml"
printf '0 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2\n' >"$tmp/yolo/labels/y1.txt"
"$bin" ingest --archive "$tmp/y_ar" --yolo-obb "$tmp/yolo" --image-size 100,100 >/dev/null 2>&1 || fail "yolo ingest"
"$bin" info --archive "$tmp/y_ar" | grep -Eq '^ship +1 +1$' || fail "yolo names: $("$bin" info --archive "$tmp/y_ar")"
# Knowledge-base sources: the same located, human messages, and no knowledge base written.
kb_refuse() {
  local name="$1" want="$2" pattern="$3"; shift 3
  local err rc
  err=$(timeout 60 "$bin" kb build "$@" --out "$tmp/kbx" --quiet 2>&1); rc=$?
  [ $rc -eq "$want" ] || fail "$name: exit $rc, want $want: $err"
  echo "$err" | grep -Eq -- "$pattern" || fail "$name: message: $err"
  echo "$err" | grep -q "json.exception" && fail "$name: raw JSON library text: $err"
  [ ! -e "$tmp/kbx/MANIFEST" ] || fail "$name: a knowledge base was written"
}
printf '{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n{"id": "a", "text": "z"}\n' >"$tmp/dupkb.jsonl"
kb_refuse "kb duplicate id" 2 'dupkb.jsonl:3: duplicate record id "a" \(first at .*dupkb.jsonl:1\)' --jsonl "$tmp/dupkb.jsonl"
printf '{"id": "a", "text": "x"}\n{"id": "b", "n": 1e999}\n' >"$tmp/bigkb.jsonl"
kb_refuse "kb number overflow" 2 "bigkb.jsonl:2:[0-9]+: not valid JSON: the number '1e999' is out of range" --jsonl "$tmp/bigkb.jsonl"
printf '[\n {"ID": "1",\n  oops}\n]\n' >"$tmp/bad_rswk.json"
kb_refuse "rswk syntax" 2 "bad_rswk.json:3:[0-9]+: not valid JSON: " --rswk "$tmp/bad_rswk.json"
ln -s "$tmp/kbloop" "$tmp/kbloop"
kb_refuse "kb link loop" 2 "symbolic links" --images "$tmp/kbloop"

# A translator refusal of what the English asks for is a user mistake: exit 2.
err=$("$bin" query --archive "$ar" "more than 99999999999999 planes" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "translator refusal: exit $rc: $err"
echo "$err" | grep -q "cannot translate" || fail "translator refusal: $err"
echo "ok"
