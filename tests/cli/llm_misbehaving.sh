#!/usr/bin/env bash
# CLI: slow and flooding LLM servers are cut off within --llm-timeout + 1 s and 64 MiB (issue 10).
# Raw-socket servers that trickle headers, flood headers, send one endless header line, trickle
# or flood the body, or say nothing; `georune translate --translator llm --llm-timeout 2` must
# fail (exit 1) naming the limit, or with --llm-fallback answer from the built-in translator,
# within 3 s and 64 MiB beyond a built-in translation's time and peak RSS (wait4), measured in
# the same run. A flood cut at a size limit is a permanent failure: one attempt, and its
# message names the limit and its value. $1 = georune binary.
set -u
exec /usr/bin/python3 - "$1" <<'PY'
import os, socket, sys, threading, time

BIN = sys.argv[1]
TIMEOUT = 2.0
QUERY = "planes near ships"

def trickle_headers(c, stop):
    c.sendall(b"HTTP/1.1 200 OK\r\n")
    while not stop.is_set():
        c.sendall(b"X-Slow: a\r\n"); time.sleep(0.05)

def header_flood(c, stop):
    c.sendall(b"HTTP/1.1 200 OK\r\n")
    lines = b"".join(b"X-Flood: " + b"a" * 60 + b"\r\n" for _ in range(1000))
    while not stop.is_set(): c.sendall(lines)

def endless_header(c, stop):
    c.sendall(b"HTTP/1.1 200 OK\r\nX-Flood: ")
    while not stop.is_set(): c.sendall(b"a" * 65536)

def trickle_body(c, stop):
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    while not stop.is_set():
        c.sendall(b" "); time.sleep(0.02)

def body_flood(c, stop):
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"100000\r\n" + b"x" * 0x100000 + b"\r\n"
    while not stop.is_set(): c.sendall(chunk)

def silent(c, stop):
    stop.wait()

def serve(behave):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0)); s.listen(16)
    stop = threading.Event()
    stop.connections = 0
    def handle(c):
        stop.connections += 1
        try:
            c.settimeout(1.0)
            data = b""
            while b"\r\n\r\n" not in data:
                data += c.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            n = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"): n = int(line.split(b":")[1])
            while len(body) < n: body += c.recv(65536)
            behave(c, stop)
        except OSError:
            pass
        finally:
            c.close()
    def loop():
        while not stop.is_set():
            try: c, _ = s.accept()
            except OSError: return
            threading.Thread(target=handle, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return s, stop

def peak_kb(args):
    # Peak RSS of one run: fork/exec ourselves to read wait4's rusage.
    t0 = time.monotonic()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.dup2(w, 2); devnull = os.open(os.devnull, os.O_WRONLY); os.dup2(devnull, 1)
        os.execv(BIN, [BIN] + args)
    os.close(w)
    err = b""
    while True:
        b = os.read(r, 65536)
        if not b: break
        err += b
    _, status, ru = os.wait4(pid, 0)
    return os.waitstatus_to_exitcode(status), err.decode(errors="replace"), time.monotonic() - t0, ru.ru_maxrss

fails = []
rc, err, base_secs, base_kb = peak_kb(["translate", QUERY])
if rc != 0: fails.append(f"builtin translation failed: {err}")
print(f"builtin translation: {base_secs:.2f} s, peak RSS {base_kb // 1024} MiB")
HEADER_LIMIT = ("sent reply headers over the size limit of 256 KiB (262144 bytes) for a reply's headers; "
                "they were cut off there; the request was not retried")
HEADER_LINE_LIMIT = ("sent a reply header line over the size limit of 100 KiB (102400 bytes) for one header line; "
                     "it was cut off there; the request was not retried")
BODY_LIMIT = ("sent a reply over the size limit of 8 MiB (8388608 bytes) for a reply; it was cut off there; "
              "the request was not retried")
for name, behave, expect in [("slow headers", trickle_headers, "within"),
                             ("header flood", header_flood, HEADER_LIMIT),
                             ("endless header line", endless_header, HEADER_LINE_LIMIT),
                             ("slow body", trickle_body, "within"),
                             ("body flood", body_flood, BODY_LIMIT),
                             ("silent server", silent, "within")]:
    s, stop = serve(behave)
    url = "http://127.0.0.1:%d" % s.getsockname()[1]
    for fallback in (False, True):
        stop.connections = 0
        args = ["translate", "--translator", "llm", "--llm-url", url, "--llm-timeout", str(TIMEOUT), QUERY]
        if fallback: args.insert(-1, "--llm-fallback")
        base_secs = peak_kb(["translate", QUERY])[2]  # again beside each case: the machine's load drifts
        rc, err, secs, kb = peak_kb(args)
        grow = (kb - base_kb) // 1024
        label = f"{name}{' (fallback)' if fallback else ''}"
        print(f"{label}: exit {rc}, {secs:.2f} s, peak RSS {kb // 1024} MiB (+{grow} MiB)")
        # The process's own start and the built-in translation (with the fallback) are not the
        # server's doing: the bound is on what the run takes beyond a built-in translation.
        if secs - base_secs > TIMEOUT + 1.0: fails.append(f"{label}: took {secs:.2f} s ({base_secs:.2f} s built-in)")
        if kb - base_kb > 64 * 1024: fails.append(f"{label}: {grow} MiB more than a built-in translation")
        if fallback:
            if rc != 0: fails.append(f"{label}: exit {rc}: {err}")
        else:
            if rc != 1: fails.append(f"{label}: exit {rc}, want 1: {err}")
            if expect not in err: fails.append(f"{label}: message lacks '{expect}': {err}")
        if "limit" in expect and stop.connections != 1:
            fails.append(f"{label}: {stop.connections} attempts, want 1 (a flood cut at its limit is not retried)")
    stop.set(); s.close()
if fails:
    print("FAIL: " + "\nFAIL: ".join(fails)); sys.exit(1)
print("ok")
PY
