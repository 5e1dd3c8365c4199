"""Province geography: region groups, distances between capitals, pairing-assistance donors.

Everything here is definitional or derived from `provinces.csv` (capital coordinates, land area);
nothing is a statistic typed by hand.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import numpy as np

REGION_GROUPS: tuple[str, ...] = ("West", "East", "Central", "Northeast")
EARTH_RADIUS_KM = 6371.0

# Pairing assistance (对口支援 and 东西部扶贫协作, guideline §35): recipient → eastern donors, by
# GB/T 2260 code. The pairings follow the programmes' published assignments (对口支援新疆, 对口支援
# 西藏, 对口支援青海藏区, and the 2016 东西部扶贫协作 pairing): 北京 11, 天津 12, 河北 13, 上海 31,
# 江苏 32, 浙江 33, 福建 35, 山东 37, 广东 44. Only eastern (region group East) donors are listed.
PAIRING_DONORS: dict[int, tuple[int, ...]] = {
    65: (11, 12, 13, 31, 32, 33, 35, 37, 44),  # Xinjiang: 19 provinces and cities, eastern ones here
    54: (11, 12, 13, 31, 32, 33, 35, 37, 44),  # Tibet
    63: (11, 12, 31, 32, 33, 37),  # Qinghai Tibetan areas
    52: (31, 33, 44),  # Guizhou: Shanghai, Zhejiang (Hangzhou, Ningbo), Guangdong (Guangzhou)
    53: (31, 44),  # Yunnan: Shanghai, Guangdong (Zhuhai)
    51: (33, 44),  # Sichuan: Zhejiang, Guangdong (Ganzi)
    50: (37,),  # Chongqing: Shandong
    61: (32,),  # Shaanxi: Jiangsu
    62: (12, 35, 37),  # Gansu: Tianjin, Fujian (Xiamen), Shandong
    64: (35,),  # Ningxia: Fujian
    45: (44,),  # Guangxi: Guangdong
    15: (11,),  # Inner Mongolia: Beijing
}


def great_circle_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Matrix of great-circle distances (km) between points given in degrees."""
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    dlon = lon_r[:, None] - lon_r[None, :]
    dlat = lat_r[:, None] - lat_r[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat_r[:, None]) * np.cos(lat_r[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class Geography:
    """Static geography of the 31 provinces, in the order of the data's province codes."""

    codes: np.ndarray  # GB/T 2260 codes
    names: tuple[str, ...]  # name_en
    region: np.ndarray  # int index into REGION_GROUPS
    west: np.ndarray  # bool
    area_km2: np.ndarray
    distance_km: np.ndarray  # (31, 31); diagonal = mean internal distance (2/3 · sqrt(area/π))

    @property
    def n(self) -> int:
        return len(self.codes)

    def mask(self, group: str) -> np.ndarray:
        """Boolean mask of the provinces in a region group."""
        return self.region == REGION_GROUPS.index(group)

    def index_of(self, code: int) -> int:
        return int(np.flatnonzero(self.codes == code)[0])

    def pairing_matrix(self) -> np.ndarray:
        """(donor, recipient) shares: each donor's assistance split equally among its
        recipients (read-only; built once per geography, the budgets read it every year)."""
        return self._pairing

    @cached_property
    def _pairing(self) -> np.ndarray:
        m = np.zeros((self.n, self.n))
        for recipient, donors in PAIRING_DONORS.items():
            r = self.index_of(recipient)
            for donor in donors:
                m[self.index_of(donor), r] = 1.0
        rows = m.sum(axis=1, keepdims=True)
        shares = np.divide(m, rows, out=np.zeros_like(m), where=rows > 0)
        shares.setflags(write=False)
        return shares


def build_geography(provinces) -> Geography:
    """Geography from the loader's `provinces` table (indexed by code, sorted)."""
    region = np.array([REGION_GROUPS.index(r) for r in provinces["region4"]], dtype=np.int8)
    area = provinces["area_km2"].to_numpy(dtype=float)
    dist = great_circle_km(provinces["capital_lon"].to_numpy(float),
                           provinces["capital_lat"].to_numpy(float))
    np.fill_diagonal(dist, (2.0 / 3.0) * np.sqrt(area / np.pi))
    return Geography(
        codes=provinces.index.to_numpy(),
        names=tuple(provinces["name_en"]),
        region=region,
        west=provinces["west12"].to_numpy(dtype=bool),
        area_km2=area,
        distance_km=dist,
    )


@lru_cache(maxsize=1)
def province_codes() -> tuple[int, ...]:
    """The 31 province codes (GB/T 2260) in ascending order, from the packaged provinces.csv:
    the order of every province array of the model."""
    text = resources.files("westdev.inputs.data").joinpath("provinces.csv").read_text(encoding="utf-8")
    return tuple(sorted(int(row["province_code"]) for row in csv.DictReader(text.splitlines())))
