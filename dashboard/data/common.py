"""What the dashboard's data share: ship categories and links to pages."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "SHIP_CATEGORIES",
    "alert_link",
    "lead_link",
    "ship_category",
    "vessel_labels",
    "vessel_link",
]

#: Display groups of the AIS ship type code, in legend order.
SHIP_CATEGORIES = (
    "cargo",
    "tanker",
    "passenger",
    "fishing",
    "high-speed craft",
    "tug / service",
    "law enforcement / military",
    "pleasure / sailing",
    "other",
    "unknown",
)


def _category_table() -> np.ndarray:
    table = np.full(100, "other", dtype=object)
    table[0] = "unknown"
    table[30] = "fishing"
    table[[31, 32, 33, 34, 50, 51, 52, 53, 54, 56, 57, 58, 59]] = "tug / service"
    table[[35, 55]] = "law enforcement / military"
    table[[36, 37]] = "pleasure / sailing"
    table[40:50] = "high-speed craft"
    table[60:70] = "passenger"
    table[70:80] = "cargo"
    table[80:90] = "tanker"
    return table


_CATEGORY_BY_CODE = _category_table()


def ship_category(ship_type: Any) -> np.ndarray:
    """The display group of AIS ship type codes (missing or out of range: ``unknown``).

    >>> ship_category([70, 81, None]).tolist()
    ['cargo', 'tanker', 'unknown']
    """
    codes = pd.to_numeric(pd.Series(np.atleast_1d(np.asarray(ship_type, dtype=object))))
    known = codes.notna() & codes.between(0, 99)
    out = np.full(len(codes), "unknown", dtype=object)
    out[known.to_numpy()] = _CATEGORY_BY_CODE[codes[known].to_numpy(dtype=np.int64)]
    return out


def alert_link(alert_id: str) -> str:
    """A relative link to the Alert page (works under any base URL of the server)."""
    return f"alert?alert={alert_id}"


def lead_link(lead_id: int) -> str:
    """A relative link to a lead on the Leads page."""
    return f"leads?lead={int(lead_id)}"


def vessel_link(mmsi: int) -> str:
    """A relative link to the Vessel page."""
    return f"vessel?mmsi={int(mmsi)}"


def vessel_labels(identities: pd.DataFrame, mmsi_lists: Any) -> list[str]:
    """For each list of MMSIs, its vessels as ``NAME (mmsi), ...`` (``?`` for a vessel
    without a known name), from ``identities`` (``mmsi, name``, as :meth:`Store.vessels`)."""
    by_mmsi = {
        int(m): str(n)
        for m, n in zip(identities["mmsi"], identities["name"], strict=True)
        if isinstance(n, str) and n
    }
    return [
        ", ".join(f"{by_mmsi.get(int(m), '?')} ({int(m)})" for m in (mmsi or []))
        for mmsi in mmsi_lists
    ]
