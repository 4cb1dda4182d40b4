"""Metrics of many runs in build order, with step detection (``perfkit.history``)."""
