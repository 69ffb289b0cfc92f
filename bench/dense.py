#!/usr/bin/python3
"""Dense scenes: rows and clusters of n = 5..100 entities, planned against the reference.

Workload: 300 generated dense scenes (`georune generate --dense --seed 20261206 --no-gsd-fraction 0`,
40-900 objects each) and the real DOTA labels (../shared/data/dota/labelTxt, when present).
Per formula: `georune query --crisp --all --format json`, whole process, 1 warm run + median of 3
(wall time around the process, and the engine's own stats.ms); then the reference
(`--reference --query-budget B`, one run): where it finishes, the (image, score) lists must be
identical. Writes bench/results/dense.{json,md}. Standard library only.
"""
import argparse, json, os, resource, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def arrangement(cls, n, shape):
    v = [f"x{i}" for i in range(n)]
    text = " AND ".join(f"{cls}({x})" for x in v)
    args = ", ".join(v)
    if shape != "clustered":
        text += f" AND aligned({args})"
    if shape != "aligned":
        text += f" AND clustered({args})"
    return text


FORMULAS = ([(f"row of {n} cars", arrangement("small_vehicle", n, "row")) for n in (5, 8, 12, 20, 30, 100)] +
            [(f"cluster of {n} cars", arrangement("small_vehicle", n, "clustered")) for n in (10, 30, 100)] +
            [(f"row of {n} {c}s", arrangement(c, n, "row")) for c, n in
             (("storage_tank", 5), ("storage_tank", 12), ("plane", 5), ("plane", 10), ("ship", 5), ("ship", 10))] +
            [(f"cluster of {n} {c}s", arrangement(c, n, "clustered")) for c, n in
             (("storage_tank", 10), ("storage_tank", 30), ("plane", 10), ("ship", 10), ("ship", 30))])


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, timeout):
    """(process or None, wall s, CPU s of the process, last line of stderr)."""
    start, cpu = time.monotonic(), cpu_seconds()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - start, cpu_seconds() - cpu, "timeout"
    last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
    return p, time.monotonic() - start, cpu_seconds() - cpu, last


def answers(stdout):
    d = json.loads(stdout)
    return [(r["image"], r["score"]) for r in d["results"]], d["stats"]["ms"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference-budget", type=float, default=20)
    ap.add_argument("--images", type=int, default=300)
    ap.add_argument("--no-reference", action="store_true", help="skip the reference runs")
    a = ap.parse_args()
    work = os.environ.get("GEORUNE_BENCH_DIR", "/tmp/georune-bench")
    os.makedirs(work, exist_ok=True)
    sha = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    exe = os.environ.get("GEORUNE") or os.path.join(work, f"georune-{sha}")
    if not os.environ.get("GEORUNE"):
        shutil.copy(os.path.join(ROOT, "build/bin/georune"), exe)
    archives = []
    labels = os.path.join(work, f"dense-labels-{a.images}-s20261206")
    if not os.path.isdir(labels):
        subprocess.run([exe, "generate", "--dense", "--images", str(a.images), "--seed", "20261206",
                        "--no-gsd-fraction", "0", "--out", labels, "--quiet"], check=True)
    archives.append((f"{a.images} dense scenes", labels))
    dota = os.path.join(ROOT, "..", "shared", "data", "dota", "labelTxt")
    if os.path.isdir(dota):
        archives.append(("DOTA labels", dota))
    rows = []
    for name, folder in archives:
        arch = os.path.join(work, "dense-archive-" + name.replace(" ", "-"))
        shutil.rmtree(arch, ignore_errors=True)
        subprocess.run([exe, "ingest", "--archive", arch, "--dota-labels", folder], check=True, capture_output=True)
        for label, formula in FORMULAS:
            base = [exe, "query", "--archive", arch, "--logic", formula, "--crisp", "--all", "--format", "json"]
            run(base, 120)
            walls, cpus, mss, got = [], [], [], None
            for _ in range(3):
                p, wall, cpu, err = run(base, 120)
                if p is None or p.returncode != 0:
                    got = None
                    walls.append(float("nan"))
                    print(f"{name}: {label}: planned failed: {err}", file=sys.stderr)
                    break
                got, ms = answers(p.stdout)
                walls.append(wall)
                cpus.append(cpu)
                mss.append(ms)
            ref, ref_wall, ref_err = None, 0.0, "skipped"
            if not a.no_reference:
                ref, ref_wall, _, ref_err = run(base + ["--reference", "--query-budget", str(a.reference_budget)],
                                                a.reference_budget * 1.1 + 10)
            if a.no_reference:
                verdict = "not run"
            elif ref is not None and ref.returncode == 0:
                ref_answers, _ = answers(ref.stdout)
                verdict = "identical" if ref_answers == got else "DIFFERENT"
            else:
                verdict = f"reference refused after {ref_wall:.1f} s"
            row = {"archive": name, "formula": label, "results": None if got is None else len(got),
                   "wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus) if cpus else None,
                   "engine_ms": statistics.median(mss) if mss else None,
                   "reference_wall_s": ref_wall, "reference": verdict}
            print(json.dumps(row), flush=True)
            rows.append(row)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "dense.json"), "w") as f:
        json.dump({"commit": sha, "load": os.getloadavg(), "rows": rows}, f, indent=1)
    with open(os.path.join(ROOT, "bench", "results", "dense.md"), "w") as f:
        f.write(f"commit {sha}; load average {os.getloadavg()[0]:.1f} (2 cores, shared)\n\n")
        f.write("| archive | formula | results | whole process s (median of 3) | CPU s | engine ms | reference |\n"
                "|---|---|---|---|---|---|---|\n")
        for r in rows:
            f.write(f"| {r['archive']} | {r['formula']} | {r['results']} | {r['wall_s']:.2f} | {(r['cpu_s'] or float('nan')):.2f} | "
                    f"{(r['engine_ms'] or float('nan')):.0f} | {r['reference']} ({r['reference_wall_s']:.1f} s) |\n")


if __name__ == "__main__":
    main()
