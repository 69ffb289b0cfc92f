"""georune for Python: search remote-sensing image archives with logic, answer questions from a
knowledge base, and scale queries out over shards with Dask (``georune.distributed``).

    import georune
    a = georune.Archive("A")
    res = a.query("two planes near a hangar", top=20)          # English, or a formula
    for r in res:
        print(r.image, r.score, r.witness)
    res.scores, res.images, res.witnesses                      # numpy arrays
    res.to_json()                                              # == georune query --format json
    gdf = res.to_geodataframe()                                # one row per witness entity

Every engine call releases the GIL; failures raise georune.UserError (a user mistake, with the
located diagnostic) or georune.EnvError (files, budgets, services). See docs/python.md.
"""

from .errors import EnvError, Error, UserError
from .archive import Archive, ingest, shard, read_shards, translate
from .results import Item, Results


def KnowledgeBase(path, **options):
    """An RS-RAG knowledge base opened once; ``.ask(question, image=..., task=..., top_k=...)``
    returns the dict ``georune ask --format json`` prints. Loads OpenCV on first use."""
    from . import _rag
    return _rag.KnowledgeBase(str(path), **options)


__all__ = ["Archive", "Results", "Item", "KnowledgeBase", "ingest", "translate", "shard", "read_shards",
           "Error", "UserError", "EnvError"]
