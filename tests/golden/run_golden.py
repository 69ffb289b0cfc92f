#!/usr/bin/env python3
"""Data-driven golden tests: one file per case in tests/golden/*.case.

A case holds images as DOTA labelTxt blocks, one query, options, and the expected answer:
    image: ID [gsd]            then label lines (x1 y1 ... x4 y4 class difficult)
    query: FORMULA
    options: --crisp ...       (optional)
    expect: ID ID ...          ranked image ids (crisp mode unless options say otherwise), or
    expect: (none)
    error: TEXT                the command fails (exit 1 or 2) and stderr contains TEXT
Every case runs with the planned evaluator, with --reference, and with each optimisation
switched off in turn (--disable NAME); all must give the expected answer.
Usage: run_golden.py GEORUNE_BINARY
"""
import json, os, shlex, subprocess, sys, tempfile

def parse(path):
    case = {"images": [], "options": [], "query": None, "expect": None, "error": None}
    for raw in open(path, encoding="utf-8"):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        key, _, rest = line.partition(":")
        if key == "image":
            parts = rest.split()
            case["images"].append({"id": parts[0], "gsd": parts[1] if len(parts) > 1 else None, "lines": []})
        elif key in ("query", "error"):
            case[key] = rest.strip()
        elif key == "options":
            case["options"] = shlex.split(rest)
        elif key == "expect":
            case["expect"] = [] if rest.strip() == "(none)" else rest.split()
        else:
            case["images"][-1]["lines"].append(line)
    return case

def main():
    binary = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    cases = sorted(f for f in os.listdir(here) if f.endswith(".case"))
    listing = subprocess.run([binary, "query", "--list-optimizations"], capture_output=True, text=True, check=True)
    optimisations = [line.split("\t")[0] for line in listing.stdout.splitlines() if line]
    assert len(optimisations) >= 10, listing.stdout
    modes = [[], ["--reference"]] + [["--disable", name] for name in optimisations]
    passed = failed = 0
    for name in cases:
        case = parse(os.path.join(here, name))
        with tempfile.TemporaryDirectory() as tmp:
            labels = os.path.join(tmp, "labelTxt")
            os.mkdir(labels)
            for img in case["images"]:
                with open(os.path.join(labels, img["id"] + ".txt"), "w") as f:
                    if img["gsd"]:
                        f.write("gsd:" + img["gsd"] + "\n")
                    f.write("\n".join(img["lines"]) + "\n")
            archive = os.path.join(tmp, "archive")
            ing = subprocess.run([binary, "ingest", "--archive", archive, "--dota-labels", labels],
                                 capture_output=True, text=True)
            problems = []
            if ing.returncode != 0:
                problems.append("ingest failed: " + ing.stderr)
            for mode in modes:
                if problems:
                    break
                cmd = [binary, "query", "--archive", archive, "--logic", case["query"], "--all",
                       "--format", "json"] + case["options"] + mode
                run = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
                label = " ".join(mode) if mode else "planned"
                if case["error"] is not None:
                    if run.returncode not in (1, 2) or case["error"] not in run.stderr:
                        problems.append(f"{label}: expected error containing {case['error']!r}, "
                                        f"got exit {run.returncode}: {run.stderr.strip()}")
                    continue
                if run.returncode != 0:
                    problems.append(f"{label}: exit {run.returncode}: {run.stderr.strip()}")
                    continue
                got = [r["image"] for r in json.loads(run.stdout)["results"]]
                if got != case["expect"]:
                    problems.append(f"{label}: expected {case['expect']}, got {got}")
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0

if __name__ == "__main__":
    sys.exit(main())
