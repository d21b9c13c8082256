"""The bundled scenario files (data only): shipped inside the installed package.

`sim.scenario.SCENARIO_DIR` is this folder, in a checkout and in an installed wheel.
"""
