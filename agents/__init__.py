"""The actors (mesa agents) and their decision policies."""
