"""The Streamlit dashboard: reads and writes only through surveillance's store API."""
