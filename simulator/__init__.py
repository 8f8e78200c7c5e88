"""The scenario simulator: realistic AIS traffic on the real coast, with injected events
and their ground truth (``coastwatch simulate``)."""
