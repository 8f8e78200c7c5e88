"""The ``quarantine`` family: records an ingester rejected, kept once each with the reason,
and counted per source and reason for the dashboard."""

from __future__ import annotations

import hashlib

import pandas as pd
from sqlalchemy import Engine, text

from surveillance.store.bulk import merge_frame
from surveillance.store.inputs import require_columns
from surveillance.store.window import Window, window_params, within

__all__ = ["QuarantineTables"]


class QuarantineTables:
    """Keeping and counting rejected records."""

    engine: Engine

    def quarantine(self, frame: pd.DataFrame) -> int:
        """Keep rejected records (``source, reason, raw, received_at``, ``detail``) with why."""
        require_columns(frame, ("source", "reason", "raw", "received_at"), "quarantine")
        data = frame.copy()
        data["raw"] = data["raw"].map(str)
        data["raw_sha256"] = [hashlib.sha256(r.encode()).hexdigest() for r in data["raw"]]
        if "detail" not in data.columns:
            data["detail"] = None
        columns = ("source", "reason", "raw", "raw_sha256", "received_at", "detail")
        with self.engine.begin() as conn:
            return merge_frame(
                conn, "quarantine", data, columns, ("source", "reason", "raw_sha256")
            )

    def rejections(self, window: Window | None = None) -> pd.DataFrame:
        """Rejected records (``quarantine``) per source and reason: ``source, reason,
        records, last_received``, most first; all of them when no window is given."""
        where, bind = "", {}
        if window is not None:
            bind = window_params(window)
            where = f"WHERE {within('received_at')}"
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT source, reason, count(*) AS records, max(received_at) AS "
                    f"last_received FROM quarantine {where} GROUP BY 1, 2 "
                    "ORDER BY records DESC, 1, 2"
                ),
                conn,
                params=bind,
            )
