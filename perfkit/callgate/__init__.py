"""Call-count gates: per-function call counts of a piece of code, saved and compared.

Call counts are exact and deterministic where times are noisy, so a rule such as
``get_*:calls>+5%`` is a gate that never fails by chance.  ``counts`` turns a cProfile run into a
table, ``rules`` parses gate rules, ``store`` saves and loads named sets of counts
(``perfkit.calls/1``), ``check`` finds the functions whose calls grew past a rule.  The pytest
plugin (``pytest_perfkit``, ``perfkit.callgate.session``) is built on these.
"""
