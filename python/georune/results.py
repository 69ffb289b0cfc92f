"""Results of a query: plain Python items, numpy columns for bulk use, the CLI's JSON, and a
GeoDataFrame of the witness entities."""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Item:
    """One ranked image: its id, score, witness (variable → entity index in the image) and the
    value of each atom under the witness ((atom, value) pairs). The row is explained when first
    read (see Archive.query)."""
    image: str
    score: float
    witness: dict
    atoms: list = field(default_factory=list)
    index: int = 0     # the image's number in its archive (its shard's, for shards)
    shard: int = -1    # the shard it came from; -1 for a single archive


class Results:
    """The answer of one query (Archive.query or georune.distributed.query)."""

    def __init__(self, answer, sources):
        self._answer = answer          # georune._core.Answer
        self._sources = sources        # Archives by shard (one for a single archive), opened lazily
        meta = answer.meta()
        self.query = meta["query"]
        self.logic = meta["logic"]
        self.semantics = meta["semantics"]
        self.mode = meta["mode"]
        self.plan = meta["plan"]
        self.stats = meta["stats"]
        self.translation = meta["translation"]

    def __len__(self):
        return len(self._answer)

    def __getitem__(self, i):
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        image, index, score, witness, atoms, shard = self._answer.item(i)
        return Item(image, score, witness, atoms, index, shard)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self):
        return f"<georune.Results {self.logic!r}: {len(self)} images>"

    @property
    def images(self):
        """Image ids, numpy str array, in rank order."""
        return np.array(self._answer.image_ids(), dtype=str)

    @property
    def scores(self):
        """Scores, numpy float64, in rank order."""
        return self._answer.scores()

    @property
    def indices(self):
        """Image numbers in their archive (their shard's for shards), numpy uint32."""
        return self._answer.indices()

    @property
    def shards(self):
        """The shard of each result, numpy int32 (-1 for a single archive)."""
        return self._answer.shards()

    @property
    def variables(self):
        """The witness variables, the columns of `witnesses`."""
        return self._answer.variables()

    @property
    def witnesses(self):
        """Witness entity indices, numpy int32 of shape (results, variables); -1 where unbound."""
        return self._answer.witness_matrix()

    def to_json(self):
        """The text ``georune query --format json`` prints (without its final newline)."""
        return self._answer.to_json()

    def to_geodataframe(self, georeference="auto"):
        """One row per (result, witness variable): rank, image, score, variable, entity, class,
        confidence and the entity's oriented box as a shapely Polygon: in WGS84 when the archive
        stores the images' georeferences, else in pixels. See georune.geo."""
        from .geo import results_geodataframe
        return results_geodataframe(self, georeference)

    def _archive(self, shard):
        """The archive a result came from (opened on first use, e.g. a shard on shared storage)."""
        src = self._sources[max(shard, 0)]
        if isinstance(src, str):
            from .archive import Archive
            src = self._sources[max(shard, 0)] = Archive(src)
        return src
