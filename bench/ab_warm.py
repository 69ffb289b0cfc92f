#!/usr/bin/env python3
"""A/B of two builds of the Python module on the warm in-process search (issue 9): each round runs
one process per build (in alternating order) that opens the archive once and times every dev
formula (`Archive.query(crisp=True, all=True, threads=1)`, 1 warm + `--runs`); per formula the
figure is the smallest CPU time of the process during the call (time.process_time: less sensitive
to other load on a shared machine than wall time) and the median stats.ms. Answers (ranked ids
and scores) of the two builds are compared.

    python3 bench/ab_warm.py --a A/python --b B/python [--rounds 3] [--runs 3] [--only d03,d04]
"""
import argparse, json, os, statistics, subprocess, sys

ARCHIVE = os.path.join(os.environ.get("GEORUNE_BENCH_DIR", "/tmp/georune-bench"), "archive-100k-s20240")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUERIES = os.path.join(ROOT, "..", "shared", "bench", "queries-dev.jsonl")

CHILD = r'''
import hashlib, json, statistics, sys, time, georune
archive, queries, runs, only = sys.argv[1], sys.argv[2], int(sys.argv[3]), set(filter(None, sys.argv[4].split(",")))
a = georune.Archive(archive)
out = {}
for line in open(queries):
    q = json.loads(line) if line.strip() else None
    if not q or (only and q["id"] not in only):
        continue
    r = a.query(logic=q["logic"], crisp=True, all=True, threads=1)
    cpu, ms = [], []
    for _ in range(runs):
        t = time.process_time()
        r = a.query(logic=q["logic"], crisp=True, all=True, threads=1)
        cpu.append((time.process_time() - t) * 1e3)
        ms.append(r.stats["ms"])
    h = hashlib.sha256(json.dumps([r.images.tolist(), r.scores.tolist()]).encode()).hexdigest()[:16]
    out[q["id"]] = {"cpu": min(cpu), "ms": statistics.median(ms), "answer": h}
print(json.dumps(out))
'''


def run(pythonpath, args):
    p = subprocess.run(["/usr/bin/python3", "-c", CHILD, args.archive, args.queries, str(args.runs), args.only],
                       capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=pythonpath))
    if p.returncode:
        sys.exit(p.stderr)
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--archive", default=ARCHIVE)
    ap.add_argument("--queries", default=QUERIES)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    res = {"a": [], "b": []}
    for r in range(args.rounds):
        for side in (("a", "b") if r % 2 == 0 else ("b", "a")):
            res[side].append(run(getattr(args, side), args))
    ids = list(res["a"][0])
    print(f"{'id':5} {'A cpu ms':>9} {'B cpu ms':>9} {'B/A':>6}  same answer")
    ratios = []
    for q in ids:
        a = min(x[q]["cpu"] for x in res["a"])
        b = min(x[q]["cpu"] for x in res["b"])
        same = len({x[q]["answer"] for x in res["a"] + res["b"]}) == 1
        ratios.append(b / a if a > 0 else 1.0)
        print(f"{q:5} {a:9.2f} {b:9.2f} {b / a if a > 0 else 1:6.3f}  {'yes' if same else '**NO**'}")
    print(f"median B/A {statistics.median(ratios):.3f}; sum A {sum(min(x[q]['cpu'] for x in res['a']) for q in ids):.1f} ms, "
          f"sum B {sum(min(x[q]['cpu'] for x in res['b']) for q in ids):.1f} ms")


if __name__ == "__main__":
    main()
