#!/usr/bin/env python3
"""Checkpoint size and write time (docs/checkpoints.md): one model per cell kind, and a mixed
network of 1e5 cells, each run to half-way with a checkpoint there; prints a table from the run
reports (bytes of checkpoint.h5, the slowest rank's seconds from collecting the state to the
rename, state words, pending events), and the seconds of restoring it on one rank more (reading,
checking the checksum, putting the states into the new layout's groups).

  /usr/bin/python3 bench/checkpoint_size.py --engine build/bin/engine --catalogue build/lib/testmods.so \\
      [--ranks 2] [--work /tmp/checkpoint_bench]

Cable kinds: the ball-and-stick of tests/runs/mixed_network.json (hh soma, 20-compartment
passive dendrite), the same with calcium (rxd), and the catalogue cell of tests/runs/checkpoints.py
(HHna, HHk, cachan1, cad, an Exp2Syn point process). On a small shared machine the times are
noisy: run it twice.
"""
import argparse
import copy
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "runs"))
from checkpoints import build_model  # noqa: E402  (the test's model: templates and the catalogue cell)

ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_mpi_yield_when_idle="1", OMP_WAIT_POLICY="passive")


def kind_model(base, kind, count, sources=200):
    """`count` cells of one kind driven by Poisson sources (delays 1-5 ms: events in flight)."""
    m = {"run": {"tstop": 20.0, "dt": 0.025, "runid": 1}, "cell_templates": base["cell_templates"],
         "catalogues": base["catalogues"], "recordings": {"spikes": "all"}}
    ext = {"name": "ext", "count": sources, "kind": "spike_source", "model": "poisson", "params": {"rate": 50}}
    cells = {"lif": {"name": "cells", "count": count, "kind": "lif", "params": {"tau_m": 15, "tau_syn_exc": 1.5}},
             "intfire": {"name": "cells", "count": count, "kind": "intfire", "params": {"tau": 8, "refrac": 2}},
             "poisson source": {"name": "cells", "count": count, "kind": "spike_source", "model": "poisson",
                                "params": {"rate": 20}},
             "netstim (noise)": {"name": "cells", "count": count, "kind": "spike_source", "model": "regular",
                                 "params": {"interval": 10, "noise": 0.5, "number": 1e9}},
             "cable (hh + pas)": {"name": "cells", "count": count, "kind": "cable", "cell": "ball_and_stick"},
             "cable + calcium (rxd)": {"name": "cells", "count": count, "kind": "cable", "cell": "rxd_ball_and_stick"},
             "cable, catalogue": {"name": "cells", "count": count, "kind": "cable", "cell": "catalogue_cell"}}[kind]
    m["populations"] = [ext, cells]
    if cells["kind"] != "spike_source":
        synapse = {"synapse": "syn"} if cells["kind"] == "cable" else {}
        weight = 0.004 if cells["kind"] == "cable" else 0.3
        m["projections"] = [{"source": "ext", "target": "cells", "rule": {"type": "fixed_indegree", "indegree": 10},
                             "weight": weight, "delay": {"dist": "uniform", "low": 1, "high": 5}, **synapse}]
    return m


def mixed_model(base, total):
    """A mixed network of `total` cells: 10% sources, 80% lif, 8% intfire, 2% cable."""
    m = kind_model(base, "lif", int(total * 0.8), sources=int(total * 0.1))
    m["populations"] += [{"name": "gate", "count": int(total * 0.08), "kind": "intfire", "params": {"tau": 8, "refrac": 2}},
                         {"name": "pyr", "count": total - int(total * 0.8) - int(total * 0.1) - int(total * 0.08),
                          "kind": "cable", "cell": "ball_and_stick"}]
    m["projections"] += [
        {"source": "cells", "target": "gate", "rule": {"type": "fixed_indegree", "indegree": 5}, "weight": 0.35, "delay": 1.2},
        {"source": "ext", "target": "pyr", "rule": {"type": "fixed_indegree", "indegree": 20}, "weight": 0.004,
         "delay": 1.0, "synapse": "syn"},
        {"source": "cells", "target": "cells", "rule": {"type": "fixed_indegree", "indegree": 10}, "weight": 0.02,
         "delay": {"dist": "uniform", "low": 0.5, "high": 4}}]
    return m


def measure(args, label, model, cells, kind_cells=None, other_words=0):
    folder = os.path.join(args.work, label.replace(" ", "_").replace(",", "").replace("(", "").replace(")", ""))
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    path = os.path.join(folder, "model.json")
    with open(path, "w") as f:
        json.dump(model, f)
    cmd = ["mpirun", "--oversubscribe", "-n", str(args.ranks), args.engine, "--quiet", "-o", os.path.join(folder, "out"),
           "--tstop", str(model["run"]["tstop"] / 2), "--checkpoint", os.path.join(folder, "ck"),
           "--checkpoint-at", str(model["run"]["tstop"] / 2), path]
    done = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {done.returncode}\n{done.stdout}{done.stderr}")
    with open(os.path.join(folder, "out", "report.json")) as f:
        ck = json.load(f)["checkpoints"][0]
    kind_cells = kind_cells or cells
    words = (ck['state_words'] - other_words) / kind_cells   # the kind's own cells (the 200 sources' 6 words each out)
    # Restored on another layout (ranks + 1) into another folder, run to the end: the restore's own
    # seconds.
    restore = ["mpirun", "--oversubscribe", "-n", str(args.ranks + 1), args.engine, "--quiet", "-o",
               os.path.join(folder, "restored"), "--restore", os.path.join(folder, "ck"), path]
    done = subprocess.run(restore, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(restore)}: exit {done.returncode}\n{done.stdout}{done.stderr}")
    with open(os.path.join(folder, "restored", "report.json")) as f:
        restored = json.load(f)["restored"]["seconds"]
    print(f"| {label} | {cells:,} | {ck['bytes']:,} | {ck['bytes'] / cells:.0f} | {words:.1f} | "
          f"{ck['events']:,} | {ck['seconds']:.3f} | {restored:.3f} |", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", required=True)
    p.add_argument("--catalogue", required=True)
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--work", default="/tmp/checkpoint_bench")
    p.add_argument("--point-cells", type=int, default=20000)
    p.add_argument("--cable-cells", type=int, default=1000)
    p.add_argument("--total", type=int, default=100000)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    base, _ = build_model(args.catalogue, args.work)
    print(f"checkpoint at t = 10 ms of 20, {args.ranks} ranks; bytes are checkpoint.h5's, per cell including the "
          f"sources and events\n")
    print("| cells | cells in file | bytes | bytes/cell | state words per cell of the kind | pending events | write s | "
          f"restore s ({args.ranks + 1} ranks) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in ["poisson source", "netstim (noise)", "intfire", "lif"]:
        measure(args, kind, kind_model(base, kind, args.point_cells), args.point_cells + 200, args.point_cells, 6 * 200)
    for kind in ["cable (hh + pas)", "cable + calcium (rxd)", "cable, catalogue"]:
        measure(args, kind, kind_model(base, kind, args.cable_cells), args.cable_cells + 200, args.cable_cells, 6 * 200)
    measure(args, f"mixed network", mixed_model(base, args.total), args.total)


if __name__ == "__main__":
    main()
