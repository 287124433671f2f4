"""CLI command groups; each module has ``register(subparsers)`` and handlers ``(args, ctx) -> int``."""
