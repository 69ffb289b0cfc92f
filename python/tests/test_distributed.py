"""georune.distributed on a LocalCluster (2 worker processes) over 4 shards: the same answers as
the unsplit archive for every dev formula, top-k and all, soft and crisp; a worker killed
mid-query is retried elsewhere, or the query fails clearly — never a partial answer."""

import re
import time

import dask
import pytest
from distributed import Client, LocalCluster

import georune
import georune.distributed as gd

MS = re.compile(r'"(ms|evaluated|candidates)": [0-9.e+-]+')


def comparable(res):
    # pruning and timing are per shard; everything else must be identical
    return MS.sub('"x": 0', res.to_json())


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with Client(cluster) as c:
            yield c


@pytest.fixture(scope="module")
def archive(archive_dir):
    return georune.Archive(archive_dir)


@pytest.mark.parametrize("crisp", [False, True])
def test_top_k_and_all_equal_the_single_archive_for_every_dev_formula(client, archive, shards_dir, dev_queries,
                                                                       crisp):
    formulas = [q["logic"] for q in dev_queries]
    # default_gsd: some generated images have no gsd, and some formulas compare metres
    for kwargs in (dict(top=7), dict(all=True)):
        got = gd.query_batch(client, shards_dir, formulas, crisp=crisp, default_gsd=0.5, **kwargs)
        for q, res in zip(dev_queries, got):
            want = archive.query(q["logic"], crisp=crisp, default_gsd=0.5, **kwargs)
            assert comparable(res) == comparable(want), q["id"]
            assert res.stats["images"] == len(archive)


@pytest.mark.parametrize("pin", [False, "dict"])
def test_every_placement_gives_the_same_answer(client, archive, shards_dir, pin):
    if pin == "dict":  # every shard on one named worker
        pin = dict.fromkeys(range(4), sorted(client.scheduler_info()["workers"])[0])
    res = gd.query(client, shards_dir, "ship(s) AND harbor(h)", top=20, pin=pin)
    assert comparable(res) == comparable(archive.query("ship(s) AND harbor(h)", top=20))


def test_single_query_english_offset_and_items(client, archive, shards_dir):
    text = "a ship near a harbor"
    res = gd.query(client, shards_dir, text, top=5, offset=3, explain=True)
    want = archive.query(text, top=5, offset=3)
    assert list(res.images) == list(want.images) and list(res.scores) == list(want.scores)
    assert res.query == text and res.translation == want.translation
    assert all(0 <= s < 4 for s in res.shards)
    for item in res:  # witness indices refer to the item's shard
        ents = georune.Archive(georune.read_shards(shards_dir)["shards"][item.shard]["path"]).entities(item.index)
        assert ents["image"] == item.image and ents["class_names"][item.witness["s"]] == "ship"
    gdf = res.to_geodataframe()
    assert len(gdf) == 2 * len(res)
    assert res.plan  # explain=True: the shards' plans


def test_iter_all_streams_every_shard(client, archive, shards_dir):
    parts = list(gd.iter_all(client, shards_dir, "plane(a) AND plane(b) AND near(a, b)"))
    assert len(parts) == 4
    streamed = sorted((-s, i) for p in parts for s, i in zip(p.scores, p.images))
    want = archive.query("plane(a) AND plane(b) AND near(a, b)", all=True)
    assert [i for _, i in streamed] == list(want.images)


def test_each_worker_opens_a_shard_once_and_reuses_it(client, shards_dir):
    before = gd.opened_archives(client)
    for text in ("plane(a)", "ship(s)", "harbor(h)"):
        gd.query(client, shards_dir, text)
    after = gd.opened_archives(client)
    paths = [s["path"] for s in georune.read_shards(shards_dir)["shards"]]
    for p in paths:  # three more tasks per shard, served by archives opened once per worker
        used = sum(w.get(p, 0) for w in after.values()) - sum(w.get(p, 0) for w in before.values())
        assert used == 3
        assert sum(p in w for w in after.values()) <= len(after)


def test_errors_reach_the_client_as_georune_errors(client, shards_dir, tmp_path):
    with pytest.raises(georune.UserError, match="query:1:"):
        gd.query(client, shards_dir, "plane(a) AND")
    metric = "ship(s) AND length(s) > 100 m"
    with pytest.raises(georune.UserError, match="has no gsd"):
        gd.query(client, shards_dir, metric)
    with pytest.raises(georune.EnvError, match="no shard set"):
        gd.query(client, tmp_path, "plane(a)")


def test_a_killed_worker_is_retried_elsewhere(archive, shards_dir, tmp_path):
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as c:
        res = gd.query(c, shards_dir, "ship(s) AND harbor(h)", top=20, _crash_marker=str(tmp_path / "crashed"))
        assert (tmp_path / "crashed").exists()  # a worker did die mid-query
        assert comparable(res) == comparable(archive.query("ship(s) AND harbor(h)", top=20))


def test_a_query_whose_workers_keep_dying_fails_clearly(shards_dir, tmp_path):
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
                Client(cluster) as c:
            with pytest.raises(georune.EnvError, match="no partial answer"):
                gd.query(c, shards_dir, "plane(a)", _crash_marker=str(tmp_path / "crashed"))


def test_a_query_without_workers_times_out_clearly(shards_dir):
    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster, Client(cluster) as c:
        start = time.monotonic()
        with pytest.raises(georune.EnvError, match="did not finish within its timeout of 2 s"):
            gd.query(c, shards_dir, "plane(a)", pin=False, timeout=2)
        with pytest.raises(georune.EnvError, match="did not finish within its timeout of 2 s"):
            list(gd.iter_all(c, shards_dir, "plane(a)", pin=False, timeout=2))
        assert time.monotonic() - start < 20
        with pytest.raises(georune.UserError, match="timeout > 0"):
            gd.query(c, shards_dir, "plane(a)", timeout=0)
