"""Archive, ingest, translate and shard: thin Python over the engine (georune._core)."""

from . import _core
from .errors import UserError
from .results import Results

SOURCE_KINDS = ("dota_labels", "dota_task1", "jsonl", "yolo_obb", "voc")


def _is_logic(text):
    # A formula always holds an atom "class(var)"; English given with parentheses goes through
    # english= explicitly.
    return "(" in text


class Archive:
    """An opened archive (memory-mapped, read-only; safe to query from many threads)."""

    def __init__(self, path):
        self._a = _core.Archive(str(path))
        self.path = str(path)

    def __len__(self):
        return len(self._a)

    def __repr__(self):
        return f"georune.Archive({self.path!r}, images={len(self)})"

    def info(self):
        """The dict ``georune info --format json`` prints (without open_ms)."""
        return self._a.info()

    def query(self, text=None, *, logic=None, english=None, top=10, offset=0, all=False, crisp=False,
              semantics="product", explain=False, min_conf=0.05, default_gsd=None, reference=False,
              disable=(), threads=0, image_budget=50_000_000, query_budget=30.0, translator="builtin"):
        """Rank the archive's images by a query; returns Results.

        `text` is a formula when it holds "(", else English (translated by `translator`:
        "builtin", or a dict such as {"kind": "llm", "url": ..., "model": ..., "samples": 10}).
        Pass logic= or english= to say which. The other arguments are `georune query`'s options.
        The search ranks only (stats["ms"]); each row's witness and atoms are computed when the
        row is first read (with explain=True, during the search, as `--format json`).
        """
        if (text is None) == (logic is None and english is None) or (logic is not None and english is not None):
            raise UserError("give one query: text, logic= or english=", "invalid_input", 2)
        if text is not None:
            logic, english = (text, None) if _is_logic(text) else (None, text)
        answer = self._a.query(logic=logic, english=english, top=top, offset=offset, all=all, crisp=crisp,
                               semantics=semantics, explain=explain, min_conf=min_conf, default_gsd=default_gsd,
                               reference=reference, disabled=set(disable), threads=threads,
                               image_budget=image_budget, query_budget=query_budget, translator=translator)
        return Results(answer, sources=[self])

    def entities(self, image):
        """The entities of an image (its id or number) as numpy arrays, read-only views of the
        archive: classes (uint16 ontology ids), class_names, confidences (float32), difficult
        (uint8) and corners (float64, n × 4 × 2 pixel coordinates x, y)."""
        return self._a.entities(image)

    def georeference(self, image):
        """The image's stored georeference (docs/maps.md) as (geotransform, CRS WKT), GDAL's
        six-number geotransform order; None when it has none."""
        return self._a.georeference(image)

    def image_id(self, number):
        return self._a.image_id(number)

    def image_number(self, image_id):
        return self._a.image_number(image_id)

    @property
    def ontology(self):
        return self._a.ontology_name()


def ingest(archive=None, *, dota_labels=(), dota_task1=(), jsonl=(), yolo_obb=(), voc=(), image_size=None,
           ontology=None, yolo_names=None, skip_bad_lines=False, threads=0, max_segments=8, shard_of=None):
    """Read detection files into an archive (created if absent) in one atomic append, as
    ``georune ingest``; or, with shard_of=DIR instead of an archive, deal them over a shard set.
    Each source argument is a path or a list of paths. Returns a report dict."""
    def paths(p):
        return [str(p)] if isinstance(p, (str, bytes)) or hasattr(p, "__fspath__") else [str(x) for x in p]
    sources = {kind: paths(value) for kind, value in
               zip(SOURCE_KINDS, (dota_labels, dota_task1, jsonl, yolo_obb, voc)) if value}
    if not sources:
        raise UserError("nothing to ingest\n  hint: give dota_labels=, dota_task1=, jsonl=, yolo_obb= "
                        "(with image_size=(W, H)) or voc=", "invalid_input", 2)
    if yolo_obb and not image_size:
        raise UserError("yolo_obb needs image_size=(W, H)\n  hint: YOLO-OBB coordinates are normalised to [0, 1]",
                        "invalid_input", 2)
    return _core.ingest(str(archive) if archive else "", sources, ontology or "", str(shard_of) if shard_of else "",
                        tuple(image_size or (0, 0)), yolo_names or "", skip_bad_lines, threads, max_segments)


def translate(english, *, ontology="dota-v2.0", translator="builtin"):
    """English → logic, as ``georune translate --format json`` (dict with "logic", "agreement", …)."""
    return _core.translate(english, ontology, translator)


def shard(archive, out, shards, *, threads=0):
    """Split an archive into `shards` archives balanced by entity count, as ``georune shard``;
    returns the manifest (dict with the shards' absolute paths and counts)."""
    return _core.shard(str(archive), str(out), int(shards), threads)


def read_shards(dir):
    """The manifest DIR/shards.json, verified (dict: dir, ontology, shards[path, images, entities])."""
    return _core.read_shards(str(dir))

