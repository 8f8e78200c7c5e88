"""The report formats, by name: each is one module with one ``write(alerts, request, land)``.

Adding a format is adding its module and a line here; ``FORMATS``, the suffix map and the
titles follow. Writers are imported when they write (matplotlib only for the PDF), so this
registry stays light for the command line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from surveillance.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

    from surveillance.report.request import ReportRequest

    #: ``write(alerts, request, land)``: the file's bytes, ``alerts`` as ``gather`` gives them.
    Writer = Callable[[gpd.GeoDataFrame, ReportRequest, gpd.GeoDataFrame | None], bytes]

__all__ = ["Format", "REGISTRY", "FORMATS", "SUFFIX_FORMATS", "FORMAT_TITLES", "get", "writer"]


@dataclass(frozen=True)
class Format:
    """A report format: its name (``--format``), its title for people, the file suffixes
    that stand for it, the module of its writer, and whether it draws the land."""

    name: str
    title: str
    suffixes: tuple[str, ...]
    module: str
    draws_land: bool = False


REGISTRY = (
    Format("gpkg", "GeoPackage", (".gpkg",), "surveillance.report.gpkg"),
    Format("geojson", "GeoJSON", (".geojson", ".json"), "surveillance.report.geojson"),
    Format("kml", "KML", (".kml",), "surveillance.report.kml"),
    Format("csv", "CSV", (".csv",), "surveillance.report.csv"),
    Format("pdf", "PDF brief", (".pdf",), "surveillance.report.pdf", draws_land=True),
)
_BY_NAME = {f.name: f for f in REGISTRY}

#: The formats a report is written in, by their usual file suffix.
FORMATS = tuple(_BY_NAME)
#: The format a file's suffix stands for, when ``--format`` is not given.
SUFFIX_FORMATS = {suffix: f.name for f in REGISTRY for suffix in f.suffixes}
#: What each format is called, for people.
FORMAT_TITLES = {f.name: f.title for f in REGISTRY}


def get(name: str) -> Format:
    """The format called ``name``; an InputError naming the formats there are otherwise."""
    found = _BY_NAME.get(name)
    if found is None:
        raise InputError(f"not a report format: {name!r}", hint=f"one of {', '.join(FORMATS)}")
    return found


def writer(name: str) -> Writer:
    """The ``write`` function of the format called ``name``, imported on first use."""
    write: Writer = importlib.import_module(get(name).module).write
    return write
