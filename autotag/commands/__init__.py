"""One module per ``autotag`` sub-command, each exposing ``register(subparsers)``."""
