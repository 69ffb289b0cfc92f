#!/usr/bin/python3
"""Whole-process wall time of two georune binaries on a small box archive: the start-up cost
(issue 13: GEOS must cost box archives nothing; src/common/geos_library.h).

    python3 bench/ab_box_startup.py --a MAIN/georune --b NEW/georune [--images 100] [--runs 50]

Generates a seeded DOTA labelTxt folder (`generate --seed 20240`) and ingests it with each
binary; then `--runs` rounds, each running, in alternating order, A and B on the same box query
(`plane(a) AND plane(b) AND near(a, b)`, top 10, JSON) and on `--version`. Reports the median
and the 10th/90th percentiles of each binary's wall time, and the median of B/A over rounds
(pairs measured back to back share the machine's load). Standard library only.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time


def wall(argv):
    t = time.perf_counter()
    p = subprocess.run(argv, capture_output=True)
    if p.returncode:
        sys.exit(f"{' '.join(argv)}: exit {p.returncode}\n{p.stderr.decode()}")
    return (time.perf_counter() - t) * 1000


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--images", type=int, default=100)
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="georune-startup-")
    try:
        labels = os.path.join(work, "labels")
        wall([args.a, "generate", "--images", str(args.images), "--seed", "20240", "--out", labels])
        bins = {"A": args.a, "B": args.b}
        for k, b in bins.items():
            wall([b, "ingest", "--archive", os.path.join(work, k), "--dota-labels", labels])
        jobs = {
            "box query": lambda k: [bins[k], "query", "--archive", os.path.join(work, k), "--logic",
                                    "plane(a) AND plane(b) AND near(a, b)", "--top", "10", "--format", "json"],
            "--version": lambda k: [bins[k], "--version"],
        }
        print(f"workload: {args.images} generated images (seed 20240), {args.runs} interleaved rounds; "
              f"load average {os.getloadavg()[0]:.1f}")
        for name, argv in jobs.items():
            ms = {"A": [], "B": []}
            ratios = []
            for r in range(args.runs):
                for k in (["A", "B"] if r % 2 == 0 else ["B", "A"]):
                    ms[k].append(wall(argv(k)))
                ratios.append(ms["B"][-1] / ms["A"][-1])
            print(f"{name}: A median {statistics.median(ms['A']):.1f} ms (p10 {pct(ms['A'], .1):.1f}, p90 "
                  f"{pct(ms['A'], .9):.1f}); B median {statistics.median(ms['B']):.1f} ms (p10 {pct(ms['B'], .1):.1f}, "
                  f"p90 {pct(ms['B'], .9):.1f}); median B/A {statistics.median(ratios):.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
