"""The vessel identity family: ``vessel_identities`` (each change a vessel broadcast) and
``vessels`` (the latest identity per MMSI)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Integer, text

from surveillance.errors import InputError
from surveillance.models import VesselIdentity
from surveillance.store.bulk import stage_frame, store_errors, whole_numbers
from surveillance.store.inputs import require_columns
from surveillance.store.window import Window, window_params, within
from surveillance.vocabulary import IDENTITY_FIELDS

__all__ = ["VesselTables", "identity_changes"]

_INTEGER_FIELDS = tuple(
    c for c in IDENTITY_FIELDS if isinstance(VesselIdentity.__table__.c[c].type, Integer)
)


def _utc_times(values: pd.Series, what: str) -> pd.Series:
    times = pd.to_datetime(values, utc=True, errors="coerce")
    if times.isna().any():
        raise InputError(f"{int(times.isna().sum())} {what} have no valid time")
    return times


def _filled_rows(codes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per row of one field's codes (-1 where the message lacks it): the row whose value
    it holds once filled from the rows before it of the same vessel (-1: none yet)."""
    rows = np.arange(len(codes))
    last = np.maximum.accumulate(np.where(codes >= 0, rows, -1))
    return np.where(last >= starts, last, -1)


def identity_changes(
    data: pd.DataFrame, time_column: str = "valid_from", *, keep_run_ends: bool = False
) -> pd.DataFrame:
    """Per vessel, in time order: fill fields a message lacks from the one before, and
    keep only the rows where something changed.

    Writers thin each batch with it before the store does (vessels repeat their static
    data every few minutes), keeping the last row of each unchanged run too
    (``keep_run_ends``): a later batch that falls inside a run (late data, another ship on
    the same MMSI) then still shows the change back. Vectorized over integer codes of the
    values, as batches hold 100,000s of rows.
    """
    ordered = data.sort_values(["mmsi", time_column], kind="stable").reset_index(drop=True)
    mmsi = ordered["mmsi"].to_numpy(dtype=np.int64)
    same_vessel = np.r_[False, mmsi[1:] == mmsi[:-1]]
    starts = np.maximum.accumulate(np.where(same_vessel, 0, np.arange(len(mmsi))))
    filled = {}
    for field in IDENTITY_FIELDS:
        codes, _ = pd.factorize(ordered[field])
        source = _filled_rows(codes, starts)
        filled[field] = np.where(source >= 0, codes[np.maximum(source, 0)], -1)
        values = ordered[field].to_numpy()[np.maximum(source, 0)]
        ordered[field] = pd.Series(values, dtype=ordered[field].dtype).where(source >= 0)
    # messages of one second (type 24's two halves) are one identity: the last, filled one
    when = ordered[time_column].to_numpy()
    later_same = np.r_[same_vessel[1:] & (when[1:] == when[:-1]), False]
    codes = np.stack([filled[f] for f in IDENTITY_FIELDS], axis=1)[~later_same]
    ordered = ordered[~later_same].reset_index(drop=True)
    kept_mmsi = mmsi[~later_same]
    repeats = (kept_mmsi[1:] == kept_mmsi[:-1]) & (codes[1:] == codes[:-1]).all(1)
    unchanged = np.r_[False, repeats]
    if keep_run_ends:
        unchanged &= np.r_[repeats, False]  # a repeat the next row does not repeat: kept
    return ordered[~unchanged]


class VesselTables:
    """Writing and reading what vessels say they are."""

    engine: Engine

    def write_identities(self, frame: pd.DataFrame) -> int:
        """Store broadcast identities (``mmsi, ts`` and identity fields, ``flag`` optional).

        Only changes are kept in ``vessel_identities`` (a vessel repeating its static data
        every few minutes adds nothing); fields a message does not carry (type 24 sends
        name and dimensions apart) are taken from the vessel's identity before it.
        ``vessels`` holds the latest identity per MMSI. Returns the history rows added.
        """
        require_columns(frame, ("mmsi", "ts"), "identities")
        if frame.empty:
            return 0
        data = frame.rename(columns={"ts": "valid_from"}).copy()
        data["valid_from"] = _utc_times(data["valid_from"], "identities")
        for column in (*IDENTITY_FIELDS, "flag"):
            if column not in data.columns:
                data[column] = None
        for column in _INTEGER_FIELDS:  # batches that mix IMOs and None hold them as floats
            data[column] = whole_numbers("vessel_identities", column, data[column])
        data = identity_changes(data)
        cols = ("mmsi", "valid_from", *IDENTITY_FIELDS)
        fill = ", ".join(f"{c} = COALESCE(s.{c}, v.{c})" for c in IDENTITY_FIELDS)
        same = " AND ".join(f"v.{c} IS NOT DISTINCT FROM s.{c}" for c in IDENTITY_FIELDS)
        latest_cols = ", ".join((*cols[:1], *cols[2:], "flag"))
        with self.engine.begin() as conn, store_errors("vessel_identities"):
            history = stage_frame(conn, "vessel_identities", data, cols)
            conn.execute(text(f"ALTER TABLE {history} ADD COLUMN first boolean"))
            conn.execute(text(f"ALTER TABLE {history} ADD COLUMN flag varchar(2)"))
            conn.execute(
                text(
                    f"UPDATE {history} h SET first = (h.valid_from = m.first_at) FROM "
                    f"(SELECT mmsi, min(valid_from) AS first_at FROM {history} GROUP BY mmsi) m "
                    "WHERE m.mmsi = h.mmsi"
                )
            )
            conn.execute(
                text(f"UPDATE {history} s SET {fill} FROM vessels v WHERE v.mmsi = s.mmsi")
            )
            flags = data.dropna(subset=["flag"]).drop_duplicates("mmsi", keep="last")
            conn.execute(
                text(
                    f"UPDATE {history} h SET flag = f.flag FROM "
                    "unnest(CAST(:m AS bigint[]), CAST(:f AS text[])) AS f(mmsi, flag) "
                    "WHERE h.mmsi = f.mmsi"
                ),
                {"m": [int(m) for m in flags["mmsi"]], "f": list(flags["flag"])},
            )
            added = conn.execute(
                text(
                    f"INSERT INTO vessel_identities ({', '.join(cols)}) "
                    f"SELECT {', '.join(cols)} FROM {history} s WHERE NOT (s.first AND EXISTS "
                    f"(SELECT 1 FROM vessels v WHERE v.mmsi = s.mmsi AND {same})) "
                    "ON CONFLICT (mmsi, valid_from) DO NOTHING"
                )
            ).rowcount
            sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*IDENTITY_FIELDS, "flag"))
            conn.execute(
                text(
                    f"INSERT INTO vessels ({latest_cols}, updated_at) "
                    f"SELECT DISTINCT ON (mmsi) {latest_cols}, valid_from FROM {history} "
                    f"ORDER BY mmsi, valid_from DESC ON CONFLICT (mmsi) DO UPDATE SET {sets}, "
                    "updated_at = EXCLUDED.updated_at "
                    "WHERE vessels.updated_at <= EXCLUDED.updated_at"
                )
            )
            conn.execute(text(f"DROP TABLE {history}"))
        return added

    def vessels(self, mmsi: Sequence[int] = ()) -> pd.DataFrame:
        """Latest identity per vessel (all vessels when ``mmsi`` is empty)."""
        sql = "SELECT * FROM vessels" + (" WHERE mmsi = ANY(:mmsi)" if mmsi else "")
        with self.engine.connect() as conn:
            return pd.read_sql(text(sql + " ORDER BY mmsi"), conn, params={"mmsi": list(mmsi)})

    def identity_history(self, mmsi: int) -> pd.DataFrame:
        """Every identity a vessel has sent, oldest first."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text("SELECT * FROM vessel_identities WHERE mmsi = :m ORDER BY valid_from"),
                conn,
                params={"m": mmsi},
            )

    def identities(self, window: Window) -> pd.DataFrame:
        """Full identity histories of the vessels whose identity changed in the window."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT * FROM vessel_identities WHERE mmsi IN (SELECT mmsi FROM "
                    f"vessel_identities WHERE {within('valid_from')}) ORDER BY mmsi, valid_from"
                ),
                conn,
                params=window_params(window),
            )
