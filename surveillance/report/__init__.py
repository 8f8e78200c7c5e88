"""Reports: the alerts of an area and a time window as GeoPackage, GeoJSON, KML, CSV or a
PDF brief, for ``coastwatch report`` and the dashboard's downloads.

:func:`~surveillance.report.export.export` gathers the alerts
(:func:`~surveillance.report.gather.gather`), renders them with the format's writer (one
module per format, named in the registry :mod:`~surveillance.report.formats`) and records
who exported what. This package's top is empty on purpose: the registry is light enough
for the command line's ``--help``, the writers load when they write.

>>> from surveillance.report.area import parse_area                                # doctest: +SKIP
>>> from surveillance.report.export import export                                  # doctest: +SKIP
>>> from surveillance.report.request import ReportRequest                          # doctest: +SKIP
>>> request = ReportRequest(since, until, area=parse_area(bbox="129,33,131,35"))  # doctest: +SKIP
>>> data, count = export(store, request, "gpkg", actor="analyst")                  # doctest: +SKIP
"""
