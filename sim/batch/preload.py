"""Imported last by the sweep's forkserver: the engine is loaded; freeze what is there.

Forked workers share the server's memory until they write to it, and the garbage
collector writes to every object it scans. `gc.freeze` moves the loaded modules'
objects out of its reach, so workers keep sharing them instead of copying them.
"""

import gc

import sim.batch.chunk  # noqa: F401  (the work each worker does)
import sim.model  # noqa: F401  (mesa, numpy, pandas: the heavy imports)

gc.collect()
gc.freeze()
