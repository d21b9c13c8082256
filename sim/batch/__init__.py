"""Batch sweeps: parameter spaces, samplers, chunked runs on local processes or Dask.

The notebook entry point is `sim.sweep` (`sim.batch.api.sweep`).
"""
