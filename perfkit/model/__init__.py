"""``Profile``: a pstats file as functions / edges DataFrames with totals and run metadata
(``profile``), its sidecar (``sidecar``), callers/callees views (``callgraph``) and the call
stacks estimated from its edges (``stacks``)."""
