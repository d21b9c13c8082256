"""Facilitated war-game sessions: an append-only log from which the state is replayed.

``log`` writes and reads the log, ``lock`` keeps to one writer, ``state`` plays and
replays records on the engine, ``session`` ties them to a folder, ``decisions``
reads the teams' decision files, ``analysis`` forecasts and measures, and ``report``
writes the after-action report.
"""
