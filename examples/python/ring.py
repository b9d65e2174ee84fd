#!/usr/bin/python3
"""NEURON's ParallelContext ring, written as a parnet recipe in Python.

In NEURON one writes, on every rank, `for gid in range(rank, ncell, nhost): pc.set_gid2node(gid,
rank); ...; nc = pc.gid_connect(src, syn)` and draws weights from Random123 streams keyed by gid
(`r.Random123(gid, ...)`), so that any number of ranks builds the same network. Here the recipe
answers the same questions for the gids the engine gives this rank, in bulk: which kind of cell
(a NetStim-like drive and lif cells), and which connections end on each cell (target-centred, as
`gid_connect` on the target's rank). Each of `rings` rings of `ncell` cells passes one spike
around; cell i of a ring also gets `inhibitory` connections from random cells of the next ring,
drawn from a Random123 stream keyed by its gid, and its forward weight is drawn likewise.
The spikes are the same bit for bit at any number of ranks and threads.

    PYTHONPATH=build/python mpirun -n 2 /usr/bin/python3 -m mpi4py examples/python/ring.py [-o out/ring] [--rings 4]

Writes out/ring/spikes.h5 (and report.json) and out/ring/raster.png."""
import argparse
import os

import numpy as np
from mpi4py import MPI

import parnet
from parnet.plotting import raster


class Rings(parnet.Recipe):
    def __init__(self, rings=4, ncell=50, inhibitory=3, tstop=300.0, runid=1):
        self.rings, self.ncell, self.inhibitory = rings, ncell, inhibitory
        self.tstop, self.runid = tstop, runid

    # gid 0..rings-1: one drive per ring (fires once, at 1 + 5 ring ms); then the rings' cells.
    def populations(self):
        return [("drive", self.rings, "spike_source"), ("ring", self.rings * self.ncell, "lif")]

    def settings(self):
        return {"tstop": self.tstop, "dt": 0.025, "runid": self.runid}

    def source_models(self, gids):
        return ["regular"] * len(gids)

    def parameters(self, gids, name):
        if name in ("start", "number", "interval"):  # NetStim: one spike
            return {"start": 1.0 + 5.0 * gids, "number": 1.0, "interval": 10.0}[name]
        if name == "t_ref":
            return 5.0
        return None

    def ring_of(self, gid):
        return (gid - self.rings) // self.ncell

    def connections_on(self, gids):
        targets, sources, weights, delays, synapses = [], [], [], [], []
        for g in gids:
            g = int(g)
            if g < self.rings:
                continue  # drives take no input
            ring, i = divmod(g - self.rings, self.ncell)
            first = self.rings + ring * self.ncell
            # gid-keyed streams: the same numbers on whichever rank owns g.
            weight = parnet.RandomStream("weight", g, 0, self.runid)
            conn = parnet.RandomStream("conn", g, 0, self.runid)
            # The ring: from the previous cell (cell 0 also from the ring's drive).
            if i == 0:
                targets.append(g), sources.append(ring), weights.append(4.0), delays.append(1.0), synapses.append(0)
            targets.append(g)
            sources.append(first + (i - 1) % self.ncell)
            weights.append(weight.uniform(3.2, 4.8))
            delays.append(1.0)
            synapses.append(0)
            # Inhibition from random cells of the next ring.
            other = self.rings + ((ring + 1) % self.rings) * self.ncell
            for _ in range(self.inhibitory):
                targets.append(g), sources.append(other + conn.below(self.ncell)), weights.append(0.3)
                delays.append(2.0), synapses.append(1)
        return (np.array(targets, dtype=np.uint32), np.array(sources, dtype=np.uint32), np.array(weights),
                np.array(delays), np.array(synapses, dtype=np.uint32))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-o", "--output", default="out/ring")
    p.add_argument("--rings", type=int, default=4)
    p.add_argument("--ncell", type=int, default=50)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--tstop", type=float, default=300.0)
    args = p.parse_args()
    recipe = Rings(rings=args.rings, ncell=args.ncell, tstop=args.tstop)
    result = parnet.run(recipe, output=args.output, threads=args.threads, results=0)
    if MPI.COMM_WORLD.rank == 0:
        path = os.path.join(args.output, "raster.png")
        raster(result, path, title=f"{args.rings} rings of {args.ncell} cells: {len(result.spikes[0])} spikes on "
                                   f"{result.ranks} ranks")
        print(path)


if __name__ == "__main__":
    main()
