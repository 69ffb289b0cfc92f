#!/usr/bin/env python3
"""The golden corpus (docs/testing.md): files of records in the shape of sqllogictest.

Usage: run.py GEORUNE_BINARY FILE.test [--complete]

Records are separated by blank lines; lines starting with '#' outside a record are comments.

    archive                       a fresh archive ($ARCHIVE) of the images below, in DOTA labels
    image ID [GSD]
    x1 y1 x2 y2 x3 y3 x4 y4 class difficult
    ...

    file PATH                     writes the lines below to $TMP/PATH (folders made)
    ...

    query EXIT [OPTION...]        `georune query --archive $ARCHIVE --logic FORMULA --all
    FORMULA                        --format json OPTION...`, run planned, with --reference and
    ----                           with each optimisation off (--disable NAME); every run must
    EXPECTED                       exit EXIT and print EXPECTED: with EXIT 0 the ranked image
                                   ids, one a line ("(none)" for no result), else stderr exactly

    command EXIT                  `georune ARGS` (shell words; $TMP and $ARCHIVE substituted):
    ARGS                           exits EXIT and prints EXPECTED exactly, on stdout for EXIT 0,
    ----                           else on stderr. In the output the temporary folder reads $TMP.
    EXPECTED                       `command 0` without ---- checks the exit status only (for
                                   output that holds timings, such as ingest's)

--complete prints each record with the output it got instead of checking (to write a new record;
read what it printed before committing it).
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile


class Record:
    def __init__(self, line_no, head, body, expected):
        self.line_no, self.head, self.body, self.expected = line_no, head, body, expected


def parse(path):
    records, block, start = [], [], 0
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines + [""], start=1):
        if line.strip() == "":
            if block:
                records.append(make_record(path, start, block))
            block = []
        elif not block and line.startswith("#"):
            continue
        else:
            if not block:
                start = i
            block.append(line)
    return records


def make_record(path, line_no, block):
    head = block[0].split()
    body, expected = block[1:], None
    if "----" in body:
        k = body.index("----")
        body, expected = body[:k], body[k + 1:]
    kind = head[0]
    ok = (kind in ("archive", "file") and expected is None) or \
         (kind in ("query", "command") and len(head) >= 2 and head[1].isdigit() and len(body) == 1
          and (expected is not None or (kind, head[1]) == ("command", "0")))
    if not ok:
        sys.exit(f"{path}:{line_no}: malformed '{kind}' record (see the usage in tests/golden/run.py)")
    return Record(line_no, head, body, expected)


class Runner:
    def __init__(self, binary, tmp):
        self.binary, self.tmp = binary, tmp
        self.archive = os.path.join(tmp, "archive")
        listing = subprocess.run([binary, "query", "--list-optimizations"], capture_output=True, text=True,
                                 check=True)
        names = [line.split("\t")[0] for line in listing.stdout.splitlines() if line]
        if len(names) < 10:
            sys.exit("fewer than 10 optimisations listed: " + listing.stdout)
        self.modes = [[], ["--reference"]] + [["--disable", name] for name in names]

    def run(self, args):
        p = subprocess.run([self.binary] + args, capture_output=True, text=True, timeout=120)
        clean = lambda text: text.replace(self.tmp, "$TMP").rstrip("\n").split("\n") if text.strip() else []
        return p.returncode, clean(p.stdout), clean(p.stderr)

    def make_archive(self, rec):
        labels = os.path.join(self.tmp, "archive-labels")
        subprocess.run(["rm", "-rf", labels, self.archive], check=True)
        os.mkdir(labels)
        image = None
        for line in rec.body:
            words = line.split()
            if words[0] == "image":
                image = open(os.path.join(labels, words[1] + ".txt"), "w")
                if len(words) > 2:
                    image.write("gsd:" + words[2] + "\n")
            else:
                image.write(line + "\n")
        if image:
            image.close()
        rc, out, err = self.run(["ingest", "--archive", self.archive, "--dota-labels", labels])
        return [] if rc == 0 else [f"ingest failed (exit {rc}): " + "\n".join(err)]

    def write_file(self, rec):
        path = os.path.join(self.tmp, rec.head[1])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(rec.body) + "\n")
        return []

    def query(self, rec):
        want_rc, options = int(rec.head[1]), shlex.split(" ".join(rec.head[2:]))
        results = []
        for mode in self.modes:
            rc, out, err = self.run(["query", "--archive", self.archive, "--logic", rec.body[0], "--all",
                                     "--format", "json"] + options + mode)
            if rc == 0:
                ids = [r["image"] for r in json.loads("\n".join(out))["results"]]
                got = ids or ["(none)"]
            else:
                got = err
            results.append((" ".join(mode) or "planned", rc, got))
        return want_rc, results

    def command(self, rec):
        args = [a.replace("$TMP", self.tmp).replace("$ARCHIVE", self.archive) for a in shlex.split(rec.body[0])]
        rc, out, err = self.run(args)
        return int(rec.head[1]), [("command", rc, out if rc == 0 else err)]


def main():
    binary, path = sys.argv[1], sys.argv[2]
    complete = "--complete" in sys.argv[3:]
    name = os.path.relpath(path, os.path.dirname(os.path.abspath(__file__)))
    failures = checked = 0
    with tempfile.TemporaryDirectory(prefix="georune-golden-") as tmp:
        runner = Runner(binary, tmp)
        for rec in parse(path):
            where = f"{name}:{rec.line_no}"
            kind = rec.head[0]
            if kind in ("archive", "file"):
                problems = runner.make_archive(rec) if kind == "archive" else runner.write_file(rec)
                for p in problems:
                    print(f"FAIL {where}: {p}")
                failures += len(problems)
                continue
            want_rc, results = runner.query(rec) if kind == "query" else runner.command(rec)
            if complete:
                _, rc, got = results[0]
                print(" ".join([kind, str(rc)] + rec.head[2:]), rec.body[0], "----", *got, "", sep="\n")
                continue
            checked += 1
            for label, rc, got in results:
                if rc != want_rc or (rec.expected is not None and got != rec.expected):
                    failures += 1
                    print(f"FAIL {where} ({label}): exit {rc}, want {want_rc}\n  got:  " +
                          "\n        ".join(got) + "\n  want: " + "\n        ".join(rec.expected or []))
                    break
    if not complete:
        print(f"{name}: {checked} records, {failures} failed")
    return 1 if failures or (not checked and not complete) else 0


if __name__ == "__main__":
    sys.exit(main())
