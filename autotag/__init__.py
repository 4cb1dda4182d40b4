"""autotag: an Immich auto-tagging engine, a typed client, a simulator and a cProfile harness."""

__version__ = "0.1.0"
