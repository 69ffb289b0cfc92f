#!/usr/bin/env python3
"""Python and Dask figures (issue 17), in one run on one machine:

 1. Python call overhead against the CLI: each dev formula through `georune query --format json`
    (a whole process) and through `Archive.query(...).to_json()` in a warm interpreter; both
    against the engine's own stats.ms.
 2. One shard against 4 shards × 2 Dask workers (LocalCluster, processes) at N images:
    latency (per-formula median of `georune.distributed.query`, top 100), throughput (the 40
    formulas as one `query_batch`), and the merge separated from it: per-shard engine time,
    the merge of the shard answers timed on its own, and bytes on the wire per query.

    PYTHONPATH=build/python bench/python_dask.py [--size 1m] [--runs 3] [--out bench/results]

The archive comes from `bench/scale.py prepare SIZE` (cached under $GEORUNE_BENCH_DIR);
shard sets are cached beside it. Writes bench/results/python-dask-<size>.{json,md}.
"""
import argparse, json, os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "build", "python"))
import georune  # noqa: E402
import georune.distributed as gd  # noqa: E402
from georune import _core  # noqa: E402

GEORUNE = os.environ.get("GEORUNE", os.path.join(ROOT, "build", "bin", "georune"))
QUERIES = os.path.join(ROOT, "..", "shared", "bench", "queries-dev.jsonl")


def log(m):
    print(m, file=sys.stderr, flush=True)


def prepare(size):
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "scale.py"), "prepare", size],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    archive = out.split("\t")[1]
    sets = {}
    for n in (1, 4):
        d = f"{archive}-shards{n}"
        if not os.path.exists(os.path.join(d, "shards.json")):
            subprocess.run(["rm", "-rf", d], check=True)
            t = time.perf_counter()
            subprocess.run([GEORUNE, "shard", "--archive", archive, "--out", d, "--shards", str(n)], check=True,
                           capture_output=True)
            log(f"shard {n}: {time.perf_counter() - t:.1f} s")
        sets[n] = d
    return archive, sets


def timed(f, runs, engine_ms=None):
    """Median wall ms of `runs` calls after a warm one, and the last output; with `engine_ms`
    (output → the engine's own ms) also the median of (wall − engine) over the same calls."""
    times, gaps, out = [], [], None
    f()  # warm
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append((time.perf_counter() - t) * 1000)
        if engine_ms:
            gaps.append(times[-1] - engine_ms(out))
    if engine_ms:
        return statistics.median(times), out, statistics.median(gaps)
    return statistics.median(times), out


def overhead(archive, formulas, runs):
    a = georune.Archive(archive)
    rows = []
    for q in formulas:
        cli_ms, out, cli_gap = timed(lambda: subprocess.run(
            [GEORUNE, "query", "--archive", archive, "--logic", q["logic"], "--top", "100", "--format", "json"],
            check=True, capture_output=True, text=True).stdout, runs, lambda o: json.loads(o)["stats"]["ms"])
        py_ms, res, py_gap = timed(lambda: a.query(q["logic"], top=100), runs, lambda r: r.stats["ms"])
        json_ms, _ = timed(lambda: res.to_json(), runs)
        rows.append(dict(id=q["id"], cli_ms=cli_ms, cli_engine_ms=json.loads(out)["stats"]["ms"], cli_gap_ms=cli_gap,
                         py_ms=py_ms, py_engine_ms=res.stats["ms"], py_gap_ms=py_gap, to_json_ms=json_ms))
    return rows


def distributed(client, sets, formulas, runs):
    out = {}
    for n, d in sets.items():
        rows = []
        for q in formulas:
            ms, res = timed(lambda: gd.query(client, d, q["logic"], top=100), runs)
            # the merge alone, and the bytes the shard answers carry, from the same shard answers
            parts = [f.result()[0] for f in [client.submit(gd._shard_batch, i, s["path"],
                                                           [dict(logic=q["logic"], top=100)], pure=False)
                                             for i, s in enumerate(georune.read_shards(d)["shards"])]]
            t = time.perf_counter()
            _core.merge(parts, 100)
            merge_ms = (time.perf_counter() - t) * 1000
            shard_ms = [p.meta()["stats"]["ms"] for p in parts]
            rows.append(dict(id=q["id"], wall_ms=ms, shard_engine_ms_max=max(shard_ms),
                             shard_engine_ms_sum=sum(shard_ms), merge_ms=merge_ms,
                             wire_bytes=sum(len(p.to_wire()) for p in parts), results=len(res)))
        t = time.perf_counter()
        gd.query_batch(client, d, [q["logic"] for q in formulas], top=100)
        batch_s = time.perf_counter() - t
        out[n] = dict(rows=rows, batch_s=batch_s, qps=len(formulas) / batch_s)
        log(f"{n} shard(s): p50 {statistics.median(r['wall_ms'] for r in rows):.1f} ms, {out[n]['qps']:.1f} q/s")
    return out


def markdown(size, meta, over, dist):
    med = lambda rows, k: statistics.median(r[k] for r in rows)  # noqa: E731
    lines = [f"# Python and Dask figures, {size} images ({meta['date']})", "",
             f"Machine: {meta['machine']}; load at start `{meta['load_start']}`, at end `{meta['load_end']}` "
             "(shared with other helpers' builds: noisy). Dev formulas: 40, top 100, median of "
             f"{meta['runs']} runs after a warm one.", "",
             "## Python call overhead against the CLI (medians over formulas)", "",
             "| path | wall ms | engine ms | wall − engine ms (per call) |", "| --- | ---: | ---: | ---: |",
             f"| `georune query --format json` (process) | {med(over, 'cli_ms'):.2f} | {med(over, 'cli_engine_ms'):.2f} "
             f"| {med(over, 'cli_gap_ms'):.2f} |",
             f"| `Archive.query()` (warm interpreter) | {med(over, 'py_ms'):.2f} | {med(over, 'py_engine_ms'):.2f} "
             f"| {med(over, 'py_gap_ms'):.3f} |",
             f"| `Results.to_json()` | {med(over, 'to_json_ms'):.3f} | | |", "",
             "## 1 shard against 4 shards × 2 workers (LocalCluster, processes, 1 thread each)", "",
             "| shards | query p50 ms | p95 ms | batch q/s | shard engine ms (max) p50 | merge ms p50 | wire bytes p50 |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n, d in dist.items():
        walls = sorted(r["wall_ms"] for r in d["rows"])
        lines.append(f"| {n} | {statistics.median(walls):.1f} | {walls[int(0.95 * (len(walls) - 1))]:.1f} | "
                     f"{d['qps']:.2f} | {med(d['rows'], 'shard_engine_ms_max'):.2f} | "
                     f"{med(d['rows'], 'merge_ms'):.3f} | {med(d['rows'], 'wire_bytes'):.0f} |")
    lines += ["", "Ratios are within this run only. Query wall = client call to merged answer (scheduling, "
              "per-shard query, tree merge, transfer); merge ms: `_core.merge` of the shard answers alone."]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1m")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", default=QUERIES)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--from-json", default="", help="only rewrite the .md of an earlier run's .json")
    args = ap.parse_args()
    if args.from_json:
        j = json.load(open(args.from_json))
        dist = {int(n): d for n, d in j["distributed"].items()}
        with open(args.from_json[:-len(".json")] + ".md", "w") as f:
            f.write(markdown(args.size, j["meta"], j["overhead"], dist))
        return
    from distributed import Client, LocalCluster
    uptime = lambda: subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: E731
    meta = dict(date=time.strftime("%Y-%m-%dT%H:%M:%S"), machine=f"{os.cpu_count()} cores", runs=args.runs,
                load_start=uptime())
    formulas = [json.loads(line) for line in open(args.queries) if line.strip()]
    archive, sets = prepare(args.size)
    log("overhead …")
    over = overhead(archive, formulas, args.runs)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        dist = distributed(client, sets, formulas, args.runs)
    meta["load_end"] = uptime()
    base = os.path.join(args.out, f"python-dask-{args.size}")
    with open(base + ".json", "w") as f:
        json.dump(dict(meta=meta, overhead=over, distributed=dist), f, indent=1)
    with open(base + ".md", "w") as f:
        f.write(markdown(args.size, meta, over, dist))
    print(open(base + ".md").read())


if __name__ == "__main__":
    main()
