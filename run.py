#!/usr/bin/env python3
"""Command line of the trilateral crisis simulation: `python run.py --help`."""

from cli.app import main

if __name__ == "__main__":
    main()
