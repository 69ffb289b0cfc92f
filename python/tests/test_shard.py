"""georune shard and ingest --shard-of: balance, manifest, uniqueness, all-or-nothing."""

import json

import pytest

import georune
from conftest import run_cli


def test_shards_partition_the_archive_balanced(archive_dir, shards_dir):
    whole = georune.Archive(archive_dir)
    m = georune.read_shards(shards_dir)
    assert len(m["shards"]) == 4
    ids = []
    for s in m["shards"]:
        a = georune.Archive(s["path"])
        info = a.info()
        assert (info["images"], info["entities"]) == (s["images"], s["entities"])
        shard_ids = [a.image_id(i) for i in range(len(a))]
        # each shard keeps the source archive's order
        assert shard_ids == sorted(shard_ids, key=whole.image_number)
        ids += shard_ids
    assert sorted(ids) == sorted(whole.image_id(i) for i in range(len(whole)))
    loads = [s["entities"] for s in m["shards"]]
    biggest = max(len(whole.entities(i)["classes"]) for i in range(len(whole)))
    # largest-first greedy: shards differ by at most the largest image
    assert max(loads) - min(loads) <= biggest
    assert sum(loads) == whole.info()["entities"]


def test_shard_refuses_bad_requests(archive_dir, shards_dir, tmp_path):
    rc, _, err = run_cli("shard", "--archive", archive_dir, "--out", shards_dir, "--shards", 2, check=False)
    assert rc == 2 and "not an empty folder" in err
    rc, _, err = run_cli("shard", "--archive", archive_dir, "--out", tmp_path / "x", "--shards", 100000, check=False)
    assert rc == 2 and "at most one shard per image" in err and not (tmp_path / "x").exists()
    rc, _, err = run_cli("shard", "--archive", tmp_path / "none", "--out", tmp_path / "y", "--shards", 2, check=False)
    assert rc == 1


def test_a_damaged_manifest_is_refused(shards_dir, tmp_path):
    import shutil
    copy = tmp_path / "S"
    shutil.copytree(shards_dir, copy)
    j = json.loads((copy / "shards.json").read_text())
    j["shards"][0]["images"] += 1
    (copy / "shards.json").write_text(json.dumps(j))
    with pytest.raises(georune.EnvError, match="checksum") as e:
        georune.read_shards(copy)
    assert e.value.code == "corrupt"


def test_ingest_shard_of_deals_new_images_and_refuses_duplicates(archive_dir, tmp_path):
    run_cli("shard", "--archive", archive_dir, "--out", tmp_path / "S", "--shards", 3)
    before = georune.read_shards(tmp_path / "S")
    run_cli("generate", "--images", 30, "--seed", 11, "--id-prefix", "new", "--out", tmp_path / "labels")
    rc, out, err = run_cli("ingest", "--shard-of", tmp_path / "S", "--dota-labels", tmp_path / "labels")
    after = georune.read_shards(tmp_path / "S")
    assert sum(s["images"] for s in after["shards"]) == sum(s["images"] for s in before["shards"]) + 30
    for s in after["shards"]:
        assert georune.Archive(s["path"]).info()["images"] == s["images"]
    loads = [s["entities"] for s in after["shards"]]
    assert max(loads) - min(loads) <= max(s["entities"] for s in before["shards"]) - min(
        s["entities"] for s in before["shards"]) + 200
    manifest = (tmp_path / "S" / "shards.json").read_bytes()
    rc, _, err = run_cli("ingest", "--shard-of", tmp_path / "S", "--dota-labels", tmp_path / "labels", check=False)
    assert rc == 2 and "already in the shard set" in err
    assert (tmp_path / "S" / "shards.json").read_bytes() == manifest
    with pytest.raises(georune.UserError, match="already"):
        georune.ingest(shard_of=tmp_path / "S", dota_labels=tmp_path / "labels")
    rc, _, err = run_cli("ingest", "--archive", tmp_path / "Z", "--shard-of", tmp_path / "S", "--dota-labels",
                         tmp_path / "labels", check=False)
    assert rc == 2 and "exactly one" in err
