#!/usr/bin/python3
"""Peak memory of each rank while a large SONATA circuit is set up, at 1, 2 and 4 ranks: a rank
reads only its own cells' edges through the edge file's target index (docs/sonata-input.md), so its
memory grows with its share of the edges, not with the file.

    /usr/bin/python3 bench/sonata_memory.py --engine build/bin/engine --work /tmp/sonata_bench \
        [--nodes 100000] [--edges-per-node 100] [--ranks 1 2 4]

The circuit (generated here with h5py, never kept in the repository): one population of lif cells
(parnet:lif) with --edges-per-node random recurrent edges each, syn_weight per edge in the edge
group, the delay in edge_types.csv; and the same nodes without edges (the baseline). Each run is
the real engine under mpirun for 4 steps, so that its peak resident memory (report.json,
per_rank[].peak_rss_mb) is the set-up's. Prints per rank: connections, peak MB, and the peak above
the no-edge baseline per connection.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "sonata"))
from sonata_writer import write_json, write_nodes, write_types_csv  # noqa: E402

MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_mpi_yield_when_idle="1", OMP_WAIT_POLICY="passive", OMP_NUM_THREADS="1")


def write_circuit(folder, nodes, per_node, with_edges, seed=1):
    os.makedirs(os.path.join(folder, "components"), exist_ok=True)
    write_json(os.path.join(folder, "components", "lif.json"), {"tau_m": 20.0, "v_thresh": -50.0, "i_bias": 0.0})
    write_nodes(os.path.join(folder, "nodes.h5"), {"cells": {"node_type_id": np.zeros(nodes, dtype=np.int64)}})
    write_types_csv(os.path.join(folder, "node_types.csv"), "node_type_id",
                    [{"node_type_id": 0, "model_type": "point_neuron", "model_template": "parnet:lif", "dynamics_params": "lif.json"}])
    edges_entry = []
    if with_edges:
        rng = np.random.default_rng(seed)
        n = nodes * per_node
        with h5py.File(os.path.join(folder, "edges.h5"), "w") as f:
            g = f.create_group("edges/cells_to_cells")
            chunk = (1 << 20,)
            # Sorted by target: one run of edges per node in the target index.
            g.create_dataset("target_node_id", data=np.repeat(np.arange(nodes, dtype=np.uint64), per_node), chunks=chunk)
            g["target_node_id"].attrs["node_population"] = "cells"
            g.create_dataset("source_node_id", data=rng.integers(0, nodes, n, dtype=np.uint64), chunks=chunk)
            g["source_node_id"].attrs["node_population"] = "cells"
            g.create_dataset("edge_type_id", data=np.zeros(n, dtype=np.uint32), chunks=chunk)
            g.create_dataset("edge_group_id", data=np.zeros(n, dtype=np.uint32), chunks=chunk)
            g.create_dataset("edge_group_index", data=np.arange(n, dtype=np.uint64), chunks=chunk)
            g.create_dataset("0/syn_weight", data=rng.uniform(0.0, 0.01, n), chunks=chunk)
            first = np.arange(nodes, dtype=np.uint64)
            g["indices/target_to_source/node_id_to_range"] = np.stack([first, first + 1], axis=1)
            g["indices/target_to_source/range_to_edge_id"] = np.stack([first * per_node, (first + 1) * per_node], axis=1)
        write_types_csv(os.path.join(folder, "edge_types.csv"), "edge_type_id", [{"edge_type_id": 0, "delay": 2.0}])
        edges_entry = [{"edges_file": "edges.h5", "edge_types_file": "edge_types.csv"}]
    config = os.path.join(folder, "circuit_config.json")
    write_json(config, {"components": {"point_neuron_models_dir": "components"},
                        "networks": {"nodes": [{"nodes_file": "nodes.h5", "node_types_file": "node_types.csv"}],
                                     "edges": edges_entry},
                        "run": {"tstop": 0.4, "dt": 0.1}})
    return config


def run(engine, config, ranks, out):
    cmd = ["mpirun", "--oversubscribe", "-n", str(ranks), engine, "--quiet", "--progress", "0", "--threads", "1",
           "--output", out, config]
    start = time.time()
    done = subprocess.run(cmd, env=MPI_ENV, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    report = json.load(open(os.path.join(out, "report.json")))
    return report["per_rank"], time.time() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--nodes", type=int, default=100000)
    ap.add_argument("--edges-per-node", type=int, default=100)
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 4])
    args = ap.parse_args()
    start = time.time()
    with_edges = write_circuit(os.path.join(args.work, "circuit"), args.nodes, args.edges_per_node, True)
    baseline = write_circuit(os.path.join(args.work, "baseline"), args.nodes, args.edges_per_node, False)
    size = os.path.getsize(os.path.join(args.work, "circuit", "edges.h5"))
    print(f"circuit: {args.nodes:,} nodes, {args.nodes * args.edges_per_node:,} edges, edges.h5 {size / 1e6:.0f} MB "
          f"(written in {time.time() - start:.0f} s)")
    print("ranks  rank  connections   peak MB  baseline MB  (peak-baseline)/connection  wall s")
    for ranks in args.ranks:
        base, _ = run(args.engine, baseline, ranks, os.path.join(args.work, f"out_base_{ranks}"))
        full, wall = run(args.engine, with_edges, ranks, os.path.join(args.work, f"out_{ranks}"))
        for r, b in zip(full, base):
            extra = r["peak_rss_mb"] - b["peak_rss_mb"]
            print(f"{ranks:5d} {r['rank']:5d} {r['connections']:12,d} {r['peak_rss_mb']:9.0f} {b['peak_rss_mb']:12.0f}"
                  f" {extra * 1e6 / max(1, r['connections']):20.1f} B {wall:11.1f}")


if __name__ == "__main__":
    main()
