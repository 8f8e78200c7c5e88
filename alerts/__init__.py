"""Alert rules: pure functions of frames and a context; the engine; scoring; lifecycle."""
