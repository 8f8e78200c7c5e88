"""Satellite imagery: GeoTIFF/COG scenes via rasterio, SAR vessel detection, AIS matching."""
