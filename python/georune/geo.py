"""Results → GeoDataFrame (geopandas, shapely 1.8 geometries).

Coordinates (``georeference`` argument of ``Results.to_geodataframe``):

- ``"auto"`` (the default): the georeferences stored in the archive (docs/maps.md). When every
  result image has one, boxes are in WGS84 longitude/latitude (crs EPSG:4326, through PROJ via
  pyproj); when none has one, in pixel coordinates (x right, y down; crs None). A mix is refused
  with ``UserError``: one GeoDataFrame holds one CRS (ask for pixels with ``False``).
- ``False``: pixel coordinates for every image.
- any object with ``crs`` (anything geopandas accepts) and ``to_world(image_id, xy)`` mapping an
  (n, 2) numpy array of pixel coordinates to world coordinates.

Geometry: a box entity's corners; a polygon entity's own polygon (holes and parts included).
"""

import geopandas as gpd
import numpy as np
import shapely.ops
import shapely.wkb
from shapely.geometry import Polygon

from .errors import UserError

COLUMNS = ["rank", "image", "score", "variable", "entity", "class", "confidence", "geometry"]


class StoredGeoreferences:
    """The archive's own georeferences, to WGS84 longitude/latitude."""

    crs = "EPSG:4326"

    def __init__(self, by_image):
        from pyproj import Transformer
        self._by_image = {image: (gt, Transformer.from_crs(wkt, "EPSG:4326", always_xy=True))
                          for image, (gt, wkt) in by_image.items()}

    def to_world(self, image, xy):
        gt, transformer = self._by_image[image]
        col, row = xy[:, 0], xy[:, 1]
        lon, lat = transformer.transform(gt[0] + col * gt[1] + row * gt[2], gt[3] + col * gt[4] + row * gt[5])
        return np.column_stack([lon, lat])


def _stored(results):
    by_image = {}
    for item in results:
        g = results._archive(item.shard).georeference(item.index)
        if g is not None:
            by_image[item.image] = g
    if not by_image:
        return None
    if len(by_image) != len(results):
        missing = next(item.image for item in results if item.image not in by_image)
        raise UserError(f"image '{missing}' has no georeference while other results have one, and a GeoDataFrame "
                        "holds one CRS (hint: georeference=False gives pixel coordinates for every image)",
                        "invalid_input", 2)
    return StoredGeoreferences(by_image)


def _rows(results, georeference):
    for rank, item in enumerate(results, start=1):
        if not item.witness:
            yield [rank, item.image, item.score, None, -1, None, np.nan, None]
            continue
        ents = results._archive(item.shard).entities(item.index)
        for var, e in item.witness.items():
            yield [rank, item.image, item.score, var, e, ents["class_names"][e], float(ents["confidences"][e]),
                   _geometry(ents, e, item.image, georeference)]


def _geometry(ents, e, image, georeference):
    """The entity's polygon (a polygon entity's own, holes included; a box's corners)."""
    wkb = ents["polygons"][e]
    if wkb is None:
        xy = np.asarray(ents["corners"][e], dtype=float)
        if georeference is not None:
            xy = np.asarray(georeference.to_world(image, xy))
        return Polygon(xy)
    geometry = shapely.wkb.loads(wkb)
    if georeference is None:
        return geometry

    def to_world(x, y):
        w = np.asarray(georeference.to_world(image, np.column_stack([x, y])), dtype=float)
        return w[:, 0], w[:, 1]
    return shapely.ops.transform(to_world, geometry)


def results_geodataframe(results, georeference="auto"):
    if isinstance(georeference, str) and georeference == "auto":
        georeference = _stored(results)
    elif georeference is False:
        georeference = None
    rows = list(_rows(results, georeference))
    frame = {c: [r[k] for r in rows] for k, c in enumerate(COLUMNS)}
    crs = getattr(georeference, "crs", None) if georeference is not None else None
    return gpd.GeoDataFrame(frame, columns=COLUMNS, geometry="geometry", crs=crs)
