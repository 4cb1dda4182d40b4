"""autotag: an Immich auto-tagging engine, a typed Immich client, an Immich simulator and a
cProfile harness."""

__version__ = "0.1.0"
