"""Helpers every layer may use: safe file output, JSON-ready values, the notebook display hook
and the version.  Nothing here knows about profiles."""
