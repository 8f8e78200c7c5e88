"""Batched, idempotent writes: COPY a frame into a staging table, then merge it.

The store's writers all come through :func:`merge_frame`; it turns the database's refusals
into :class:`DataRefused` (the data is wrong) or :class:`StoreError` (the store is).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import Connection, Integer, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError

from surveillance.errors import DataRefused, InputError, StoreError
from surveillance.models import Base
from surveillance.store.connection import lost_store

__all__ = ["merge_frame", "stage_frame", "store_errors", "check_columns", "whole_numbers"]


def check_columns(table: str, columns: Sequence[str]) -> None:
    """Refuse column names that are not the table's (they end up in SQL text)."""
    known = Base.metadata.tables[table].columns
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise InputError(f"{table} has no column {', '.join(unknown)}")


def _as_rows(table: str, frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows for COPY: NaN/NaT become NULL, JSONB columns Jsonb, integer columns ints
    (whole floats too, as a frame that mixed numbers and None holds them)."""
    types = Base.metadata.tables[table].columns
    subset = frame.loc[:, list(columns)].copy()
    for column in columns:
        if isinstance(types[column].type, Integer):
            subset[column] = whole_numbers(table, column, subset[column])
    subset = subset.astype(object).where(subset.notna(), None)  # dicts, lists: values
    for column in columns:
        if isinstance(types[column].type, JSONB):
            subset[column] = subset[column].map(lambda v: None if v is None else Jsonb(v))
    return list(subset.itertuples(index=False, name=None))


def whole_numbers(table: str, column: str, values: pd.Series) -> pd.Series:
    """An integer column's values as nullable integers; refused if some are not whole."""
    if values.dtype.kind == "O":
        numeric = pd.to_numeric(values, errors="coerce")
        if (numeric.isna() & values.notna()).any():
            return values  # text that is no number: the store says what is wrong with it
        values = numeric
    if values.dtype.kind != "f":
        return values
    finite = values.to_numpy()[~np.isnan(values.to_numpy())]
    if (finite != np.round(finite)).any():
        raise DataRefused(f"the store refused a batch for {table}: {column} must be whole")
    return values.astype("Int64")


def _quote(column: str) -> str:
    """A column name as SQL text (``end`` is a keyword); names are checked against the model."""
    return f'"{column}"'


@contextmanager
def store_errors(table: str) -> Iterator[None]:
    """Translate database errors: bad data is DataRefused, a lost connection or anything
    else a StoreError."""
    try:
        yield
    except (psycopg.Error, DBAPIError) as exc:
        lost = lost_store(exc)
        if lost is not None:
            raise lost from None
        orig = getattr(exc, "orig", None) or exc
        sqlstate = getattr(orig, "sqlstate", None) or ""
        first_line = str(orig).strip().splitlines()[0] if str(orig).strip() else repr(orig)
        # a data exception, a broken constraint, or data the driver itself cannot send
        refused = isinstance(orig, psycopg.DataError | psycopg.IntegrityError)
        if refused or sqlstate[:2] in {"22", "23"}:
            raise DataRefused(f"the store refused a batch for {table}: {first_line}") from None
        raise StoreError(f"writing {table} failed: {first_line}") from None


def stage_frame(conn: Connection, table: str, frame: pd.DataFrame, columns: Sequence[str]) -> str:
    """COPY ``frame`` into a new temporary table shaped like ``table``; its name."""
    check_columns(table, columns)
    rows = _as_rows(table, frame, columns)
    stage = f"_stage_{table}"
    conn.execute(text(f"CREATE TEMP TABLE {stage} (LIKE {table} INCLUDING DEFAULTS)"))
    raw = conn.connection.driver_connection
    assert raw is not None
    quoted = ", ".join(_quote(c) for c in columns)
    with raw.cursor() as cur, cur.copy(f"COPY {stage} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return stage


def merge_frame(
    conn: Connection,
    table: str,
    frame: pd.DataFrame,
    columns: Sequence[str],
    key: Sequence[str],
    update: Sequence[str] = (),
    when: str = "",
) -> int:
    """COPY ``frame`` into a staging table, then merge it into ``table`` on ``key``.

    New rows are inserted; on a key already stored, ``update`` columns are set (when the
    ``when`` condition holds) or nothing happens. Duplicate keys within the frame count
    once. Returns the number of rows inserted or updated.
    """
    if frame.empty:
        return 0
    check_columns(table, [*key, *update])
    with store_errors(table):
        stage = stage_frame(conn, table, frame, columns)
        cols, keys = ", ".join(map(_quote, columns)), ", ".join(map(_quote, key))
        if update:
            action = "DO UPDATE SET " + ", ".join(
                f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in update
            )
            action += f" WHERE {when}" if when else ""
        else:
            action = "DO NOTHING"
        result = conn.execute(
            text(
                f"INSERT INTO {table} ({cols}) SELECT DISTINCT ON ({keys}) {cols} FROM {stage} "
                f"ORDER BY {keys} ON CONFLICT ({keys}) {action}"
            )
        )
        conn.execute(text(f"DROP TABLE {stage}"))
        return result.rowcount
