"""Geography rules (westdev.inputs.regions): great-circle distances, pairing-assistance matrix."""

from __future__ import annotations

import math

import numpy as np
import pytest

from westdev.inputs.datasets import load_provincial_data
from westdev.inputs.regions import EARTH_RADIUS_KM, PAIRING_DONORS, build_geography, great_circle_km


@pytest.fixture(scope="module")
def provinces():
    return load_provincial_data().provinces


@pytest.fixture(scope="module")
def geo(provinces):
    return build_geography(provinces)


def test_great_circle_simple_points():
    lon = np.array([0.0, 1.0, 0.0, 90.0])
    lat = np.array([0.0, 0.0, 90.0, 0.0])
    d = great_circle_km(lon, lat)
    # one degree along the equator: 2π · 6371 / 360 = 111.195 km
    assert d[0, 1] == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360, rel=1e-12)
    assert d[0, 1] == pytest.approx(111.195, abs=1e-3)
    # equator to pole, and 90° along the equator: a quarter circumference = π/2 · 6371 = 10007.5
    assert d[0, 2] == pytest.approx(math.pi / 2 * EARTH_RADIUS_KM, rel=1e-12)
    assert d[0, 3] == pytest.approx(10_007.543, abs=1e-3)


def test_great_circle_beijing_shanghai(provinces):
    lon = provinces["capital_lon"].to_numpy(float)
    lat = provinces["capital_lat"].to_numpy(float)
    d = great_circle_km(lon, lat)
    i, j = provinces.index.get_loc(11), provinces.index.get_loc(31)
    # Beijing (116.405°E, 39.905°N) – Shanghai (121.47°E, 31.23°N): haversine ≈ 1 067 km
    # (Δlat 8.67° ≈ 964 km north–south, Δlon 5.07° · cos(35.6°) ≈ 458 km east–west;
    #  √(964² + 458²) ≈ 1 067 km)
    assert 1_050 < d[i, j] < 1_090
    np.testing.assert_allclose(d, d.T, rtol=0, atol=1e-9)  # symmetric
    np.testing.assert_array_equal(np.diag(d), 0.0)  # zero diagonal before the fill
    assert (d[~np.eye(len(d), dtype=bool)] > 0).all()


def test_geography_diagonal_is_internal_distance(geo, provinces):
    area = provinces["area_km2"].to_numpy(float)
    # 2/3 · √(area/π); Beijing 16 394 km²: 2/3 · √(5218.4) = 2/3 · 72.24 = 48.2 km
    np.testing.assert_allclose(np.diag(geo.distance_km), 2 / 3 * np.sqrt(area / np.pi))
    assert geo.distance_km[geo.index_of(11), geo.index_of(11)] == pytest.approx(48.2, abs=0.1)


def test_pairing_matrix(geo):
    m = geo.pairing_matrix()
    assert m.shape == (31, 31)
    donors = m.sum(axis=1) > 0
    # every donor row sums to 1, every other row is 0
    np.testing.assert_allclose(m.sum(axis=1)[donors], 1.0, rtol=1e-12)
    assert (m[~donors] == 0).all()
    # donors are East only; recipients are western
    assert (geo.region[donors] == 1).all()  # REGION_GROUPS index 1 = "East"
    assert geo.mask("East")[donors].all()
    recipients = m.sum(axis=0) > 0
    assert geo.west[recipients].all()
    expected_donors = sorted({d for ds in PAIRING_DONORS.values() for d in ds})
    assert sorted(geo.codes[donors].tolist()) == expected_donors
    # Beijing (11) assists Xinjiang, Tibet, Qinghai and Inner Mongolia ⇒ 1/4 each
    bj = m[geo.index_of(11)]
    for code in (65, 54, 63, 15):
        assert bj[geo.index_of(code)] == pytest.approx(0.25)
    # Guangdong (44): Xinjiang, Tibet, Guizhou, Yunnan, Sichuan, Guangxi ⇒ 1/6 each
    gd = m[geo.index_of(44)]
    assert (gd > 0).sum() == 6 and gd[geo.index_of(45)] == pytest.approx(1 / 6)
    # Hebei (13): Xinjiang and Tibet ⇒ 1/2 each
    assert m[geo.index_of(13), geo.index_of(54)] == pytest.approx(0.5)
