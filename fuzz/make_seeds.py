#!/usr/bin/python3
"""Seed corpora for the libFuzzer targets, from the tests: the golden cases (labels and
queries), the benchmark queries, the reader tests' XML, and archives and knowledge bases that
the CLI builds from them.

usage: fuzz/make_seeds.py GEORUNE_BINARY OUT_DIR    (OUT_DIR/<target>/ per target)
"""
import glob, json, os, re, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
georune, out = sys.argv[1], sys.argv[2]
SEP = b"\n--8<--\n"


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def golden_cases():
    """(name, [(image, gsd, [(corners, label, difficult)])], [queries]) per archive record of the
    golden corpus (tests/golden/<area>/*.test, tests/golden/run.py), with the queries after it."""
    for path in sorted(glob.glob(os.path.join(root, "tests/golden/*/*.test"))):
        stem = os.path.relpath(path, os.path.join(root, "tests/golden"))[:-5].replace("/", "_")
        records, block = [], []
        for line in open(path, encoding="utf-8").read().split("\n") + [""]:
            if not line.strip():
                if block:
                    records.append(block)
                block = []
            elif block or not line.startswith("#"):
                block.append(line)
        n, images, queries = 0, None, []
        for rec in records + [["archive"]]:
            if rec[0] == "archive":
                if images:
                    yield "%s_%d" % (stem, n), images, queries
                    n += 1
                images, queries = [], []
                for line in rec[1:]:
                    t = line.split()
                    if t[0] == "image":
                        images.append((t[1], t[2] if len(t) > 2 else None, []))
                    elif len(t) >= 9:
                        images[-1][2].append(([float(v) for v in t[:8]], t[8], t[9] if len(t) > 9 else "0"))
            elif rec[0].startswith("query") and len(rec) > 1:
                queries.append(rec[1])


bench = [json.loads(l) for l in open(os.path.join(root, "bench/queries/rune-bench.jsonl")) if l.strip()]
cases = list(golden_cases())

for name, images, queries in cases:
    for k, (img, gsd, ents) in enumerate(images):
        text = ("imagesource:georune\ngsd:%s\n" % gsd if gsd else "") + "".join(
            " ".join("%g" % v for v in c) + " %s %s\n" % (label, d) for c, label, d in ents)
        put("dota_labels", "%s_%d" % (name, k), text)
        put("yolo", "%s_%d" % (name, k), "".join(
            "%d " % (k % 3) + " ".join("%g" % (v / 1024) for v in c) + "\n" for c, _, _ in ents))
        put("voc", "%s_%d" % (name, k), "<annotation><size><width>1024</width><height>1024</height></size>" + "".join(
            "<object><name>%s</name><difficult>%s</difficult><robndbox>" % (label, d) + "".join(
                "<%s>%g</%s>" % (t, v, t) for t, v in zip(
                    ["x_left_top", "y_left_top", "x_right_top", "y_right_top", "x_right_bottom", "y_right_bottom",
                     "x_left_bottom", "y_left_bottom"], c)) + "</robndbox></object>" for c, label, d in ents)
                + "</annotation>")
    put("task1", name, "".join("%s 0.9 %s\n" % (img, " ".join("%g" % v for v in c))
                               for img, _, ents in images for c, _, _ in ents))
    put("jsonl", name, "".join(json.dumps({"image": img, "gsd": float(gsd) if gsd else None, "entities": [
        {"class": label, "score": 0.8, "obb": c, "difficult": int(d)} for c, label, d in ents]}) + "\n"
                               for img, gsd, ents in images))
    for k, q in enumerate(queries):
        put("logic", "%s_%d" % (name, k), q)

put("yolo", "with_names", b"0 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2\n" + SEP + b"names:\n  0: ship\n  1: plane\n")
put("voc", "hrsc", "<HRSC_Image><Img_SizeWidth>1000</Img_SizeWidth><Img_SizeHeight>600</Img_SizeHeight>"
    "<Img_Resolution>1.07</Img_Resolution><HRSC_Objects><HRSC_Object><mbox_cx>100</mbox_cx><mbox_cy>50</mbox_cy>"
    "<mbox_w>80</mbox_w><mbox_h>20</mbox_h><mbox_ang>0.3</mbox_ang><difficult>0</difficult></HRSC_Object>"
    "</HRSC_Objects></HRSC_Image>")
src = open(os.path.join(root, "tests/ingest/readers_test.cpp"), encoding="utf-8").read()
for k, m in enumerate(re.finditer(r'Write\("[^"]*\.xml",\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)', src)):
    xml = "".join(json.loads(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', m.group(1)))
    put("voc", "readers_test_%d" % k, xml)
for q in bench:
    put("logic", q["id"], q["logic"])
    put("english", q["id"], q["text"])
    put("llm_reply", q["id"], json.dumps({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": json.dumps({"formula": q["logic"]})},
                     "finish_reason": "stop"}], "usage": {"prompt_tokens": 10, "completion_tokens": 5}}))
put("llm_reply", "error", '{"error": {"message": "model not found", "type": "invalid_request_error"}}')
put("llm_reply", "text_choice", '{"choices": [{"text": "plane(a)"}, {"message": {"content": null}}]}')

with tempfile.TemporaryDirectory() as tmp:
    for name, images, _ in cases[:6]:
        jsonl = os.path.join(tmp, name + ".jsonl")
        with open(jsonl, "w") as f:
            f.write(open(os.path.join(out, "jsonl", name)).read())
        ar = os.path.join(tmp, "ar_" + name)
        if subprocess.run([georune, "ingest", "--archive", ar, "--jsonl", jsonl], capture_output=True).returncode:
            continue
        seg = sorted(glob.glob(os.path.join(ar, "seg-*.grs")))[0]
        put("archive", name, open(os.path.join(ar, "MANIFEST"), "rb").read() + SEP + open(seg, "rb").read())
    docs = os.path.join(tmp, "docs.jsonl")
    with open(docs, "w") as f:
        f.write('{"id": "r", "title": "Red roofs", "text": "a town of red roofs", "category": "Town"}\n')
        f.write('{"id": "g", "title": "Green park", "text": "a large park with lawns", "category": "Park"}\n')
    kb = os.path.join(tmp, "kb")
    subprocess.run([georune, "kb", "build", "--jsonl", docs, "--out", kb, "--quiet"], check=True,
                   capture_output=True)
    grkb, = glob.glob(os.path.join(kb, "kb-*.grkb"))
    grvs, = glob.glob(os.path.join(kb, "vectors-*.grvs"))
    manifest = open(os.path.join(kb, "MANIFEST"), "rb").read()
    put("kb", "two_records", manifest + SEP + open(grkb, "rb").read() + SEP + open(grvs, "rb").read())
    put("vector_store", "two_records", open(grvs, "rb").read())
# HTTP requests as fuzz_http_request reads them ("METHOD TARGET", headers, empty line, body), from
# tests/server/server_test.cpp and the benchmark formulas (the fuzz archive has G1, P2 and P3).
def request(method, target, body="", headers=()):
    head = [f"{method} {target}"] + list(headers)
    if body:
        head.append("Content-Type: application/json")
    return "\n".join(head) + "\n\n" + body

http = {
    "archives": request("GET", "/v1/archives"),
    "query_logic": request("POST", "/v1/query", '{"logic": "plane(a) AND plane(b)", "explain": true}'),
    "query_text": request("POST", "/v1/query", '{"text": "two planes", "top": 2, "offset": 1}'),
    "query_crisp": request("POST", "/v1/query", '{"logic": "exists s: ship(s)", "crisp": true, "semantics": "godel"}'),
    "query_bad": request("POST", "/v1/query", '{"logic": "plane(a) AND # ship(b)"}'),
    "query_badjson": request("POST", "/v1/query", '{"logic": "plane(a)",'),
    "translate": request("POST", "/v1/translate", '{"text": "a bridge with no vehicles on it"}'),
    "ask": request("POST", "/v1/ask", '{"question": "When was Salts Mill built?", "top_k": 3}'),
    "image": request("GET", "/v1/images/http_archive/G1"),
    "thumbnail": request("GET", "/v1/images/http_archive/P2/thumbnail?size=32"),
    "overlay_witness": request("GET", "/v1/images/http_archive/G1/overlay.png?size=64&witness=a:0,b:1"),
    "overlay_query": request("GET", "/v1/images/http_archive/P2/overlay.png?size=64&logic=plane(a)%20AND%20ship(s)"),
    "traversal": request("GET", "/v1/images/http_archive/..%2F..%2FMANIFEST/thumbnail"),
    "geojson": request("GET", "/v1/results.geojson?logic=plane(a)%20AND%20plane(b)&image=G1"),
    "geojson_pixels": request("GET", "/v1/results.geojson?q=two%20planes&pixel_coords=1&footprints=1"),
    "csv": request("GET", "/v1/results.csv?logic=plane(a)%20OR%20ship(b)&top=2&offset=1"),
    "method": request("DELETE", "/v1/query"),
    "key": request("GET", "/v1/archives", headers=["X-API-Key: k", "Authorization: Bearer k"]),
}
for name, data in http.items():
    put("http_request", name, data)
for q in bench[:10]:
    put("http_request", "bench_" + q["id"], request("POST", "/v1/query", json.dumps({"logic": q["logic"], "top": 3})))

print("seeds in", out, {t: len(os.listdir(os.path.join(out, t))) for t in sorted(os.listdir(out))})
