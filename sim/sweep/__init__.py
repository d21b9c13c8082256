"""Batch sweeps: parameter spaces, samplers, chunked runs on local processes or Dask."""
