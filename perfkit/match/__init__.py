"""Names, before any profile exists: how a pstats key becomes a module name (``normalise``),
which functions a selector picks (``selectors``), and which function of one profile is which of
another (``pairing``).  Works on keys and tables, never on ``Profile`` objects."""
