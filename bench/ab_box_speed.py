#!/usr/bin/env python3
"""A/B speed of two georune binaries on the same box archive (issue 13: polygons must not slow
box archives down).

    python3 bench/ab_box_speed.py --a OLD/georune --b NEW/georune [--images 10000] [--runs 5]

Generates a seeded DOTA labelTxt archive (as scale.py: `generate --seed 20240 --no-gsd-fraction 0`,
cached in $GEORUNE_BENCH_DIR), ingests it with each binary (alternating, `--runs` times; the
entities/s of the CLI's summary), then runs the 40 dev formulas (../shared/bench/queries-dev.jsonl)
`--top 100 --format json` on each binary's archive, A and B interleaved in alternating order,
`--runs` times each. Reports per binary the median over runs of the engine's stats.ms and the
process wall time per formula, then the geometric mean over formulas of B/A (below 1: B faster).
The machine is shared: interleaving keeps both binaries under the same load.
"""
import argparse, json, math, os, re, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.environ.get("GEORUNE_BENCH_DIR", "/tmp/georune-bench")
QUERIES = os.path.join(ROOT, "..", "shared", "bench", "queries-dev.jsonl")


def run(argv):
    t = time.perf_counter()
    p = subprocess.run(argv, capture_output=True)
    return p.returncode, (time.perf_counter() - t) * 1000, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--images", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    os.makedirs(BENCH_DIR, exist_ok=True)
    labels = os.path.join(BENCH_DIR, f"labels-{args.images}-s20240")
    if not os.path.exists(labels + ".done"):
        shutil.rmtree(labels, ignore_errors=True)
        rc, _, _, err = run([args.a, "generate", "--images", str(args.images), "--seed", "20240", "--out", labels,
                             "--no-gsd-fraction", "0"])
        if rc:
            sys.exit(err.decode())
        open(labels + ".done", "w").write("{}")
    bins = {"A": args.a, "B": args.b}
    ingest = {"A": [], "B": []}
    archives = {k: os.path.join(BENCH_DIR, f"ab-{k}-{args.images}") for k in bins}
    for r in range(args.runs):
        for k in (["A", "B"] if r % 2 == 0 else ["B", "A"]):
            shutil.rmtree(archives[k], ignore_errors=True)
            rc, wall, out, err = run([bins[k], "ingest", "--archive", archives[k], "--dota-labels", labels])
            if rc:
                sys.exit(err.decode())
            m = re.search(r"\(([\d.]+) entities/s\)", out.decode())
            ingest[k].append(float(m.group(1)))
    formulas = [json.loads(l) for l in open(QUERIES) if l.strip()]
    engine = {k: {} for k in bins}
    wall = {k: {} for k in bins}
    for f in formulas:
        for k in bins:  # warm
            run([bins[k], "query", "--archive", archives[k], "--logic", f["logic"], "--top", "100", "--format", "json"])
        for r in range(args.runs):
            for k in (["A", "B"] if r % 2 == 0 else ["B", "A"]):
                rc, ms, out, err = run([bins[k], "query", "--archive", archives[k], "--logic", f["logic"],
                                        "--top", "100", "--format", "json"])
                if rc:
                    sys.exit(f"{k} {f['id']}: {err.decode()}")
                engine[k].setdefault(f["id"], []).append(json.loads(out)["stats"]["ms"])
                wall[k].setdefault(f["id"], []).append(ms)

    def geo_ratio(d):
        logs = [math.log(statistics.median(d["B"][i]) / statistics.median(d["A"][i]))
                for i in d["A"] if statistics.median(d["A"][i]) > 0 and statistics.median(d["B"][i]) > 0]
        return math.exp(sum(logs) / len(logs))

    def p50(d, k):
        return statistics.median(statistics.median(v) for v in d[k].values())

    print(f"workload: {args.images} generated images (seed 20240), {len(formulas)} dev formulas, top 100, "
          f"{args.runs} interleaved runs each; load average {os.getloadavg()[0]:.1f}")
    print(f"ingest entities/s median: A {statistics.median(ingest['A']):,.0f}, B {statistics.median(ingest['B']):,.0f}"
          f" (B/A {statistics.median(ingest['B']) / statistics.median(ingest['A']):.3f})")
    print(f"engine ms p50 over formulas: A {p50(engine, 'A'):.2f}, B {p50(engine, 'B'):.2f}; "
          f"geometric mean of B/A per formula: {geo_ratio(engine):.3f}")
    print(f"wall ms p50 over formulas: A {p50(wall, 'A'):.1f}, B {p50(wall, 'B'):.1f}; "
          f"geometric mean of B/A per formula: {geo_ratio(wall):.3f}")


if __name__ == "__main__":
    main()
