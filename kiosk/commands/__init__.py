"""One module per ``kiosk`` subcommand; each has ``register(subparsers, common)``."""
