"""An Immich 2.7 simulator: generated library, Immich-shaped API, latency/contention/fault model.

Use ``autotag sim`` on the command line, ``autotag.sim.server.running_simulator`` for a server in
its own process, or ``autotag.sim.inprocess.InProcessSimulator`` for fast in-process tests.
"""
