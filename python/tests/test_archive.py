"""georune.Archive against the CLI: the same answers, byte for byte in JSON (timings aside)."""

import json
import pickle
import re
import threading
import time

import numpy as np
import pytest

import georune
from conftest import run_cli

MS = re.compile(r'"ms": [0-9.e+-]+')
PLAN_MS = re.compile(r"[0-9.]+ ms \(summed over threads\)")  # --explain's time per component


def strip_ms(text):
    return PLAN_MS.sub("T ms (summed over threads)", MS.sub('"ms": 0', text))


@pytest.fixture(scope="module")
def archive(archive_dir):
    return georune.Archive(archive_dir)


@pytest.mark.parametrize("mode", [[], ["--crisp"], ["--semantics", "godel", "--top", "3"]])
def test_json_is_the_clis_for_every_dev_formula(archive, archive_dir, dev_queries, mode):
    for q in dev_queries:
        # one thread: `evaluated` then does not depend on timing, and every byte but ms must agree
        rc, out, err = run_cli("query", "--archive", archive_dir, "--logic", q["logic"], "--format", "json",
                               "--threads", 1, *mode, check=False)
        kwargs = dict(crisp="--crisp" in mode, semantics="godel" if "godel" in mode else "product",
                      top=3 if "--top" in mode else 10, threads=1)
        if rc != 0:
            with pytest.raises(georune.Error) as e:
                archive.query(logic=q["logic"], **kwargs)
            assert e.value.exit_code == rc and str(e.value) in err
            continue
        assert strip_ms(archive.query(q["logic"], **kwargs).to_json()) == strip_ms(out.rstrip("\n")), q["id"]


def test_english_and_explain_match_the_cli(archive, archive_dir):
    text = "three ships docked at the same harbor"
    _, out, _ = run_cli("query", "--archive", archive_dir, text, "--format", "json", "--explain", "--all",
                        "--threads", 1)
    res = archive.query(text, explain=True, all=True, threads=1)
    assert strip_ms(res.to_json()) == strip_ms(out.rstrip("\n"))
    assert res.translation["translator"] == "builtin" and res.plan


def test_items_and_numpy_columns_agree(archive):
    res = archive.query("ship(s) AND harbor(h) AND near(s, h)", top=50, explain=True)
    items = list(res)
    assert len(items) == len(res) > 0
    assert res.scores.dtype == np.float64 and res.indices.dtype == np.uint32
    assert list(res.images) == [i.image for i in items]
    assert np.array_equal(res.scores, [i.score for i in items])
    assert list(np.diff(res.scores) <= 0) == [True] * (len(res) - 1)
    assert res.variables == ["s", "h"]
    assert res.witnesses.shape == (len(res), 2)
    for row, item in zip(res.witnesses, items):
        assert dict(zip(res.variables, row.tolist())) == item.witness
        assert archive.image_id(item.index) == item.image
        assert [a for a, _ in item.atoms] == ["ship(s)", "harbor(h)", "near(s, h)"]


def test_entities_are_the_archives(archive, archive_dir):
    res = archive.query("plane(a)", top=1)
    ents = archive.entities(res[0].image)
    n = len(ents["classes"])
    assert ents["corners"].shape == (n, 4, 2) and ents["confidences"].shape == (n,)
    assert not ents["corners"].flags.writeable
    assert ents["class_names"][res[0].witness["a"]] == "plane"
    same = archive.entities(ents["index"])
    assert np.array_equal(same["corners"], ents["corners"])
    with pytest.raises(georune.UserError, match="not in"):
        archive.entities("no-such-image")


def test_info_matches_the_cli(archive, archive_dir):
    import json
    _, out, _ = run_cli("info", "--archive", archive_dir, "--format", "json")
    cli = json.loads(out)
    cli.pop("open_ms"), cli.pop("bytes_per_entity")
    assert archive.info() == cli


def test_errors_carry_the_located_diagnostic_and_exit_class(archive, archive_dir, tmp_path):
    with pytest.raises(georune.UserError) as e:
        archive.query("plane(a) AND near(a, b")
    rc, _, err = run_cli("query", "--archive", archive_dir, "--logic", "plane(a) AND near(a, b", check=False)
    assert e.value.exit_code == rc == 2 and e.value.code == "invalid_input"
    assert str(e.value) in err and "query:1:" in str(e.value)
    assert isinstance(e.value, ValueError)
    with pytest.raises(georune.EnvError) as e:
        georune.Archive(tmp_path / "none")
    assert e.value.exit_code == 1 and e.value.code == "not_found"
    with pytest.raises(georune.UserError):
        archive.query("plane(a)", top=0)


def test_errors_carry_where_and_hint_as_the_servers_json_does(archive, tmp_path):
    with pytest.raises(georune.UserError) as e:
        archive.query("plane(a) AND near(a, b")
    # the column the CLI's caret points at, and a hint apart from the message
    col = re.search(r"query:1:(\d+)", str(e.value)).group(1)
    assert e.value.where == f"query:1:{col}" and e.value.hint and e.value.hint in str(e.value)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"image": "a", "class": "plane", "box": [0, 0, 10, 10]}\n{"image": "b", "class": \n')
    with pytest.raises(georune.UserError) as e:
        georune.ingest(tmp_path / "A", jsonl=bad)
    assert re.fullmatch(r".*/bad\.jsonl:2:\d+", e.value.where), (e.value.where, str(e.value))  # file:line:column
    # kept through pickling (Dask workers send errors back)
    again = pickle.loads(pickle.dumps(e.value))
    assert (again.where, again.hint, str(again)) == (e.value.where, e.value.hint, str(e.value))
    with pytest.raises(georune.EnvError) as e:
        georune.Archive(tmp_path / "none")
    assert e.value.where == str(tmp_path / "none") and e.value.hint


def test_the_gil_is_released_during_queries(tmp_path):
    """While one long engine call runs in a thread, the main thread wakes from a short sleep and
    runs Python: with the GIL held it could only wake once the call returned."""
    run_cli("generate", "--images", 3000, "--seed", 5, "--quiet", "--out", tmp_path / "labels")
    big = georune.ingest(tmp_path / "A", dota_labels=tmp_path / "labels") and georune.Archive(tmp_path / "A")
    cluster = ("storage_tank(a) AND storage_tank(b) AND storage_tank(c) AND storage_tank(d) AND "
               "clustered(a, b, c, d)")
    times = {}

    def work():
        times["start"] = time.perf_counter()
        big.query(cluster, all=True, reference=True, threads=1)
        times["end"] = time.perf_counter()

    t = threading.Thread(target=work)
    t.start()
    while "start" not in times:
        time.sleep(0.0001)
    time.sleep(0.005)
    woke = time.perf_counter()
    t.join()
    assert times["end"] - times["start"] > 0.03, "the call is too short to tell"
    assert woke < times["end"] - 0.01


def test_geodataframe_rows_are_witness_boxes(archive):
    res = archive.query("ship(s) AND harbor(h) AND near(s, h)", top=5)
    gdf = res.to_geodataframe()
    assert len(gdf) == 2 * len(res) and gdf.crs is None
    first = res[0]
    ents = archive.entities(first.image)
    row = gdf[(gdf["rank"] == 1) & (gdf["variable"] == "s")].iloc[0]
    assert row["class"] == "ship" and row["entity"] == first.witness["s"]
    assert np.allclose(np.asarray(row.geometry.exterior.coords)[:4], ents["corners"][first.witness["s"]])

    class Shift:
        crs = "EPSG:3857"

        def to_world(self, image, xy):
            return xy + 1000.0

    moved = res.to_geodataframe(georeference=Shift())
    assert moved.crs is not None and np.isclose(moved.geometry.iloc[0].bounds[0], gdf.geometry.iloc[0].bounds[0] + 1000)


def test_ingest_and_translate(tmp_path, archive_dir):
    run_cli("generate", "--images", 20, "--seed", 3, "--out", tmp_path / "labels")
    report = georune.ingest(tmp_path / "B", dota_labels=tmp_path / "labels")
    assert report["images"] == 20
    run_cli("ingest", "--archive", tmp_path / "C", "--dota-labels", tmp_path / "labels")
    b = georune.Archive(tmp_path / "B").query("plane(a)", all=True, threads=1).to_json()
    c = georune.Archive(tmp_path / "C").query("plane(a)", all=True, threads=1).to_json()
    assert strip_ms(b) == strip_ms(c)
    with pytest.raises(georune.UserError, match="already"):
        georune.ingest(tmp_path / "B", dota_labels=tmp_path / "labels")
    with pytest.raises(georune.UserError):
        georune.ingest(tmp_path / "B")
    t = georune.translate("two planes next to each other")
    _, out, _ = run_cli("translate", "two planes next to each other")
    assert t["logic"] == out.strip() and t["translator"] == "builtin"
    with pytest.raises(georune.UserError):
        georune.translate("colourless green ideas sleep furiously")


@pytest.mark.parametrize("mode", [[], ["--crisp"]])
def test_rows_explained_on_access_equal_the_eager_ones(archive, archive_dir, dev_queries, mode):
    """Archive.query ranks without explaining; a row is explained when read. Read in a shuffled
    order, one row at a time, every row's witness and atoms equal the CLI's eager --format json
    (which explains during the search), and so does the whole JSON (witness entities included)."""
    rng = np.random.default_rng(11)
    for q in dev_queries:
        rc, out, _ = run_cli("query", "--archive", archive_dir, "--logic", q["logic"], "--format", "json",
                             "--all", "--threads", 1, *mode, check=False)
        if rc != 0:
            continue
        eager = json.loads(out)["results"]
        res = archive.query(q["logic"], all=True, crisp="--crisp" in mode, threads=1)
        assert len(res) == len(eager), q["id"]
        for i in rng.permutation(len(res))[:25]:
            item = res[int(i)]
            assert (item.image, item.score) == (eager[i]["image"], eager[i]["score"]), q["id"]
            assert item.witness == eager[i]["witness"], q["id"]
            assert item.atoms == [(a["atom"], a["value"]) for a in eager[i]["atoms"]], q["id"]
        assert strip_ms(res.to_json()) == strip_ms(out.rstrip("\n")), q["id"]


def test_dropped_and_pickled_lazy_rows_equal_the_read_ones(archive):
    """Rows dropped before being read are never explained; pickling explains the rest, and they
    equal the rows read directly (witness and atoms included)."""
    res = archive.query("ship(s) AND harbor(h) AND near(s, h)", all=True)
    assert len(res.witnesses) == len(res)
    again = archive.query("ship(s) AND harbor(h) AND near(s, h)", all=True)
    again._answer.drop_first(3)
    back = pickle.loads(pickle.dumps(again._answer))
    assert len(back) == len(res) - 3
    assert [back.item(i)[:5] for i in range(len(back))] == [res._answer.item(i + 3)[:5] for i in range(len(back))]
