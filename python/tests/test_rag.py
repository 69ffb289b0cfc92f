"""georune.KnowledgeBase against `georune ask --format json` on the shared RSWK records."""

import json

import pytest

import georune
from conftest import SHARED, run_cli

RSWK = SHARED / "data" / "rswk" / "ORI_DATASET" / "ori_data_test.partial.json"


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory):
    if not RSWK.exists():
        pytest.skip(f"{RSWK} is absent")
    out = tmp_path_factory.mktemp("kb") / "kb"
    run_cli("kb", "build", "--rswk", RSWK, "--out", out)
    return out


def test_ask_equals_the_cli(kb_dir):
    kb = georune.KnowledgeBase(kb_dir)
    for question, opts in [("When was Salts Mill built?", {}), ("What is the category of Piazza Navona?",
                                                                 {"task": "classify", "top_k": 3})]:
        args = ["--task", opts["task"]] if "task" in opts else []
        args += ["--top-k", str(opts["top_k"])] if "top_k" in opts else []
        _, out, _ = run_cli("ask", "--kb", kb_dir, question, "--format", "json", *args)
        cli = json.loads(out)
        got = kb.ask(question, **opts)
        cli.pop("params")
        assert got == cli


def test_ask_errors(kb_dir, tmp_path):
    kb = georune.KnowledgeBase(kb_dir)
    with pytest.raises(georune.UserError):
        kb.ask("")
    with pytest.raises(georune.UserError):
        kb.ask("x", fusion="max")
    with pytest.raises(georune.EnvError):
        georune.KnowledgeBase(tmp_path / "none")
