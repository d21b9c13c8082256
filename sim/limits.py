"""Bounds on the ensemble sizes a user can ask for, declared once.

Every run of an in-memory ensemble is held at once, so a mistyped size must be refused
up front rather than crash with MemoryError or be killed by the system for want of
memory. `sweep` streams its runs to disk in chunks and has its own, larger bound
(`sim.batch.spec`). This module imports nothing, so the command line can read it
without slowing `--help`.
"""

from __future__ import annotations

#: Runs of a `backtest` or `check-claims` ensemble (a scenario's `expectations: runs:`,
#: a claim's `runs:`, and `--runs`): about 80 KB a run was measured (20,000 runs of a
#: claim's two arms peaked at 1.6 GB), so 50,000 keeps an ensemble near 4 GB. Fewer than
#: 10 give no usable interval.
ENSEMBLE_RUNS = (10, 50_000)

#: AI-played continuations of a session or a student game (`session forecast --runs`,
#: `play --ai-runs`): about 12 KB a run was measured, so 100,000 keeps one near 1.2 GB.
AI_RUNS_MAX = 100_000
