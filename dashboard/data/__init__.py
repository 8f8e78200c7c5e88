"""What each dashboard page shows, built from the store without Streamlit.

One module per page and one function each (:func:`operations.map_data`,
:func:`alerts.alerts_table`, :func:`alerts.alert_detail`, :func:`vessel.vessel_detail`,
:func:`sources.report_preview`, :func:`sources.sources_data`, :func:`scenes.map_detections`
and the scenes' footprints, quicklooks, chips and summary), so the server side can be timed
and tested without a browser. Everything over positions is vectorized over the arrays of
:meth:`Store.position_arrays` (sorted by vessel, then time): no Python loop runs per position
(:mod:`dashboard.data.positions`).

>>> from dashboard.data.operations import map_data
>>> data = map_data(store, window, bbox=None)                                # doctest: +SKIP
>>> len(data.vessels), data.track_points
"""
