"""Two profiles compared: per function and per call edge (``compare``), and the exact
callers/callees diff of chosen functions (``butterfly``)."""
