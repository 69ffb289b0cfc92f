"""Queries over a shard set on a Dask cluster (docs/scale-out.md).

    from distributed import Client
    import georune.distributed as gd
    client = Client("scheduler:8786")
    res = gd.query(client, "/shared/shards", "ship(s) AND harbor(h) AND near(s, h)", top=20)
    for part in gd.iter_all(client, "/shared/shards", "plane(a)"):   # every match, shard by shard
        ...

How it runs: one task per shard (per batch of queries) on the workers; each worker opens a shard
once and keeps it open (the ArchiveCache worker plugin), reading it in place from shared
storage. Shard answers hold at most offset+top results and are merged exactly — score
descending, then image id ascending, search::Run's own order — in a tree of merge tasks
(fan-in `fan_in`), so the client receives one small answer. Tasks of shard i prefer the same
worker (pin=True, a hint: another worker takes over when it dies), so repeated queries hit a
warm page cache. A merged answer whose image count differs from the shard manifest's is
refused: a query never returns a partial answer as if complete.
"""

import asyncio
import concurrent.futures
import os
import threading
import time

from distributed import WorkerPlugin, get_worker, wait

from . import _core
from .archive import Archive, _is_logic, read_shards, translate
from .errors import EnvError, UserError
from .results import Results

PLUGIN = "georune-archives"
# A distributed call's default wall-clock limit (seconds): generous for a cluster, finite.
DEFAULT_TIMEOUT_S = 600.0
# What a failed or cancelled future raises (a cancelled one: not an Exception subclass).
_FAILURES = (Exception, asyncio.CancelledError, concurrent.futures.CancelledError)


class ArchiveCache(WorkerPlugin):
    """Worker plugin: the archives this worker has opened, by path (each opened once)."""

    name = PLUGIN

    def setup(self, worker):
        self._archives = {}
        self._uses = {}
        self._lock = threading.Lock()

    def teardown(self, worker):
        self._archives.clear()

    def get(self, path):
        with self._lock:
            if path not in self._archives:
                self._archives[path] = Archive(path)
            self._uses[path] = self._uses.get(path, 0) + 1
            return self._archives[path]

    def opened(self):
        """{path: tasks that used it} of the archives this worker holds open (each opened once)."""
        with self._lock:
            return dict(self._uses)


def _cache():
    plugin = get_worker().plugins.get(PLUGIN)
    if plugin is None:
        raise EnvError("the georune worker plugin is not installed on this worker\n  hint: call "
                       "georune.distributed.install(client) (query() does it)", "internal", 1)
    return plugin


def _crash_once(marker):
    """Test seam: the one task that creates `marker` (atomically: exactly one, even when tasks start
    together on several workers) kills its worker process."""
    if not marker:
        return
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    os._exit(17)


def _shard_batch(shard, path, requests, crash_marker=None):
    """Runs every request on one shard; the answers, tagged with the shard number."""
    _crash_once(crash_marker)
    archive = _cache().get(path)._a
    answers = []
    for request in requests:
        answer = archive.query(**request)
        answer.set_shard(shard)
        answers.append(answer)
    return answers


def _merge_batches(batches, keep):
    """Merges shard answers query by query: batches[s][q] → merged[q]."""
    return [_core.merge([batch[q] for batch in batches], keep) for q in range(len(batches[0]))]


def install(client):
    """Registers the ArchiveCache plugin with the scheduler (new workers get it too). Idempotent."""
    if not getattr(client, "_georune_plugin", False):
        client.register_worker_plugin(ArchiveCache(), name=PLUGIN)
        client._georune_plugin = True


def opened_archives(client):
    """{worker address: {path: tasks that used it}} of the archives each worker holds open."""
    install(client)
    return client.run(lambda dask_worker: dask_worker.plugins[PLUGIN].opened())


def _placement(client, n_shards, pin):
    """Worker address preferred for each shard: given, dealt round-robin (pin=True), or none."""
    if isinstance(pin, dict):
        return [pin.get(i) for i in range(n_shards)]
    if not pin:
        return [None] * n_shards
    workers = sorted(client.scheduler_info()["workers"])
    if not workers:
        raise EnvError("the Dask cluster has no workers", "unavailable", 1)
    return [workers[i % len(workers)] for i in range(n_shards)]


def _requests(manifest, texts, translator, options):
    """One request per query text: English is translated once here, so every shard evaluates the
    same formula. Returns (requests, translations)."""
    requests, translations = [], []
    for text in texts:
        if not isinstance(text, str) or not text:
            raise UserError("each query must be a non-empty string", "invalid_input", 2)
        if _is_logic(text):
            logic, info = text, None
        else:
            t = translate(text, ontology=manifest["ontology"], translator=translator)
            logic, info = t["logic"], {k: t[k] for k in ("translator", "agreement", "samples")}
        requests.append(dict(options, logic=logic))
        translations.append(info)
    return requests, translations


def _submit_shards(client, manifest, requests, where, crash_marker=None):
    """One task per shard, preferring the worker where[i] (a hint: any worker may take over)."""
    futures = []
    for i, shard in enumerate(manifest["shards"]):
        placement = dict(workers=[where[i]], allow_other_workers=True) if where[i] else {}
        futures.append(client.submit(_shard_batch, i, shard["path"], requests, crash_marker, pure=False,
                                     **placement))
    return futures


def _submit_tree(client, futures, keep, fan_in):
    """Merges a list of futures (each a list of answers) in a tree; the root future."""
    while len(futures) > 1:
        futures = [client.submit(_merge_batches, futures[i:i + fan_in], keep, pure=False)
                   for i in range(0, len(futures), fan_in)]
    return futures[0]


def _finish(answer, manifest, text, translation, offset, seconds):
    expected = sum(s["images"] for s in manifest["shards"])
    images = answer.meta()["stats"]["images"]
    if images != expected:
        raise EnvError(f"the merged answer covers {images} of the shard set's {expected} images; refusing a "
                       f"partial answer\n  hint: check {manifest['dir']}/shards.json against the shards",
                       "corrupt", 1)
    answer.drop_first(offset)
    answer.set_query(text, translation)
    answer.set_ms(seconds * 1000.0)
    return Results(answer, sources=[s["path"] for s in manifest["shards"]])


def _timed_out(futures, timeout):
    for f in futures:
        f.cancel()
    return EnvError(f"the distributed query did not finish within its timeout of {timeout:g} s\n  hint: no "
                    f"partial answer is returned; check that the cluster has live workers (and their logs), or "
                    f"allow a longer timeout", "unavailable", 1)


def _wrap_failure(error):
    if isinstance(error, (UserError, EnvError)):
        return error
    return EnvError(f"the distributed query failed: {type(error).__name__}: {error}\n  hint: no partial answer "
                    f"is returned; check the workers' logs and rerun", "unavailable", 1)


def query_batch(client, shards_dir, texts, *, top=10, offset=0, all=False, crisp=False, semantics="product",
                explain=False, min_conf=0.05, default_gsd=None, disable=(), threads=0, translator="builtin",
                pin=True, fan_in=4, timeout=DEFAULT_TIMEOUT_S, _crash_marker=None):
    """Runs several queries over the shard set in one pass (one task per shard for all of
    them); a list of Results, each equal to Archive.query on the unsplit archive (stats.ms: the
    whole call's wall time; stats.evaluated may differ: pruning is per shard). `timeout`: the
    whole call's wall-clock limit in seconds, retries on other workers included; past it the tasks
    are cancelled and EnvError says so."""
    start = time.perf_counter()
    texts = list(texts)
    if top < 1 or offset < 0 or fan_in < 2 or not timeout > 0:
        raise UserError("top must be ≥ 1, offset ≥ 0, fan_in ≥ 2 and timeout > 0", "invalid_input", 2)
    manifest = read_shards(shards_dir)
    install(client)
    keep = 0 if all else offset + top
    options = dict(top=keep or 1, all=all, crisp=crisp, semantics=semantics, explain=explain, min_conf=min_conf,
                   default_gsd=default_gsd, disabled=set(disable), threads=threads)
    requests, translations = _requests(manifest, texts, translator, options)
    where = _placement(client, len(manifest["shards"]), pin)
    futures = _submit_shards(client, manifest, requests, where, _crash_marker)
    root = _submit_tree(client, futures, keep, fan_in)
    try:
        merged = root.result(timeout=timeout)
    except TimeoutError as e:
        raise _timed_out(futures + [root], timeout) from e
    except _FAILURES as e:
        raise _wrap_failure(e) from e
    seconds = time.perf_counter() - start
    return [_finish(m, manifest, t, tr, 0 if all else offset, seconds)
            for m, t, tr in zip(merged, texts, translations)]


def query(client, shards_dir, text, *, top=10, **options):
    """One query over the shard set: Results equal to Archive.query on the unsplit archive.
    Options as Archive.query, plus pin= (True, False, or {shard: worker address}) and fan_in=.
    With all=True the ranked whole is gathered on the client; iter_all streams it instead."""
    return query_batch(client, shards_dir, [text], top=top, **options)[0]


def iter_all(client, shards_dir, text, *, crisp=False, semantics="product", min_conf=0.05, default_gsd=None,
             translator="builtin", pin=True, timeout=DEFAULT_TIMEOUT_S):
    """Every image with a score above 0, streamed as one Results per shard in the order the
    shards finish (each ranked; shard numbers in .shards). Nothing is gathered on one node: the
    client holds one shard's answer at a time. If a shard fails, the generator raises EnvError
    after the shards already yielded — the stream is then incomplete, and says so; likewise when
    the shards are not all done within `timeout` seconds of the call."""
    manifest = read_shards(shards_dir)
    install(client)
    options = dict(all=True, crisp=crisp, semantics=semantics, min_conf=min_conf, default_gsd=default_gsd)
    requests, translations = _requests(manifest, [text], translator, options)
    where = _placement(client, len(manifest["shards"]), pin)
    futures = _submit_shards(client, manifest, requests, where)
    paths = [s["path"] for s in manifest["shards"]]
    deadline = time.monotonic() + timeout
    pending = set(futures)
    while pending:
        try:
            done, pending = wait(pending, timeout=max(deadline - time.monotonic(), 0.001),
                                 return_when="FIRST_COMPLETED")
        except TimeoutError as e:
            raise _timed_out(futures, timeout) from e
        for future in done:
            yield _shard_results(future, futures, text, translations[0], paths)
            future.release()


def _shard_results(future, futures, text, translation, paths):
    """One finished shard task as Results; on failure every task is cancelled and EnvError raised."""
    try:
        answer = future.result()[0]
    except _FAILURES as e:
        for f in futures:
            f.cancel()
        raise _wrap_failure(e) from e
    answer.set_query(text, translation)
    return Results(answer, sources=paths)
