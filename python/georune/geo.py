"""Results → GeoDataFrame (geopandas, shapely 1.8 geometries).

Coordinates are the archive's pixel coordinates (x right, y down; crs None) unless a
`georeference` is given: any object with ``crs`` (anything geopandas accepts) and
``to_world(image_id, xy)`` mapping an (n, 2) numpy array of pixel coordinates to world
coordinates. This is the hook the export issue's per-image georeferences plug into; until an
archive stores them, pixel coordinates are what is honest.
"""

import geopandas as gpd
import numpy as np
from shapely.geometry import Polygon

COLUMNS = ["rank", "image", "score", "variable", "entity", "class", "confidence", "geometry"]


def _rows(results, georeference):
    for rank, item in enumerate(results, start=1):
        if not item.witness:
            yield [rank, item.image, item.score, None, -1, None, np.nan, None]
            continue
        ents = results._archive(item.shard).entities(item.index)
        for var, e in item.witness.items():
            xy = np.asarray(ents["corners"][e])
            if georeference is not None:
                xy = np.asarray(georeference.to_world(item.image, xy))
            yield [rank, item.image, item.score, var, e, ents["class_names"][e], float(ents["confidences"][e]),
                   Polygon(xy)]


def results_geodataframe(results, georeference=None):
    rows = list(_rows(results, georeference))
    frame = {c: [r[k] for r in rows] for k, c in enumerate(COLUMNS)}
    crs = getattr(georeference, "crs", None) if georeference is not None else None
    return gpd.GeoDataFrame(frame, columns=COLUMNS, geometry="geometry", crs=crs)
