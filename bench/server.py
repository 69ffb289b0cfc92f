#!/usr/bin/env python3
"""Load, faults and latency of `georune serve` (issue 14), on loopback only, bounded in time.

    bench/server.py [--size 100k] [--connections 1000] [--duration 30] [--out bench/results]

1. Latency: with the archive open, each dev formula (../shared/bench/queries-dev.jsonl) as a
   top-10 POST /v1/query on one kept-alive connection, 1 warm + --runs timed; per request the
   HTTP overhead = client wall time − the engine's own stats.ms from the same reply.
2. Faults: malformed JSON, an oversized body, traversal attempts (`../`, encoded), slow clients
   (a few dripping a request head, a few silent), each with its documented answer; then a query
   must still get 200.
3. Load: wrk, --connections connections for --duration s of a mix (bench/server/mixed.lua):
   every dev formula as logic and, where the translator takes it, as English; overlays of result
   images; GET /v1/archives. Every response must be 200 or a deliberate 503, no socket error.
4. SIGTERM mid-load: wrk and 8 client threads running; SIGTERM; the server must exit 0 and no
   client may see a truncated response.
Writes bench/results/server-<size>.{json,md}. Standard library only; the archive comes from
bench/scale.py prepare (cached in $GEORUNE_BENCH_DIR).
"""
import argparse, datetime, hashlib, http.client, json, os, re, shutil, signal, socket, statistics, subprocess
import sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.environ.get("GEORUNE_BENCH_DIR", "/tmp/georune-bench")
QUERIES = os.path.join(ROOT, "..", "shared", "bench", "queries-dev.jsonl")
LUA = os.path.join(ROOT, "bench", "server", "mixed.lua")


def snapshot(path):
    """A private copy of the binary: others may relink build/ during the run."""
    h = hashlib.sha256(open(path, "rb").read()).hexdigest()[:12]
    dst = os.path.join(BENCH_DIR, f"{os.path.basename(path)}-{h}")
    if not os.path.exists(dst):
        shutil.copy2(path, dst + ".tmp")
        os.replace(dst + ".tmp", dst)
    return dst


def prepare(size):
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "scale.py"), "prepare", size],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return out.split("\t")[1]


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")


class Server:
    def __init__(self, binary, archive, args):
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
        self.deadline = args.request_deadline
        self.proc = subprocess.Popen([binary, "serve", "--archive", archive, "--port", "0", "--workers",
                                      str(args.workers), "--queue", str(args.queue), "--request-deadline",
                                      str(args.request_deadline)], stderr=self.log)
        for _ in range(600):
            m = re.search(r"http://([0-9.]+):(\d+)/", open(self.log.name).read())
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit("server did not start: " + open(self.log.name).read())

    def request(self, method, path, body=None, headers=None, timeout=30):
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


def latency(srv, formulas, runs):
    load_before = os.getloadavg()[0]
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=60)
    rows = []
    for f in formulas:
        body = json.dumps({"logic": f["logic"], "top": 10})
        samples = []
        for i in range(runs + 1):
            t0 = time.perf_counter()
            conn.request("POST", "/v1/query", body=body, headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            wall = (time.perf_counter() - t0) * 1000
            if r.status != 200:
                raise SystemExit(f"{f['id']}: HTTP {r.status} {data[:200]}")
            if i:
                samples.append((wall, json.loads(data)["stats"]["ms"]))
        rows.append({"id": f["id"], "wall_ms": [w for w, _ in samples], "engine_ms": [e for _, e in samples],
                     "overhead_ms": [w - e for w, e in samples]})
    # The noise floor of this machine: a round trip that does no engine work.
    floor = []
    for _ in range(200):
        t0 = time.perf_counter()
        conn.request("GET", "/v1/archives")
        conn.getresponse().read()
        floor.append((time.perf_counter() - t0) * 1000)
    conn.close()
    over = [o for r in rows for o in r["overhead_ms"]]
    medians = [statistics.median(r["overhead_ms"]) for r in rows]
    return {"per_query": rows, "load_average": [load_before, os.getloadavg()[0]],
            "overhead_p50_ms": pct(over, 50), "overhead_p99_ms": pct(over, 99),
            "overhead_max_ms": max(over), "median_of_medians_ms": statistics.median(medians),
            "queries_within_2ms": sum(m <= 2 for m in medians), "queries": len(rows),
            "min_overhead_median_ms": statistics.median(min(r["overhead_ms"]) for r in rows),
            "min_overhead_max_ms": max(min(r["overhead_ms"]) for r in rows),
            "engine_p50_ms": pct([e for r in rows for e in r["engine_ms"]], 50),
            "wall_p50_ms": pct([w for r in rows for w in r["wall_ms"]], 50),
            "archives_round_trip_p50_ms": pct(floor, 50), "archives_round_trip_p99_ms": pct(floor, 99)}


def raw(srv, data, wait=10):
    """Sends raw bytes; returns the status line of the reply ('' when closed unanswered)."""
    s = socket.create_connection((srv.host, srv.port), timeout=wait)
    s.sendall(data)
    out = b""
    try:
        while chunk := s.recv(65536):
            out += chunk
            if b"\r\n\r\n" in out and len(out) > 4096:
                break
    except socket.timeout:
        pass
    s.close()
    return out.decode("latin-1")


def faults(srv, archive_name):
    res = {}
    st, body = srv.request("POST", "/v1/query", body='{"logic": "plane(a)",', headers={"Content-Type": "application/json"})
    res["malformed_json"] = {"status": st, "where": json.loads(body).get("where"), "ok": st == 400}
    st, body = srv.request("POST", "/v1/query", body="{" + " " * (2 << 20) + "}", headers={"Content-Type": "application/json"})
    res["oversized_body_2MiB"] = {"status": st, "ok": st == 413}
    trav = {}
    for path in ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/leaflet/../../../../etc/passwd",
                 f"/v1/images/{archive_name}/..%2F..%2F..%2Fetc%2Fpasswd/thumbnail",
                 f"/v1/images/{archive_name}/%2E%2E%2FMANIFEST", "/v1/images/..%2F..%2Fetc/passwd"]:
        reply = raw(srv, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        status = reply.split(" ")[1] if reply.startswith("HTTP/") else "closed"
        trav[path] = {"status": status, "leaked": "root:" in reply}
    res["traversal"] = {"attempts": trav, "ok": all(v["status"] in ("400", "404") and not v["leaked"] for v in trav.values())}
    # Slow clients: 4 send a request line, then drip headers (1 byte / 0.5 s: each read well within
    # the read timeout) past the request deadline; 4 stay silent; meanwhile queries go on. The drips
    # must get 408 at the deadline, the silent ones be closed.
    drip = [socket.create_connection((srv.host, srv.port)) for _ in range(4)]
    silent = [socket.create_connection((srv.host, srv.port)) for _ in range(4)]
    for s in drip:
        s.sendall(b"GET /v1/archives HTTP/1.1\r\n")
    head = b"Host: x\r\nX-Slow: " + b"a" * 40
    served, cut_after = [], [None] * len(drip)
    t0 = time.time()
    for i in range(2 * srv.deadline + 4):
        for k, s in enumerate(drip):
            if cut_after[k] is None:
                try:
                    s.send(head[i:i + 1])
                except OSError:
                    cut_after[k] = time.time() - t0
        t = time.perf_counter()
        st, _ = srv.request("POST", "/v1/query", body='{"logic": "plane(a)"}')
        served.append((st, (time.perf_counter() - t) * 1000))
        time.sleep(0.5)
    drip_replies = []
    for s in drip:
        s.settimeout(5)
        try:
            drip_replies.append(s.recv(65536).decode("latin-1").split("\r\n")[0])
        except (socket.timeout, ConnectionError):
            drip_replies.append("")
    res["slow_clients"] = {"queries_meanwhile": [x[0] for x in served], "query_ms_max": max(x[1] for x in served),
                           "request_deadline_s": srv.deadline, "drip_replies": drip_replies,
                           "silent_closed_by_server": closed_silent, "seconds": time.time() - t0,
                           "ok": all(x[0] == 200 for x in served) and closed_silent == 4
                           and all(r.startswith("HTTP/1.1 408") for r in drip_replies)}
    st, _ = srv.request("POST", "/v1/query", body='{"logic": "plane(a)"}')
    res["still_serving"] = {"status": st, "ok": st == 200}
    return res


def write_mix(srv, formulas, archive_name, path):
    """The wrk mix: each dev formula as logic, its English text where the translator takes it,
    an overlay of a result image, and GET /v1/archives."""
    lines, english = [], 0
    for q in formulas:
        lines.append(("POST", "/v1/query", json.dumps({"logic": q["logic"], "top": 10})))
        st, _ = srv.request("POST", "/v1/translate", body=json.dumps({"text": q["text"]}))
        if st == 200:
            lines.append(("POST", "/v1/query", json.dumps({"text": q["text"], "top": 10})))
            english += 1
    st, body = srv.request("POST", "/v1/query", body=json.dumps({"logic": "plane(a)", "top": 4}))
    for res in json.loads(body)["results"]:
        lines.append(("GET", f"/v1/images/{archive_name}/{res['image']}/overlay.png?size=256&witness="
                      + ",".join(f"{e['variable']}:{e['id']}" for e in res["entities"]), ""))
    lines.append(("GET", "/v1/archives", ""))
    with open(path, "w") as f:
        for line in lines:
            f.write("\t".join(line) + "\n")
    return {"requests": len(lines), "logic": len(formulas), "english": english, "overlays": len(lines) - len(formulas) - english - 1,
            "archives": 1}


def run_wrk(srv, connections, duration, bodies_file, threads=2):
    env = dict(os.environ, GEORUNE_WRK_QUERIES=bodies_file)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency",
                          "-s", LUA, f"http://{srv.host}:{srv.port}"], capture_output=True, text=True, env=env,
                         timeout=duration + 60).stdout
    unit = {"us": 0.001, "ms": 1, "s": 1000}

    def ms(label):
        m = re.search(rf"^\s+{label}\s+([0-9.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * unit[m.group(2)] if m else None
    statuses = {int(a): int(b) for a, b in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errs = dict(zip(["connect", "read", "write", "timeout"], map(int, errors.groups()))) if errors else {}
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    return {"connections": connections, "seconds": duration, "p50_ms": ms("50%"), "p99_ms": ms("99%"),
            "requests_per_s": float(rps.group(1)) if rps else None, "statuses": statuses, "socket_errors": errs,
            "ok": set(statuses) <= {200, 503} and not any(errs.values()) and statuses.get(200, 0) > 0, "raw": out}


def sigterm_mid_load(srv, bodies_file):
    wrk = subprocess.Popen(["wrk", "-t1", "-c200", "-d8s", "--timeout", "10s", "-s", LUA,
                            f"http://{srv.host}:{srv.port}"], stdout=subprocess.DEVNULL,
                           env=dict(os.environ, GEORUNE_WRK_QUERIES=bodies_file))
    outcome = {"ok": 0, "status_503": 0, "closed_before_reply": 0, "truncated": 0, "other": 0}
    lock = threading.Lock()
    stop = threading.Event()

    def client():
        while not stop.is_set():
            try:
                c = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
                c.request("POST", "/v1/query", body='{"logic": "plane(a) AND plane(b) AND near(a, b)"}')
                r = c.getresponse()
                r.read()
                key = "ok" if r.status == 200 else "status_503" if r.status == 503 else "other"
            except http.client.IncompleteRead:
                key = "truncated"
            except (http.client.RemoteDisconnected, ConnectionError, socket.timeout):
                key = "closed_before_reply"
                time.sleep(0.05)
            with lock:
                outcome[key] += 1
    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(3)
    t0 = time.time()
    srv.proc.send_signal(signal.SIGTERM)
    rc = srv.proc.wait(timeout=60)
    exit_s = time.time() - t0
    stop.set()
    for t in threads:
        t.join()
    wrk.wait(timeout=30)
    return {"exit_code": rc, "seconds_to_exit": exit_s, "clients": outcome,
            "ok": rc == 0 and outcome["truncated"] == 0 and outcome["other"] == 0}


def markdown(r):
    lat, load = r["latency"], r["load"]
    lines = [f"# georune serve on {r['size']} images ({r['date']}, commit {r['commit']})", "",
             f"Machine: {r['machine']}. Server: --workers {r['workers']} --queue {r['queue']}; loopback.", "",
             "## Latency (top-10 POST /v1/query, kept-alive connection, 1 warm + "
             f"{r['runs']} timed per formula, {lat['queries']} dev formulas)", "",
             "| engine p50 | wall p50 | overhead p50 | overhead p99 | overhead max | median of per-formula medians | formulas with median overhead ≤ 2 ms |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
             f"| {lat['engine_p50_ms']:.2f} ms | {lat['wall_p50_ms']:.2f} ms | {lat['overhead_p50_ms']:.2f} ms | "
             f"{lat['overhead_p99_ms']:.2f} ms | {lat['overhead_max_ms']:.2f} ms | {lat['median_of_medians_ms']:.2f} ms | "
             f"{lat['queries_within_2ms']} / {lat['queries']} |", "",
             f"Best case per formula (its fastest of {r['runs']}): overhead median {lat['min_overhead_median_ms']:.2f} ms, "
             f"worst formula {lat['min_overhead_max_ms']:.2f} ms.", "",
             f"Noise floor, same connection and run: GET /v1/archives round trip p50 "
             f"{lat['archives_round_trip_p50_ms']:.2f} ms, p99 {lat['archives_round_trip_p99_ms']:.2f} ms.", "",
             f"## Load (wrk, {load['connections']} connections, {load['seconds']} s, mixed: {json.dumps(r['mix'])})", "",
             "| p50 | p99 | requests/s | statuses | socket errors | pass |", "| ---: | ---: | ---: | --- | --- | --- |",
             f"| {load['p50_ms']} ms | {load['p99_ms']} ms | {load['requests_per_s']} | {load['statuses']} | "
             f"{load['socket_errors']} | {load['ok']} |", "", "## Faults", ""]
    for k, v in r["faults"].items():
        lines.append(f"- {k}: {json.dumps(v)}")
    lines += ["", f"- sigterm_mid_load: {json.dumps(r['sigterm'])}", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="100k")
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--queue", type=int, default=256)
    ap.add_argument("--request-deadline", type=int, default=3, help="seconds (the fault test waits past it)")
    ap.add_argument("--latency-only", action="store_true", help="step 1 only (writes server-<size>-latency.json)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    args = ap.parse_args()
    os.makedirs(BENCH_DIR, exist_ok=True)
    binary = snapshot(os.path.join(ROOT, "build", "bin", "georune-rag"))
    archive = prepare(args.size)
    formulas = [json.loads(l) for l in open(QUERIES) if l.strip()]
    bodies = os.path.join(BENCH_DIR, "wrk-requests.tsv")
    r = {"size": args.size, "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
         "commit": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                  text=True).stdout.strip(),
         "machine": f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start (shared)",
         "workers": args.workers, "queue": args.queue, "runs": args.runs}
    srv = Server(binary, archive, args)
    try:
        r["mix"] = write_mix(srv, formulas, os.path.basename(archive.rstrip("/")), bodies)
        r["latency"] = latency(srv, formulas, args.runs)
        lat = r["latency"]
        print(f"latency: overhead p50 {lat['overhead_p50_ms']:.2f} ms, p99 {lat['overhead_p99_ms']:.2f} ms, "
              f"engine p50 {lat['engine_p50_ms']:.2f} ms, noise floor p50/p99 {lat['archives_round_trip_p50_ms']:.2f}/"
              f"{lat['archives_round_trip_p99_ms']:.2f} ms, load average {lat['load_average']}", flush=True)
        if args.latency_only:
            os.makedirs(args.out, exist_ok=True)
            json.dump(r, open(os.path.join(args.out, f"server-{args.size}-latency.json"), "w"), indent=1)
            return
        r["faults"] = faults(srv, os.path.basename(archive.rstrip("/")))
        print("faults:", {k: v["ok"] for k, v in r["faults"].items()}, flush=True)
        r["load"] = run_wrk(srv, args.connections, args.duration, bodies)
        print("load:", {k: v for k, v in r["load"].items() if k != "raw"}, flush=True)
        st, _ = srv.request("POST", "/v1/query", body='{"logic": "plane(a)"}')
        r["load"]["still_serving_after"] = st
        r["sigterm"] = sigterm_mid_load(srv, bodies)
        print("sigterm:", r["sigterm"], flush=True)
    finally:
        if srv.proc.poll() is None:
            srv.stop()
    os.makedirs(args.out, exist_ok=True)
    base = os.path.join(args.out, f"server-{args.size}")
    json.dump(r, open(base + ".json", "w"), indent=1)
    open(base + ".md", "w").write(markdown(r))
    print(markdown(r))


if __name__ == "__main__":
    main()
