"""The shipped ship classifier (data files only; see satellite/classifier.py)."""
