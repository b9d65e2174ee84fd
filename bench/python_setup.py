"""Set-up time of a network written in Python (a parnet.Recipe answering in bulk with numpy) against
the same-sized JSON model (issue 13: within 2x). Both: 1,000 Poisson sources and 100,000 lif cells,
each lif cell receiving 100 connections (5 from the sources, 95 from other lif cells): 1e7
connections. The recipe draws its connections with a counter-based hash of (target, k), a pure
function of the gid as a recipe must be; the JSON model draws them with its Random123 rules. The
run is 1 ms, so its wall time is the set-up (building cells and connections, agreeing the epoch)
plus a few steps.

    PYTHONPATH=build/python mpirun -n 1 /usr/bin/python3 bench/python_setup.py [--cells 100000] [--indegree 100]

Prints, for each, the wall time of parnet.run (for the recipe including every call into Python)
and its ratio, on rank 0."""
import argparse
import time

import numpy as np
from mpi4py import MPI

import parnet

SOURCES = 1000
FROM_SOURCES = 5


def json_model(cells, indegree):
    net = parnet.Builder("setup_bench", tstop=1.0, dt=0.025, runid=1)
    net.population("ext", SOURCES, "spike_source", model="poisson", params={"rate": 5})
    net.population("exc", cells, "lif", params={"v_init": parnet.uniform(-65, -55)})
    net.projection("ext", "exc", parnet.fixed_indegree(FROM_SOURCES), weight=0.2, delay=1.0)
    net.projection("exc", "exc", parnet.fixed_indegree(indegree - FROM_SOURCES, allow_multapses=True), weight=0.01,
                   delay=parnet.uniform(1.0, 2.0))
    return net.build()


def mix(x):
    """splitmix64's finaliser on uint64 arrays: a hash of the counter."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


class BenchRecipe(parnet.Recipe):
    def __init__(self, cells, indegree):
        self.cells, self.indegree = cells, indegree

    def populations(self):
        return [("ext", SOURCES, "spike_source"), ("exc", self.cells, "lif")]

    def settings(self):
        return {"tstop": 1.0, "dt": 0.025, "runid": 1}

    def parameters(self, gids, name):
        if name == "rate":
            return 5.0
        if name == "v_init":
            u = (mix(gids.astype(np.uint64) + np.uint64(1 << 40)) >> np.uint64(11)) * (1.0 / (1 << 53))
            return -65.0 + 10.0 * u
        return None

    def connections_on(self, gids):
        k = self.indegree
        gids = gids[gids >= SOURCES]  # spike sources take no input
        targets = np.repeat(gids.astype(np.uint32), k)
        counter = targets.astype(np.uint64) * np.uint64(k) + np.tile(np.arange(k, dtype=np.uint64), len(gids))
        h = mix(counter)
        slot = np.tile(np.arange(k), len(gids))
        from_sources = slot < FROM_SOURCES
        sources = np.where(from_sources, h % np.uint64(SOURCES), SOURCES + h % np.uint64(self.cells)).astype(np.uint32)
        weights = np.where(from_sources, 0.2, 0.01)
        u = (mix(h) >> np.uint64(11)) * (1.0 / (1 << 53))
        delays = np.where(from_sources, 1.0, 1.0 + u)
        return targets, sources, weights, delays


def timed(what):
    MPI.COMM_WORLD.Barrier()
    start = time.perf_counter()
    result = what()
    MPI.COMM_WORLD.Barrier()
    return time.perf_counter() - start, result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cells", type=int, default=100_000)
    p.add_argument("--indegree", type=int, default=100)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    comm = MPI.COMM_WORLD
    connections = args.cells * args.indegree
    json_seconds, a = timed(lambda: parnet.run(json_model(args.cells, args.indegree), threads=args.threads, quiet=True))
    recipe_seconds, b = timed(lambda: parnet.run(BenchRecipe(args.cells, args.indegree), threads=args.threads,
                                                 quiet=True))
    if comm.rank == 0:
        print(f"{SOURCES + args.cells} cells, {connections:.3g} connections, {comm.size} ranks x {args.threads} threads")
        print(f"  JSON model (builder document):  {json_seconds:7.2f} s (the run's own wall {a.wall:.2f} s)")
        print(f"  Python recipe (numpy, bulk):    {recipe_seconds:7.2f} s (the run's own wall {b.wall:.2f} s)")
        print(f"  ratio recipe / JSON:            {recipe_seconds / json_seconds:7.2f}")


if __name__ == "__main__":
    main()
