#!/usr/bin/env python3
"""Warm in-process georune timing, PostGIS's methodology: one process opens the archive once,
then per formula 1 untimed warm run + RUNS timed runs of `Archive.query(crisp=True, all=True)`;
the figure is the median of the engine's own `stats.ms` (the search: scores and the ranked ids,
what PostGIS returns; rows are explained only when read, and nothing here reads them).

    PYTHONPATH=build/python python3 bench/warm_query.py ARCHIVE QUERIES.jsonl OUTDIR [--runs 3] [--only d01,d02]

Writes OUTDIR/<id>.txt (the sorted image ids of the last run) and prints one JSON object:
{id: {"ms": [...], "ms_p50": .., "call_ms_p50": .. (time around the Python call), "rows": ..}}
or {id: {"error": message}}.
"""
import argparse, json, os, statistics, sys, time

import georune


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("archive")
    ap.add_argument("queries")
    ap.add_argument("out")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    os.makedirs(args.out, exist_ok=True)
    t0 = time.perf_counter()
    archive = georune.Archive(args.archive)
    res = {"_open_ms": round((time.perf_counter() - t0) * 1e3, 2)}
    for line in open(args.queries):
        if not line.strip():
            continue
        q = json.loads(line)
        if only and q["id"] not in only:
            continue
        try:
            archive.query(logic=q["logic"], crisp=True, all=True)  # warm, untimed
            ms, call = [], []
            for _ in range(args.runs):
                t = time.perf_counter()
                r = archive.query(logic=q["logic"], crisp=True, all=True)
                call.append((time.perf_counter() - t) * 1e3)
                ms.append(r.stats["ms"])
            ids = sorted(r.images.tolist())
        except georune.Error as e:
            res[q["id"]] = {"error": str(e)}
            continue
        with open(os.path.join(args.out, q["id"] + ".txt"), "w") as f:
            f.write("\n".join(ids) + ("\n" if ids else ""))
        res[q["id"]] = {"ms": [round(x, 3) for x in ms], "ms_p50": round(statistics.median(ms), 3),
                        "call_ms_p50": round(statistics.median(call), 3), "rows": len(ids)}
        print(f"[warm] {q['id']} {res[q['id']]['ms_p50']} ms, {len(ids)} rows", file=sys.stderr, flush=True)
    json.dump(res, sys.stdout)


if __name__ == "__main__":
    main()
