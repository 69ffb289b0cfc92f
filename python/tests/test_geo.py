"""Georeferenced answers: a GeoTIFF with a known UTM geotransform, its labels linked at ingest, a
metric query, and every exported coordinate against an independent transform (GDAL's OSR, not
the code under test): the GeoDataFrame and the CLI's GeoJSON and GeoPackage exports."""

import json

import numpy as np
import pytest

import georune
from conftest import run_cli

gdal = pytest.importorskip("osgeo.gdal")
osr = pytest.importorskip("osgeo.osr")

GT = (500000.0, 0.5, 0.0, 4000000.0, 0.0, -0.5)  # UTM 33N, 0.5 m pixels
SHIPS = [(100, 100, 140, 100, 140, 120, 100, 120), (160, 100, 200, 100, 200, 120, 160, 120)]


def lonlat(x, y):
    """Pixel → WGS84 through OSR directly."""
    utm, wgs = osr.SpatialReference(), osr.SpatialReference()
    utm.ImportFromEPSG(32633)
    wgs.ImportFromEPSG(4326)
    for s in (utm, wgs):
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    lon, lat, _ = osr.CoordinateTransformation(utm, wgs).TransformPoint(GT[0] + x * GT[1], GT[3] + y * GT[5])
    return lon, lat


@pytest.fixture(scope="module")
def georeferenced(tmp_path_factory):
    base = tmp_path_factory.mktemp("geo")
    (base / "images").mkdir()
    (base / "labels").mkdir()
    ds = gdal.GetDriverByName("GTiff").Create(str(base / "images" / "G1.tif"), 400, 300, 3, gdal.GDT_Byte)
    ds.SetGeoTransform(GT)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    ds.SetProjection(srs.ExportToWkt())
    ds = None
    lines = [" ".join(map(str, s)) + " ship 0" for s in SHIPS]
    (base / "labels" / "G1.txt").write_text("\n".join(lines) + "\n")
    run_cli("ingest", "--archive", base / "A", "--dota-labels", base / "labels", "--images", base / "images")
    return base


def expected_rings():
    return [[lonlat(s[2 * k], s[2 * k + 1]) for k in range(4)] for s in SHIPS]


def assert_same_corners(ring, expected):
    ring = np.asarray(ring)[:4]
    for lon, lat in expected:
        assert np.min(np.max(np.abs(ring - [lon, lat]), axis=1)) < 1e-9


def test_metric_query_uses_the_georeference(georeferenced):
    # 20 px apart at 0.5 m/px = 10 m: within 15 m, not within 8 m (no gsd header: from the CRS).
    archive = georune.Archive(georeferenced / "A")
    assert len(archive.query("ship(a) AND ship(b) AND distance(a, b) < 15 m", all=True, crisp=True)) == 1
    assert len(archive.query("ship(a) AND ship(b) AND distance(a, b) < 8 m", all=True, crisp=True)) == 0


def test_geodataframe_is_wgs84(georeferenced):
    res = georune.Archive(georeferenced / "A").query("ship(a) AND ship(b) AND left_of(a, b)", crisp=True)
    gdf = res.to_geodataframe()
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 2
    rings = {row["entity"]: np.asarray(row.geometry.exterior.coords) for _, row in gdf.iterrows()}
    for entity, expected in enumerate(expected_rings()):
        assert_same_corners(rings[entity], expected)
    pixels = res.to_geodataframe(georeference=False)
    assert pixels.crs is None and pixels.geometry.iloc[0].bounds[0] >= 100


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_cli_exports_match_osr(georeferenced, tmp_path, fmt):
    out = tmp_path / f"r.{fmt}"
    run_cli("query", "--archive", georeferenced / "A", "--logic", "ship(a) AND ship(b) AND left_of(a, b)",
            "--crisp", "--format", fmt, "--out", out)
    ds = gdal.OpenEx(str(out), gdal.OF_VECTOR)
    layer = ds.GetLayer(0)
    assert layer.GetSpatialRef().GetAuthorityCode(None) == "4326"
    seen = 0
    for feature in layer:
        ring = json.loads(feature.GetGeometryRef().ExportToJson())["coordinates"][0]
        assert_same_corners(ring, expected_rings()[feature.GetField("entity")])
        assert feature.GetField("coords") == "lonlat"
        seen += 1
    assert seen == 2


def test_polygon_entities_keep_their_holes(tmp_path):
    """Polygon entities (ingest --geojson): the GeoDataFrame holds each entity's own polygon, holes
    and parts included, in pixels and through the georeference (--georef) in WGS84."""
    (tmp_path / "P1.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"class": "harbor"},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]],
                                                         [[40, 40], [60, 40], [60, 60], [40, 60], [40, 40]]]}},
        {"type": "Feature", "properties": {"class": "ship"},
         "geometry": {"type": "MultiPolygon", "coordinates": [[[[10, 10], [20, 10], [20, 15]]],
                                                              [[[70, 10], [80, 10], [80, 15]]]]}}]}))
    (tmp_path / "georef.jsonl").write_text(json.dumps({"image": "P1", "geotransform": list(GT), "crs": 32633}) + "\n")
    run_cli("ingest", "--archive", tmp_path / "A", "--geojson", tmp_path / "P1.geojson",
            "--georef", tmp_path / "georef.jsonl")
    res = georune.Archive(tmp_path / "A").query("harbor(h) AND ship(s) AND on(s, h)", crisp=True)
    assert len(res) == 1
    # explained on access: the witness polygons equal the CLI's eager explanation
    _, out, _ = run_cli("query", "--archive", tmp_path / "A", "--logic", "harbor(h) AND ship(s) AND on(s, h)",
                        "--crisp", "--format", "json")
    assert json.loads(res.to_json())["results"] == json.loads(out)["results"]
    pixels = res.to_geodataframe(georeference=False).set_index("variable")
    harbor, ship = pixels.geometry["h"], pixels.geometry["s"]
    assert harbor.geom_type == "Polygon" and len(harbor.interiors) == 1 and harbor.area == 10000 - 400
    assert ship.geom_type == "MultiPolygon" and len(ship.geoms) == 2
    world = res.to_geodataframe().set_index("variable")
    assert world.crs.to_epsg() == 4326
    holes = world.geometry["h"].interiors
    assert len(holes) == 1
    for lon, lat in [lonlat(40, 40), lonlat(60, 40), lonlat(60, 60), lonlat(40, 60)]:
        assert np.min(np.max(np.abs(np.asarray(holes[0].coords) - [lon, lat]), axis=1)) < 1e-9
