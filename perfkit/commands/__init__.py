"""perfkit's sub-commands: one module each, exposing ``register(subparsers)``.

``register`` adds the sub-parser and sets ``run=<callable(args) -> int>`` as its default.
To add a command, write ``perfkit/commands/<name>.py`` and list it in ``COMMANDS``.
"""

COMMANDS = ("show", "compare", "validate", "export", "view", "history")
