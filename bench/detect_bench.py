#!/usr/bin/env python3
"""Detector throughput and memory (issue 12). Usage: python3 bench/detect_bench.py [--threads 2]

1. A 4,000 x 4,000 RGB GeoTIFF (tiled): the DOTA image P0003.png resampled up (real texture), or a
   constant scene when ../shared/data is absent. `georune detect` with the real yolo-fastestv2
   model (--tile 1024 --overlap 200: 25 tiles), 1 warm + 3 timed runs: images/s and tiles/s from
   the CLI's summary line (the median run).
2. A 20,000 x 20,000 RGB GeoTIFF made here (gdal_create, tiled, DEFLATE, constant value 90; 1.2 GB
   of pixels uncompressed): one run under /usr/bin/time -f %M for the peak resident memory.

Writes bench/results/detect.{json,md}. Needs gdal-bin (gdal_create, gdal_translate) and /usr/bin/time.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("GEORUNE_SHARED_DIR", os.path.join(ROOT, "..", "shared"))
MODEL_DIR = os.path.join(SHARED, "data", "models", "yolo-fastestv2")
BIN = os.environ.get("GEORUNE", os.path.join(ROOT, "build", "bin", "georune"))
SUMMARY = re.compile(r"detected (\d+) boxes in (\d+) images \((\d+) tiles\) in ([\d.]+) s: ([\d.]+) images/s, ([\d.]+) tiles/s")


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr))
    return p


def detect(scene, out, threads, timed=False):
    cmd = [BIN, "detect", "--model", os.path.join(MODEL_DIR, "model.onnx"), "--names",
           os.path.join(MODEL_DIR, "coco.names"), "--drop-unmapped", "--class-map",
           "aeroplane=plane,boat=ship,car=small_vehicle,truck=large_vehicle", "--images", scene,
           "--out", out, "--threads", str(threads), "--tile", "1024", "--overlap", "200"]
    if timed:
        cmd = ["/usr/bin/time", "-f", "%M"] + cmd
    p = run(cmd)
    m = SUMMARY.search(p.stdout)
    rss_kb = int(p.stderr.strip().splitlines()[-1]) if timed else None
    return {"boxes": int(m[1]), "tiles": int(m[3]), "seconds": float(m[4]), "images_per_s": float(m[5]),
            "tiles_per_s": float(m[6]), "peak_rss_mb": rss_kb / 1024 if rss_kb else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", default=os.environ.get("GEORUNE_BENCH_DIR", tempfile.gettempdir() + "/georune-bench"))
    a = ap.parse_args()
    if not os.path.exists(os.path.join(MODEL_DIR, "model.onnx")):
        sys.exit("skip: %s is absent (the benchmark runs the real yolo-fastestv2 model)" % MODEL_DIR)
    os.makedirs(a.work, exist_ok=True)
    scene4k = os.path.join(a.work, "scene-4000.tif")
    if not os.path.exists(scene4k):
        run(["gdal_translate", "-q", "-outsize", "4000", "4000", "-r", "bilinear", "-co", "TILED=YES",
             os.path.join(SHARED, "data", "dota", "images", "P0003.png"), scene4k])
    scene20k = os.path.join(a.work, "scene-20000.tif")
    if not os.path.exists(scene20k):
        run(["gdal_create", "-q", "-outsize", "20000", "20000", "-bands", "3", "-ot", "Byte", "-burn", "90",
             "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", scene20k])
    out = os.path.join(a.work, "detect-out")
    detect(scene4k, out, a.threads)  # warm
    runs = [detect(scene4k, out, a.threads) for _ in range(3)]
    median = sorted(runs, key=lambda r: r["seconds"])[1]
    big = detect(scene20k, out, a.threads, timed=True)
    result = {"threads": a.threads, "scene_4000": {"runs": runs, "median": median}, "scene_20000": big}
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "detect.json"), "w") as f:
        json.dump(result, f, indent=1)
    md = ["# detect benchmark", "",
          "yolo-fastestv2 (352 x 352 input), --tile 1024 --overlap 200, --threads %d, shared 2-core machine (noisy)." % a.threads,
          "", "| scene | tiles | seconds | images/s | tiles/s | peak RSS |", "| --- | --- | --- | --- | --- | --- |",
          "| 4,000 x 4,000 GeoTIFF (median of 3) | %d | %.2f | %.3f | %.1f | |" % (
              median["tiles"], median["seconds"], median["images_per_s"], median["tiles_per_s"]),
          "| 20,000 x 20,000 GeoTIFF (1.2 GB of pixels) | %d | %.2f | %.4f | %.1f | %.0f MB |" % (
              big["tiles"], big["seconds"], big["images_per_s"], big["tiles_per_s"], big["peak_rss_mb"])]
    with open(os.path.join(ROOT, "bench", "results", "detect.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
