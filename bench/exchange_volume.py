#!/usr/bin/env python3
"""Spike bytes each rank receives per epoch: allgather vs targeted exchange, on a structured
network planned with METIS, at 2-8 ranks (real engine, real MPI; ranks may outnumber cores).

The network is a ring of columns: each column has its own Poisson drive and LIF cells with most
inputs from its own column and a few from the next one, so a good plan keeps columns together
and a rank needs the spikes of few others. For every rank count it plans with METIS, runs both
methods with that plan, checks that the spike files are identical, and prints the largest rank's
bytes received per epoch and the number of ranks it sends to. It reports; it asserts only the
identity of the results.

    bench/exchange_volume.py [--ranks 2 4 8] [--columns 8] [--cells-per-column 500]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_mpi_yield_when_idle="1", OMP_WAIT_POLICY="passive", OMPI_MCA_rmaps_base_oversubscribe="1")


def ring_of_columns(columns, cells, tstop):
    pops, projs = [], []
    for c in range(columns):
        pops.append({"name": f"drive{c}", "count": cells // 5, "kind": "spike_source", "model": "poisson",
                     "params": {"rate": 20}})
        pops.append({"name": f"col{c}", "count": cells, "kind": "lif",
                     "params": {"tau_m": 20, "v_init": {"dist": "uniform", "low": -65, "high": -52}}})
    for c in range(columns):
        nxt = (c + 1) % columns
        projs += [
            {"source": f"drive{c}", "target": f"col{c}", "rule": {"type": "fixed_indegree", "indegree": 20},
             "weight": 0.9, "delay": 1.5},
            {"source": f"col{c}", "target": f"col{c}", "rule": {"type": "fixed_indegree", "indegree": 40},
             "weight": 0.05, "delay": {"dist": "uniform", "low": 1.0, "high": 3.0}},
            {"source": f"col{nxt}", "target": f"col{c}", "rule": {"type": "fixed_indegree", "indegree": 5},
             "weight": 0.05, "delay": 2.0},
        ]
    return {"run": {"tstop": tstop, "dt": 0.1, "runid": 1}, "populations": pops, "projections": projs}


def spikes(folder):
    out = {}
    with h5py.File(os.path.join(folder, "spikes.h5"), "r") as f:
        for pop in f["spikes"]:
            out[pop] = (f["spikes"][pop]["timestamps"][()].view(np.uint64), f["spikes"][pop]["node_ids"][()])
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--ranks", type=int, nargs="+", default=[2, 4, 8])
    p.add_argument("--columns", type=int, default=8)
    p.add_argument("--cells-per-column", type=int, default=500)
    p.add_argument("--tstop", type=float, default=200.0)
    args = p.parse_args()
    engine, planner = os.path.join(args.build, "bin", "engine"), os.path.join(args.build, "bin", "plan")
    identical = True
    with tempfile.TemporaryDirectory() as work:
        model = os.path.join(work, "columns.json")
        with open(model, "w") as f:
            json.dump(ring_of_columns(args.columns, args.cells_per_column, args.tstop), f)
        print(f"ring of {args.columns} columns x {args.cells_per_column} LIF cells (+ drive), {args.tstop:g} ms")
        print(f"{'ranks':>5} {'method':>10} {'bytes/epoch':>12} {'sends to':>9} {'spikes':>8}")
        for ranks in args.ranks:
            plan = os.path.join(work, f"plan{ranks}.h5")
            subprocess.run([planner, model, "--ranks", str(ranks), "--static-costs", "--no-compare", "-q",
                            "-o", plan], check=True, env=ENV)
            results = {}
            for method in ("allgather", "targeted"):
                out = os.path.join(work, f"r{ranks}-{method}")
                subprocess.run(["mpirun", "-n", str(ranks), engine, "--quiet", "--plan", plan, "--exchange", method,
                                "-o", out, model], check=True, env=ENV)
                report = json.load(open(os.path.join(out, "report.json")))
                per = report["per_rank"]
                bytes_epoch = max(r["bytes_received"] / max(r["epochs"], 1) for r in per)
                print(f"{ranks:>5} {method:>10} {bytes_epoch:>12,.0f} {max(r['destinations'] for r in per):>9} "
                      f"{report['spikes']:>8,}", flush=True)
                results[method] = spikes(out)
            same = all(np.array_equal(results["allgather"][k][i], results["targeted"][k][i])
                       for k in results["allgather"] for i in (0, 1))
            identical &= same
            print(f"{'':>5} spikes {'bit-identical' if same else 'DIFFERENT'}")
    sys.exit(0 if identical else 1)


if __name__ == "__main__":
    main()
