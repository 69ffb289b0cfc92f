"""Fixtures: the CLI, a generated archive (the scene generator: every DOTA class, with gsd), and
its split into 4 shards. Paths come from the build tree next to this checkout."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("GEORUNE_BINARY", ROOT / "build" / "bin" / "georune"))
SHARED = pathlib.Path(os.environ.get("GEORUNE_SHARED_DIR", ROOT.parent / "shared"))
DEV_QUERIES = SHARED / "bench" / "queries-dev.jsonl"
REPO_QUERIES = ROOT / "bench" / "queries" / "rune-bench.jsonl"


def run_cli(*args, check=True):
    """Runs the CLI; (exit status, stdout, stderr)."""
    p = subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"georune {' '.join(map(str, args))} failed ({p.returncode}): {p.stderr}")
    return p.returncode, p.stdout, p.stderr


def load_queries(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def archive_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("archive")
    run_cli("generate", "--images", 600, "--seed", 7, "--out", base / "labels")
    run_cli("ingest", "--archive", base / "A", "--dota-labels", base / "labels")
    return base / "A"


@pytest.fixture(scope="session")
def shards_dir(archive_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("shards") / "S"
    run_cli("shard", "--archive", archive_dir, "--out", out, "--shards", 4)
    return out


@pytest.fixture(scope="session")
def dev_queries():
    """The dev formulas (shared/bench/queries-dev.jsonl) when present, else the repo's benchmark."""
    return load_queries(DEV_QUERIES if DEV_QUERIES.exists() else REPO_QUERIES)
