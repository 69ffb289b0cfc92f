#!/usr/bin/env python3
"""Scale series for `georune query` (issue 3): whole-process latency, memory and archive size.

    bench/scale.py [--sizes 10k,100k] [--runs 5] [--ref-sizes 10k,100k] [--out bench/results]
    bench/scale.py prepare N          # generate + ingest only; prints "LABELS<TAB>ARCHIVE"

For each size N: generate a seeded DOTA labelTxt archive (cached under $GEORUNE_BENCH_DIR,
default /tmp/georune-bench), ingest it into a fresh archive (entities/s from the CLI summary),
read bytes/entity from `georune info`, then run every dev formula as a whole process:
`georune query --archive A --logic F --top 100 --format json`, one untimed warm run (under
/usr/bin/time -f %M for peak memory), then --runs timed runs (wall time around the process,
peak RSS from wait4, the engine's own stats.ms). With --reference capped by --query-budget
(default 10 s) at the sizes in --ref-sizes. Writes bench/results/scale-<sizes>.{json,md}.
Standard library only; runs sequentially (one georune process at a time).
"""
import argparse, datetime, hashlib, json, os, re, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEORUNE = os.environ.get("GEORUNE", os.path.join(ROOT, "build", "bin", "georune"))
QUERIES = os.path.join(ROOT, "..", "shared", "bench", "queries-dev.jsonl")
BENCH_DIR = os.environ.get("GEORUNE_BENCH_DIR", "/tmp/georune-bench")
SLOW_S = float(os.environ.get("GEORUNE_BENCH_SLOW_S", "3"))  # warm run slower than this: 1 timed run
SEED = int(os.environ.get("GEORUNE_BENCH_SEED", "20240")) # same seed => same bytes => shared with postgis.sh


def snapshot_binary():
    """Copy build/bin/georune to BENCH_DIR/georune-<sha12> and use that copy: others rebuild build/
    while a run goes on (a binary being relinked cannot even be executed). $GEORUNE overrides."""
    global GEORUNE
    if os.environ.get("GEORUNE"):
        return GEORUNE
    h = hashlib.sha256(open(GEORUNE, "rb").read()).hexdigest()[:12]
    dst = os.path.join(BENCH_DIR, f"georune-{h}")
    if not os.path.exists(dst):
        shutil.copy2(GEORUNE, dst + ".tmp")
        os.replace(dst + ".tmp", dst)
    GEORUNE = dst
    return dst


def parse_size(s):
    s = s.strip().lower()
    mult = {"k": 1000, "m": 1000000}.get(s[-1:], 1)
    return int(float(s[:-1] if s[-1:] in "km" else s) * mult)


def size_name(n):
    return f"{n // 1000000}m" if n % 1000000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def pct(xs, p):
    """nearest-rank percentile (p in 0..100) of a non-empty list"""
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(-(-p * len(xs) // 100)) - 1))
    return xs[k]


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def uptime():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average: %.2f, %.2f, %.2f" % os.getloadavg()


def binary_id():
    st = os.stat(GEORUNE)
    h = hashlib.sha256(open(GEORUNE, "rb").read()).hexdigest()[:12]
    return {"path": GEORUNE, "sha256_12": h, "mtime": datetime.datetime.fromtimestamp(st.st_mtime).isoformat()}


def ensure_time():
    if os.access("/usr/bin/time", os.X_OK):
        return True
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "update", "-q"], check=False)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "time"], check=False,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    return os.access("/usr/bin/time", os.X_OK)


def run_proc(argv):
    """Run argv as a whole process. Returns (rc, wall_ms, stdout, stderr)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate()
    wall = (time.perf_counter() - t0) * 1000.0
    return p.returncode, wall, out, err


def run_mem(argv):
    """Run argv under /usr/bin/time -f %M. Returns (rc, peak_rss_kib or None, stdout, stderr)."""
    tf = os.path.join(BENCH_DIR, ".time.out")
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf] + argv, capture_output=True)
    try:
        kib = int(open(tf).read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        kib = None
    return p.returncode, kib, p.stdout, p.stderr


def run_wait4(argv, mem=False):
    """Run argv as a whole process, wall time around it. Output goes to files so a large JSON
    answer cannot block a pipe. With mem, under /usr/bin/time -f %M (the child's own peak RSS;
    wait4's ru_maxrss would count the forked Python parent's RSS before exec). Returns
    (rc, wall_ms, peak_rss_kib or None, stdout, stderr)."""
    tf = os.path.join(BENCH_DIR, ".time.out")
    pre = ["/usr/bin/time", "-f", "%M", "-o", tf] if mem else []
    fo = open(os.path.join(BENCH_DIR, ".q.out"), "w+b")
    fe = open(os.path.join(BENCH_DIR, ".q.err"), "w+b")
    t0 = time.perf_counter()
    p = subprocess.Popen(pre + argv, stdout=fo, stderr=fe)
    _, status, _ = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - t0) * 1000.0
    p.returncode = os.waitstatus_to_exitcode(status)
    fo.seek(0); fe.seek(0)
    out, err = fo.read(), fe.read()
    fo.close(); fe.close()
    kib = None
    if mem:
        try:
            kib = int(open(tf).read().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            pass
    return p.returncode, wall, kib, out, err


def labels_dir(n):
    return os.path.join(BENCH_DIR, f"labels-{size_name(n)}-s{SEED}")


def archive_dir(n):
    return os.path.join(BENCH_DIR, f"archive-{size_name(n)}-s{SEED}")


def generate(n, log):
    d = labels_dir(n)
    done = d + ".done"
    if os.path.exists(done):
        info = json.load(open(done))
        info["cached"] = True
        return info
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(BENCH_DIR, exist_ok=True)
    argv = [GEORUNE, "generate", "--images", str(n), "--seed", str(SEED), "--out", d,
            "--no-gsd-fraction", "0"]
    log(f"[{size_name(n)}] generate: {' '.join(argv)}")
    rc, wall, out, err = run_proc(argv)
    if rc:
        sys.exit(f"generate failed ({rc}): {err.decode(errors='replace')}")
    text = err.decode(errors="replace")
    m = re.search(r"generated (\d+) images, (\d+) objects \(([\d.]+) per image\) in ([\d.]+) s", text)
    info = {"images": n, "seed": SEED, "argv": argv[1:], "wall_s": round(wall / 1000, 2),
            "objects": int(m.group(2)) if m else None,
            "objects_per_image": float(m.group(3)) if m else None, "summary": text.strip().splitlines()[-1:]}
    json.dump(info, open(done, "w"))
    info["cached"] = False
    return info


FORMAT_VERSION = 4  # the segment format this georune writes (docs/formats.md); older cached archives are re-ingested


def cached_format(a):
    rc, _, out, _ = run_proc([GEORUNE, "info", "--archive", a, "--format", "json"])
    return json.loads(out).get("format_version", 0) if rc == 0 else 0


def ingest(n, log, fresh=True):
    a = archive_dir(n)
    if not fresh and os.path.exists(os.path.join(a, "MANIFEST")):
        if cached_format(a) >= FORMAT_VERSION:
            return None
        log(f"[{size_name(n)}] the cached archive is older than format {FORMAT_VERSION}: re-ingesting")
    shutil.rmtree(a, ignore_errors=True)
    argv = [GEORUNE, "ingest", "--archive", a, "--dota-labels", labels_dir(n)]
    log(f"[{size_name(n)}] ingest: {' '.join(argv)}")
    rc, wall, kib, out, err = run_wait4(argv, mem=True)
    text = err.decode(errors="replace") + out.decode(errors="replace")
    if rc:
        sys.exit(f"ingest failed ({rc}): {text[-2000:]}")
    m = re.findall(r"ingested (\d+) images, (\d+) entities in ([\d.]+) s \((\d+) entities/s\)", text)
    res = {"wall_s": round(wall / 1000, 3), "peak_rss_mib": round(kib / 1024, 1) if kib else None,
           "summary": [l for l in text.replace("\r", "\n").splitlines() if l.startswith("ingested")][-1:]}
    if m:
        imgs, ents, secs, eps = m[-1]
        res.update(images=int(imgs), entities=int(ents), cli_s=float(secs), entities_per_s=int(eps),
                   entities_per_s_wall=int(int(ents) / (wall / 1000)))
    rc, _, out, err = run_proc([GEORUNE, "info", "--archive", a, "--format", "json"])
    info = json.loads(out)
    res["info"] = {k: info.get(k) for k in ("images", "entities", "bytes_on_disk", "bytes_per_entity",
                                            "open_ms", "segments", "format_version")}
    res["archive_bytes_du"] = int(subprocess.run(["du", "-sb", a], capture_output=True, text=True)
                                  .stdout.split()[0])
    res["labels_bytes_du"] = int(subprocess.run(["du", "-sb", labels_dir(n)], capture_output=True, text=True)
                                 .stdout.split()[0])
    return res


def load_queries(path):
    return [json.loads(l) for l in open(path) if l.strip()]


def query_argv(a, logic, extra):
    return [GEORUNE, "query", "--archive", a, "--logic", logic, "--format", "json"] + extra


def measure(a, q, extra, runs, log, budget=None):
    """warm run under /usr/bin/time, then `runs` timed runs. Returns a dict."""
    argv = query_argv(a, q["logic"], extra + (["--query-budget", str(budget)] if budget else []))
    t0 = time.perf_counter()
    rc, kib, out, err = run_mem(argv)
    warm_s = time.perf_counter() - t0
    if warm_s > SLOW_S:
        runs = 1  # a formula slower than SLOW_S per process: one timed run only (noted in the JSON)
    r = {"timed_runs": runs, "peak_rss_mib": round(kib / 1024, 1) if kib else None}  # warm run, /usr/bin/time
    etext = err.decode(errors="replace").strip()
    if rc:
        r["error"] = etext.splitlines()[-1] if etext else f"rc={rc}"
        r["capped"] = "time budget" in etext
        return r, None
    walls, ms = [], []
    answer = None
    for _ in range(runs):
        rc, wall, _, out, err = run_wait4(argv)
        if rc:
            etext = err.decode(errors="replace").strip()
            r["error"] = etext.splitlines()[-1] if etext else f"rc={rc}"
            r["capped"] = "time budget" in etext
            return r, None
        d = json.loads(out)
        walls.append(wall); ms.append(d["stats"]["ms"])
        answer = [(x["image"], round(x["score"], 9)) for x in d["results"]]
        r["stats"] = {k: v for k, v in d["stats"].items() if k != "ms"}
    r.update(wall_ms=[round(w, 2) for w in walls], wall_p50=round(median(walls), 2),
             wall_p95=round(pct(walls, 95), 2), engine_ms_p50=round(median(ms), 2),
             engine_ms=[round(x, 3) for x in ms],
             results=len(answer))
    return r, answer


def bench_size(n, args, qs, log):
    res = {"n": n, "uptime_start": uptime(), "binary_start": binary_id()}
    res["generate"] = generate(n, log)
    res["ingest"] = ingest(n, log)
    ing = res["ingest"]
    log(f"[{size_name(n)}] ingest {ing.get('entities_per_s')} entities/s, "
        f"{ing['info']['bytes_per_entity']:.1f} bytes/entity, {ing['info']['bytes_on_disk']} bytes")
    a = archive_dir(n)
    do_ref = n in args.ref_sizes
    res["queries"] = {}
    for q in qs:
        planned, pans = measure(a, q, ["--top", "100"], args.runs, log)
        e = {"logic": q["logic"], "planned": planned}
        if do_ref:
            ref, rans = measure(a, q, ["--top", "100", "--reference"], args.ref_runs, log, args.budget)
            e["reference"] = ref
            if pans is not None and rans is not None:
                e["top100_identical"] = pans == rans
                if pans != rans:
                    e["top100_diff"] = {"planned_only": sorted(set(pans) - set(rans))[:20],
                                        "reference_only": sorted(set(rans) - set(pans))[:20]}
        res["queries"][q["id"]] = e
        ref_s = ""
        if do_ref:
            r = e["reference"]
            ref_s = (" ref CAPPED" if r.get("capped") else f" ref ERROR {r['error']}" if "error" in r
                     else f" ref {r['wall_p50']:.1f} ms same={e.get('top100_identical')}")
        p_s = f"ERROR {planned['error']}" if "error" in planned else \
            f"{planned['wall_p50']:.1f} ms (engine {planned['engine_ms_p50']:.2f}, {planned['peak_rss_mib']} MiB)"
        log(f"[{size_name(n)}] {q['id']} {p_s}{ref_s}")
    ok = [e["planned"] for e in res["queries"].values() if "error" not in e["planned"]]
    p50s = [p["wall_p50"] for p in ok]
    allw = [w for p in ok for w in p["wall_ms"]]
    res["summary"] = {
        "formulas": len(qs), "formulas_ok": len(ok),
        "wall_p50_of_medians": round(median(p50s), 2) if p50s else None,
        "wall_p95_of_medians": round(pct(p50s, 95), 2) if p50s else None,
        "wall_max_of_medians": round(max(p50s), 2) if p50s else None,
        "wall_p50_all_runs": round(median(allw), 2) if allw else None,
        "wall_p95_all_runs": round(pct(allw, 95), 2) if allw else None,
        "engine_ms_p50_of_medians": round(median([p["engine_ms_p50"] for p in ok]), 2) if ok else None,
        "engine_ms_p95_of_medians": round(pct([p["engine_ms_p50"] for p in ok], 95), 2) if ok else None,
        "peak_rss_mib_max": max((p["peak_rss_mib"] or 0) for p in ok) if ok else None,
    }
    if do_ref:
        refs = [(qid, e) for qid, e in res["queries"].items() if "reference" in e]
        capped = [qid for qid, e in refs if e["reference"].get("capped")]
        both = [(qid, e) for qid, e in refs if "wall_p50" in e["reference"] and "wall_p50" in e["planned"]]
        sp = [e["reference"]["wall_p50"] / e["planned"]["wall_p50"] for _, e in both]
        spe = [e["reference"]["engine_ms_p50"] / max(e["planned"]["engine_ms_p50"], 1e-3) for _, e in both]
        res["summary"].update(
            reference_capped=capped,
            reference_errors=[qid for qid, e in refs if "error" in e["reference"] and not e["reference"].get("capped")],
            top100_different=[qid for qid, e in refs if e.get("top100_identical") is False],
            speedup_wall_median=round(median(sp), 1) if sp else None,
            speedup_engine_median=round(median(spe), 1) if spe else None)
    res["uptime_end"] = uptime()
    res["binary_end"] = binary_id()
    res["binary_changed"] = res["binary_start"]["sha256_12"] != res["binary_end"]["sha256_12"]
    return res


def fmt(x, d=1):
    return "—" if x is None else f"{x:.{d}f}"


def markdown(doc):
    L = [f"# georune scale series ({doc['date']})", "",
         f"Machine: {doc['machine']['nproc']} cores, {doc['machine']['mem_gib']} GiB, shared with other builds "
         f"(load recorded below). Binary {doc['binary']['sha256_12']} ({doc['binary']['mtime']}).",
         f"Workload: `georune generate --seed {SEED} --no-gsd-fraction 0`, {len(doc['formulas'])} dev formulas "
         f"(`../shared/bench/queries-dev.jsonl`), `georune query --top 100 --format json` as a whole process, "
         f"1 warm + {doc['args']['runs']} timed runs each (reference: 1 warm + {doc['args']['ref_runs']}, "
         f"--query-budget {doc['args']['budget']} s).", "",
         "| images | objects/image | entities | ingest entities/s | bytes/entity | archive MiB | open ms | "
         "p50 ms | p95 ms | max ms | engine p50 ms | engine p95 ms | peak RSS MiB | reference: median ratio | ref capped |",
         "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in doc["sizes"]:
        s, ing = r["summary"], r["ingest"]
        L.append(f"| {r['n']:,} | {fmt(r['generate'].get('objects_per_image'), 2)} | {ing['info']['entities']:,} | "
                 f"{ing.get('entities_per_s', 0):,} | {ing['info']['bytes_per_entity']:.1f} | "
                 f"{ing['info']['bytes_on_disk'] / 2**20:.1f} | {fmt(ing['info'].get('open_ms'), 2)} | "
                 f"{fmt(s['wall_p50_of_medians'])} | {fmt(s['wall_p95_of_medians'])} | {fmt(s['wall_max_of_medians'])} | "
                 f"{fmt(s['engine_ms_p50_of_medians'], 2)} | {fmt(s['engine_ms_p95_of_medians'], 2)} | "
                 f"{fmt(s['peak_rss_mib_max'])} | "
                 + (f"{fmt(s.get('speedup_wall_median'))}× wall, {fmt(s.get('speedup_engine_median'))}× engine | "
                    f"{len(s.get('reference_capped', []))}/{s['formulas']} |" if "speedup_wall_median" in s else "— | — |"))
    L += ["", "p50/p95/max: across formulas, of each formula's median wall time per process (ms). "
          "engine: the `stats.ms` the CLI reports. Ratio: reference ÷ planned, formulas where both finished.", ""]
    for r in doc["sizes"]:
        L += [f"## {r['n']:,} images", "", f"Load at start: `{r['uptime_start']}`  ", f"Load at end: `{r['uptime_end']}`"
              + ("  \n**The binary changed during this run.**" if r["binary_changed"] else ""), ""]
        s = r["summary"]
        if s.get("top100_different"):
            L += [f"**Planned top-100 differs from reference:** {', '.join(s['top100_different'])}", ""]
        if s.get("reference_errors"):
            L += [f"**Reference errors (not the cap):** {', '.join(s['reference_errors'])}", ""]
        hdr = "| id | wall p50 | wall p95 | engine ms | RSS MiB | candidates | results |"
        sep = "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
        has_ref = any("reference" in e for e in r["queries"].values())
        if has_ref:
            hdr += " reference wall p50 | reference engine ms | ratio wall | ratio engine | top-100 same |"
            sep += " ---: | ---: | ---: | ---: | :---: |"
        L += [hdr, sep]
        for qid, e in r["queries"].items():
            p = e["planned"]
            if "error" in p:
                row = f"| {qid} | error: {p['error'][:80]} | | | | | |"
            else:
                row = (f"| {qid} | {p['wall_p50']:.1f} | {p['wall_p95']:.1f} | {p['engine_ms_p50']:.2f} | "
                       f"{p['peak_rss_mib']} | {p.get('stats', {}).get('candidates', '')} | {p['results']} |")
            if has_ref:
                f = e.get("reference", {})
                if f.get("capped"):
                    row += " capped (>10 s) | | | | |"
                elif "error" in f:
                    row += f" error: {f['error'][:60]} | | | | |"
                elif "wall_p50" in f and "wall_p50" in p:
                    row += (f" {f['wall_p50']:.1f} | {f['engine_ms_p50']:.1f} | {f['wall_p50'] / p['wall_p50']:.1f}× | "
                            f"{f['engine_ms_p50'] / max(p['engine_ms_p50'], 1e-3):.0f}× | "
                            f"{'yes' if e.get('top100_identical') else 'NO'} |")
                else:
                    row += " | | | | |"
            L.append(row)
        L.append("")
    return "\n".join(L) + "\n"

# ---------------------------------------------------------------------------------------------
# PostGIS side by side (driven by bench/postgis.sh, which runs ../shared/bench/postgis/run.sh first)

PG_DIR = os.path.join(ROOT, "..", "shared", "bench", "postgis")
for _k, _v in (("PGHOST", "/tmp/pgsock"), ("PGPORT", "54329"), ("PGDATABASE", "georune_bl"), ("PGUSER", "postgres")):
    os.environ.setdefault(_k, _v)  # as ../shared/bench/postgis/env.sh
PSQL = [os.path.join(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"), "psql"), "-X", "-q", "-At",
        "-v", "ON_ERROR_STOP=1"]


def read_run_tsv(path):
    """run.sh's stdout: 'load wall time ... s', then 'id<TAB>ms<TAB>rows' lines."""
    ms, load = {}, None
    for line in open(path):
        m = re.match(r"load wall time.*?: ([\d.]+) s", line)
        if m:
            load = float(m.group(1))
        p = line.rstrip("\n").split("\t")
        if len(p) == 3 and re.fullmatch(r"[a-z]\d+", p[0]):
            ms[p[0]] = float(p[1])
    return ms, load


def georune_crisp(a, logic, runs):
    """--crisp --all as ids and scores (`--format ids`: what PostGIS returns; stats on standard error)."""
    argv = [GEORUNE, "query", "--archive", a, "--logic", logic, "--format", "ids", "--crisp", "--all"]
    run_wait4(argv)  # warm, untimed
    walls, ms, out_ms, ans = [], [], [], None
    for _ in range(runs):
        rc, wall, _, out, err = run_wait4(argv)
        if rc:
            return {"error": err.decode(errors="replace").strip().splitlines()[-1:]}, None
        stats = json.loads(err.decode().strip().splitlines()[-1])["stats"]
        walls.append(wall); ms.append(stats["ms"]); out_ms.append(stats["output_ms"])
        ans = sorted(l.split("\t")[0] for l in out.decode().splitlines() if l.strip())
    return {"wall_ms": [round(w, 2) for w in walls], "wall_p50": round(median(walls), 2),
            "engine_ms_p50": round(median(ms), 2), "output_ms_p50": round(median(out_ms), 2), "rows": len(ans)}, ans


def python_module():
    """build/python copied to BENCH_DIR/python-<sha12 of the module> (as snapshot_binary);
    $GEORUNE_PYTHONPATH overrides."""
    if os.environ.get("GEORUNE_PYTHONPATH"):
        return os.environ["GEORUNE_PYTHONPATH"]
    src = os.path.join(ROOT, "build", "python")
    core = [f for f in os.listdir(os.path.join(src, "georune")) if f.startswith("_core") and f.endswith(".so")]
    h = hashlib.sha256(open(os.path.join(src, "georune", core[0]), "rb").read()).hexdigest()[:12]
    dst = os.path.join(BENCH_DIR, f"python-{h}")
    if not os.path.exists(dst):
        shutil.copytree(src, dst + ".tmp", ignore=shutil.ignore_patterns("CMakeFiles", "*.cmake"))
        os.replace(dst + ".tmp", dst)
    return dst


def georune_warm(a, workdir, runs, only):
    """The warm in-process timing (bench/warm_query.py under /usr/bin/python3, which has numpy:
    one process, the archive opened once, per formula 1 warm + `runs` timed `Archive.query`
    calls, median of stats.ms); ids in workdir/warm/."""
    out = os.path.join(workdir, "warm")
    argv = ["/usr/bin/python3", os.path.join(ROOT, "bench", "warm_query.py"), a, QUERIES, out, "--runs", str(runs)]
    if only:
        argv += ["--only", only]
    p = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=python_module()))
    if p.returncode:
        sys.exit(f"warm run failed: {p.stderr.strip()[-2000:]}")
    res = json.loads(p.stdout)
    ans = {qid: sorted(open(os.path.join(out, qid + ".txt")).read().split())
           for qid, r in res.items() if not qid.startswith("_") and "error" not in r}
    return res, ans


def repro(qid, logic, label_file, workdir):
    """Both answers on a one-image archive holding label_file (replaces the PostGIS tables)."""
    d = os.path.join(workdir, f"repro-{qid}-{os.path.basename(label_file)[:-4]}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "labels"))
    shutil.copy(label_file, os.path.join(d, "labels"))
    subprocess.run([GEORUNE, "ingest", "--archive", os.path.join(d, "archive"), "--dota-labels",
                    os.path.join(d, "labels")], capture_output=True)
    g = subprocess.run(query_argv(os.path.join(d, "archive"), logic, ["--crisp", "--all"]),
                       capture_output=True, text=True)
    try:
        gans = [x["image"] for x in json.loads(g.stdout)["results"]]
    except ValueError:
        gans = "error: " + g.stderr.strip()
    ld = subprocess.run(["python3", os.path.join(PG_DIR, "load.py"), os.path.join(d, "labels")],
                        capture_output=True, text=True)
    sql = open(os.path.join(PG_DIR, "queries", qid + ".sql")).read()
    p = subprocess.run(PSQL, input=sql, capture_output=True, text=True)
    pans = p.stdout.split() if p.returncode == 0 else "error: " + p.stderr.strip()
    return {"dir": d, "label_file": label_file, "labels": open(label_file).read(),
            "georune": gans, "postgis": pans, "still_differs": gans != pans,
            "georune_cmd": f"georune ingest --archive A --dota-labels {d}/labels && georune query --archive A "
                           f"--logic '{logic}' --crisp --all",
            "postgis_cmd": f"python3 load.py {d}/labels && psql < queries/{qid}.sql"}


def postgis_compare(n, workdir, runs, log, only=""):
    qs = load_queries(QUERIES)
    pg_ms, load_s = read_run_tsv(os.path.join(workdir, "run.tsv"))
    a = archive_dir(n)
    res = {"n": n, "postgis_load_s": load_s, "uptime_start": open(os.path.join(workdir, "uptime.txt")).read().strip(),
           "binary": binary_id(), "queries": {}}
    diffs = []
    if only:
        qs = [q for q in qs if q["id"] in only.split(",")]
    warm, warm_ans = georune_warm(a, workdir, runs, only)
    res["warm_open_ms"] = warm.get("_open_ms")
    for q in qs:
        g, gans = georune_crisp(a, q["logic"], runs)
        f = os.path.join(workdir, "answers", q["id"] + ".txt")
        pans = sorted(open(f).read().split()) if os.path.exists(f) else None
        e = {"logic": q["logic"], "postgis_ms": pg_ms.get(q["id"]), "postgis_rows": len(pans) if pans is not None else None,
             "georune": g, "warm": warm.get(q["id"], {"error": "no warm run"})}
        if gans is not None and pans is not None:
            # identical: the whole-process answer and the warm one (when it ran) equal PostGIS's
            e["identical"] = gans == pans and warm_ans.get(q["id"], gans) == pans
            if q["id"] in warm_ans:
                e["warm_identical"] = warm_ans[q["id"]] == pans
            if not e["identical"]:
                got = gans if gans != pans else warm_ans[q["id"]]
                go, po = sorted(set(got) - set(pans)), sorted(set(pans) - set(got))
                e["georune_only"], e["postgis_only"] = go[:50], po[:50]
                e["georune_only_count"], e["postgis_only_count"] = len(go), len(po)
                diffs.append((q, (go + po)[:2]))
        if e["postgis_ms"] and "wall_p50" in g:
            e["ratio_wall"] = round(e["postgis_ms"] / g["wall_p50"], 2)
            e["ratio_engine"] = round(e["postgis_ms"] / max(g["engine_ms_p50"], 1e-3), 1)
        if e["postgis_ms"] and "ms_p50" in e["warm"]:
            e["ratio_warm"] = round(e["postgis_ms"] / max(e["warm"]["ms_p50"], 1e-3), 1)
        res["queries"][q["id"]] = e
        log(f"[pg {size_name(n)}] {q['id']} postgis {e['postgis_ms']} ms, georune {g.get('wall_p50')} ms wall "
            f"{g.get('engine_ms_p50')} engine {e['warm'].get('ms_p50')} warm, identical={e.get('identical')}")
    res["uptime_end"] = uptime()
    # minimal reproductions last: they replace the PostGIS tables
    for q, imgs in diffs:
        res["queries"][q["id"]]["repro"] = [repro(q["id"], q["logic"], os.path.join(labels_dir(n), i + ".txt"), workdir)
                                            for i in imgs]
    ok = [e for e in res["queries"].values() if "ratio_wall" in e]
    same = [e for e in ok if e.get("identical")]
    warm_ok = [e for e in res["queries"].values() if "ratio_warm" in e]
    res["summary"] = {
        "identical": sum(1 for e in res["queries"].values() if e.get("identical")),
        "different": [qid for qid, e in res["queries"].items() if e.get("identical") is False],
        "postgis_ms_sum": round(sum(e["postgis_ms"] for e in ok), 1),
        "georune_wall_ms_sum": round(sum(e["georune"]["wall_p50"] for e in ok), 1),
        "georune_engine_ms_sum": round(sum(e["georune"]["engine_ms_p50"] for e in ok), 1),
        "ratio_wall_median": round(median([e["ratio_wall"] for e in ok]), 2) if ok else None,
        "ratio_engine_median": round(median([e["ratio_engine"] for e in ok]), 1) if ok else None,
        "ratio_warm_median": round(median([e["ratio_warm"] for e in warm_ok]), 1) if warm_ok else None,
        "warm_at_least_10x": sorted(qid for qid, e in res["queries"].items() if e.get("ratio_warm", 0) >= 10),
        "georune_warm_ms_sum": round(sum(e["warm"]["ms_p50"] for e in warm_ok), 1),
        "ratio_wall_median_identical": round(median([e["ratio_wall"] for e in same]), 2) if same else None,
        "ratio_wall_min": round(min(e["ratio_wall"] for e in ok), 2) if ok else None,
    }
    return res


def postgis_markdown(doc):
    L = [f"# georune vs PostGIS ({doc['date']})", "",
         f"Machine: {doc['machine']['nproc']} cores, shared with other builds. Same generated labelTxt archive "
         f"(`georune generate --seed {SEED} --no-gsd-fraction 0`) for both. PostGIS: "
         "`../shared/bench/postgis/run.sh` (PostgreSQL 15 + PostGIS 3, warm, median of 3, psql client-side ms). "
         f"georune: `georune query --crisp --all --format ids` as a whole process, 1 warm + {doc['runs']} timed, "
         "median; wall = whole process, engine = `stats.ms` (search: scores and the ranked ids, what PostGIS returns), "
         "output = `stats.output_ms` (writing the ids and scores). warm = the same search in one process that "
         "opened the archive once (`bench/warm_query.py`: Python `Archive.query(crisp=True, all=True)`, 1 warm + "
         f"{doc['runs']} timed, median `stats.ms`; rows not explained), PostGIS's own methodology. "
         "Ratio = PostGIS ms ÷ georune ms (higher: georune faster). "
         "Answers: sorted image-id sets compared (whole process and warm).", ""]
    L += ["| images | identical | different | PostGIS load s | PostGIS sum ms | georune wall sum ms | "
          "median ratio (wall) | min ratio (wall) | median ratio (engine) | median ratio (warm) | ≥ 10× (warm) |",
          "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in doc["sizes"]:
        s = r["summary"]
        L.append(f"| {r['n']:,} | {s['identical']}/{len(r['queries'])} | {', '.join(s['different']) or '—'} | "
                 f"{fmt(r['postgis_load_s'])} | {s['postgis_ms_sum']:.0f} | {s['georune_wall_ms_sum']:.0f} | "
                 f"{s['ratio_wall_median']}× | {s['ratio_wall_min']}× | {s['ratio_engine_median']}× | "
                 f"{s.get('ratio_warm_median')}× | {len(s.get('warm_at_least_10x', []))} |")
    L.append("")
    for r in doc["sizes"]:
        L += [f"## {r['n']:,} images", "", f"Load at start: `{r['uptime_start']}`  ", f"Load at end: `{r['uptime_end']}`", "",
              "| id | rows | PostGIS ms | georune wall ms | georune engine ms | output ms | georune warm ms | ratio wall | "
              "ratio engine | ratio warm | identical |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |"]
        for qid, e in r["queries"].items():
            g = e["georune"]
            if "error" in g:
                L.append(f"| {qid} | {e['postgis_rows']} | {e['postgis_ms']} | error: {g['error']} | | | | | | | |")
                continue
            w = e.get("warm", {})
            warm_ms = f"{w['ms_p50']:.2f}" if "ms_p50" in w else f"error: {w.get('error')}"
            L.append(f"| {qid} | {e['postgis_rows']} | {fmt(e['postgis_ms'])} | {g['wall_p50']:.1f} | "
                     f"{g['engine_ms_p50']:.2f} | {fmt(g.get('output_ms_p50'), 1)} | {warm_ms} | {fmt(e.get('ratio_wall'), 2)}× | "
                     f"{fmt(e.get('ratio_engine'))}× | {fmt(e.get('ratio_warm'))}× | "
                     f"{'yes' if e.get('identical') else '**NO**'} |")
        L.append("")
        for qid, e in r["queries"].items():
            if e.get("identical") is False:
                L += [f"### {qid} differs at {r['n']:,}: `{e['logic']}`", "",
                      f"georune only ({e['georune_only_count']}): {', '.join(e['georune_only'][:20])}  ",
                      f"PostGIS only ({e['postgis_only_count']}): {', '.join(e['postgis_only'][:20])}", ""]
                for rp in e.get("repro", []):
                    L += [f"One-image reproduction `{rp['label_file']}` (still differs: {rp['still_differs']}): "
                          f"georune {rp['georune']}, PostGIS {rp['postgis']}", "", "```", rp["labels"].rstrip(), "```", ""]
    return "\n".join(L) + "\n"


def postgis_main(args, log):
    doc = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
           "machine": {"nproc": os.cpu_count()}, "seed": SEED, "runs": args.runs, "sizes": []}
    for item in args.pg:
        s, workdir = item.split("=", 1)
        doc["sizes"].append(postgis_compare(parse_size(s), workdir, args.runs, log, args.only))
    name = args.name or "postgis-" + "-".join(size_name(r["n"]) for r in doc["sizes"])
    os.makedirs(args.out, exist_ok=True)
    json.dump(doc, open(os.path.join(args.out, name + ".json"), "w"), indent=1)
    open(os.path.join(args.out, name + ".md"), "w").write(postgis_markdown(doc))
    log(f"wrote {os.path.join(args.out, name)}.json and .md")



def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", nargs="?", default="bench", choices=["bench", "prepare", "postgis"])
    ap.add_argument("n", nargs="?", help="size for prepare (10k, 100k, 1m)")
    ap.add_argument("pg", nargs="*", help="postgis: SIZE=WORKDIR (WORKDIR holds run.tsv, uptime.txt, answers/)")
    ap.add_argument("--sizes", default="10k,100k")
    ap.add_argument("--ref-sizes", default="10k,100k", help="sizes where --reference runs too")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--ref-runs", type=int, default=3)
    ap.add_argument("--budget", type=float, default=10.0, help="--query-budget for --reference (s)")
    ap.add_argument("--queries", default=QUERIES)
    ap.add_argument("--only", default="", help="comma-separated query ids (default: all)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--name", default="", help="output base name (default scale-<sizes>)")
    args = ap.parse_args()
    os.makedirs(BENCH_DIR, exist_ok=True)
    log = lambda m: print(m, file=sys.stderr, flush=True)
    log(f"georune binary: {snapshot_binary()}")
    if args.cmd == "prepare":
        n = parse_size(args.n)
        generate(n, log)
        ingest(n, log, fresh=False)
        print(f"{labels_dir(n)}\t{archive_dir(n)}")
        return
    if args.cmd == "postgis":
        args.pg = ([args.n] if args.n else []) + (args.pg or [])
        if not args.pg:
            sys.exit("postgis: give SIZE=WORKDIR ...")
        if args.runs == 5 and "--runs" not in sys.argv:
            args.runs = 3
        return postgis_main(args, log)
    if not ensure_time():
        sys.exit("/usr/bin/time is missing and could not be installed (apt-get install time)")
    args.sizes = [parse_size(s) for s in args.sizes.split(",") if s]
    args.ref_sizes = {parse_size(s) for s in args.ref_sizes.split(",") if s}
    qs = load_queries(args.queries)
    if args.only:
        keep = set(args.only.split(","))
        qs = [q for q in qs if q["id"] in keep]
    doc = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "binary": binary_id(),
           "machine": {"nproc": os.cpu_count(), "mem_gib": round(os.sysconf("SC_PAGE_SIZE") *
                                                             os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                       "uname": " ".join(os.uname())},
           "git_head": subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %s"], capture_output=True,
                                      text=True).stdout.strip(),
           "bench_dir": BENCH_DIR, "seed": SEED,
           "args": {"runs": args.runs, "ref_runs": args.ref_runs, "budget": args.budget,
                    "ref_sizes": sorted(args.ref_sizes)},
           "formulas": {q["id"]: q["logic"] for q in qs}, "sizes": []}
    name = args.name or "scale-" + "-".join(size_name(n) for n in args.sizes)
    os.makedirs(args.out, exist_ok=True)
    for n in args.sizes:
        doc["sizes"].append(bench_size(n, args, qs, log))
        json.dump(doc, open(os.path.join(args.out, name + ".json"), "w"), indent=1)
        open(os.path.join(args.out, name + ".md"), "w").write(markdown(doc))
    log(f"wrote {os.path.join(args.out, name)}.json and .md")


if __name__ == "__main__":
    main()
