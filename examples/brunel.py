"""The Brunel network of examples/brunel.json, built with parnet's Python builder, run on every
rank of MPI.COMM_WORLD, and plotted as a raster (rank 0 writes the PNG).

    PYTHONPATH=build/python mpirun -n 2 /usr/bin/python3 examples/brunel.py [--tstop 300] [--png out/brunel.png]

build_brunel() gives the same document as examples/brunel.json, so the network is the same bit
for bit (tests/python checks it)."""
import argparse

import parnet
from parnet import fixed_indegree, uniform

DESCRIPTION = ("Brunel-style balanced network: 8000 excitatory and 2000 inhibitory LIF cells with exponential "
               "current synapses, driven by 2000 Poisson sources; each cell receives 100 connections (50 exc, 12 "
               "inh, 38 external). 1 s simulated.")


def build_brunel(n_exc=8000, n_inh=2000, n_ext=2000, tstop=1000, output="out/brunel"):
    net = parnet.Builder("brunel", tstop=tstop, dt=0.1, runid=1, output=output, description=DESCRIPTION)
    lif = {"tau_m": 20, "C_m": 0.25, "v_rest": -65, "v_thresh": -50, "v_reset": -65, "t_ref": 2,
           "tau_syn_exc": 0.5, "tau_syn_inh": 0.5, "v_init": uniform(-65, -50)}
    exc = net.population("exc", n_exc, "lif", params=lif)
    inh = net.population("inh", n_inh, "lif", params=lif)
    ext = net.population("ext", n_ext, "spike_source", model="poisson", params={"rate": 45})
    delay = uniform(1.0, 2.0)
    for target in (exc, inh):
        net.projection(exc, target, fixed_indegree(50), weight=0.1, delay=delay, synapse="exc")
    for target in (exc, inh):
        net.projection(inh, target, fixed_indegree(12), weight=-0.6, delay=delay, synapse="inh")
    for target in (exc, inh):
        net.projection(ext, target, fixed_indegree(38), weight=0.2, delay=1.0, synapse="exc")
    net.record_spikes("all")
    return net


def plot_raster(result, png, shown=500):
    """The first `shown` cells of each population, one colour per population."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(10, 5))
    row = 0
    for pop in result.populations:
        ids, times = result.spikes_of(pop["name"])
        mine = ids < shown
        ax.scatter(times[mine], ids[mine] + row, s=1, label=f"{pop['name']} ({pop['cells']} cells, first {shown})")
        row += min(shown, pop["cells"])
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("cell")
    ax.set_xlim(0, result.tstop)
    ax.legend(loc="upper right", markerscale=8)
    ax.set_title(f"Brunel network, {result.ranks} ranks x {result.threads} threads")
    fig.tight_layout()
    fig.savefig(png, dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tstop", type=float, default=300.0, help="simulated ms")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--png", default="out/brunel.png")
    args = parser.parse_args()

    result = parnet.run(build_brunel(), tstop=args.tstop, threads=args.threads, results=0)
    if result.spikes is not None:  # rank 0 asked for the results
        import os
        os.makedirs(os.path.dirname(args.png) or ".", exist_ok=True)
        plot_raster(result, args.png)
        print(f"raster: {args.png}")


if __name__ == "__main__":
    main()
