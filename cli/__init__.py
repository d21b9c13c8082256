"""The command-line interface: one module per command, joined in `cli.app`."""
