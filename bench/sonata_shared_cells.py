#!/usr/bin/python3
"""Biophysical SONATA cells that share a node type and a synapse set share one description, so
they fill the cable group's 8-lane SIMD blocks (io/sonata_circuit.cpp, cell_with). This writes a
circuit of N identical biophysical cells (tests/sonata/biophysical_circuit.py's pyramid, its
BMTK dynamics_params, and the same Exp2Syn edge layout onto every cell: each cell's edge k comes
from input k, at the same section and position), runs each given engine on it and prints the
wall time of the run (the engine's own figure, best of --repeats) and whether spikes and the soma
report are bit-identical across the engines.

Usage: bench/sonata_shared_cells.py --engine BIN [--engine BIN ...] --morphology BIN --work DIR
       [--cells 64] [--tstop 200] [--repeats 3]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "sonata"))
import biophysical_circuit as bio  # noqa: E402
from sonata_vs_json import datasets  # noqa: E402
from sonata_writer import write_edges, write_json, write_nodes, write_spikes, write_types_csv  # noqa: E402

INPUTS, EDGES_PER_CELL = 20, 12


def build(folder, names, cells, tstop):
    rng = np.random.default_rng(5)
    circuit = os.path.join(folder, "circuit")
    for sub in ("biophysical_neuron_models", "synaptic_models", "morphologies"):
        os.makedirs(os.path.join(circuit, "components", sub), exist_ok=True)
    shutil.copy(bio.MORPHOLOGY, os.path.join(circuit, "components", "morphologies", "pyramid.swc"))
    write_json(os.path.join(circuit, "components", "biophysical_neuron_models", "pyramid.json"), bio.DYNAMICS)
    write_json(os.path.join(circuit, "components", "synaptic_models", "ampa.json"), bio.SYNAPSE)
    write_nodes(os.path.join(circuit, "nodes.h5"), {"input": {"node_type_id": np.full(INPUTS, 1)},
                                                      "bio": {"node_type_id": np.full(cells, 100)}})
    write_types_csv(os.path.join(circuit, "node_types.csv"), "node_type_id", [
        {"node_type_id": 1, "model_type": "virtual"},
        {"node_type_id": 100, "model_type": "biophysical", "model_template": "ctdb:Biophys1.hoc",
         "morphology": "pyramid.swc", "dynamics_params": "pyramid.json"}])
    spikes = sorted((float(t), n) for n in range(INPUTS) for t in rng.uniform(1, tstop - 5, int(tstop / 10)))
    write_spikes(os.path.join(circuit, "input_spikes.h5"), "input", [n for _, n in spikes], [t for t, _ in spikes])
    dendritic = [i for i, n in enumerate(names) if n.startswith(("dend", "apic"))]
    layout = [(int(rng.choice(dendritic)), float(np.round(rng.uniform(0, 1), 3))) for _ in range(EDGES_PER_CELL)]
    sources = np.array([(t + k) % INPUTS for t in range(cells) for k in range(EDGES_PER_CELL)])
    targets = np.repeat(np.arange(cells), EDGES_PER_CELL)
    weights = rng.uniform(0.004, 0.012, len(sources))
    write_edges(os.path.join(circuit, "edges.h5"), {"input_to_bio": {
        "source": "input", "target": "bio", "source_ids": sources, "target_ids": targets,
        "edge_type_id": np.full(len(sources), 20), "target_count": cells,
        "groups": {0: {"syn_weight": weights, "afferent_section_id": np.array([layout[k][0] for k in range(EDGES_PER_CELL)] * cells),
                       "afferent_section_pos": np.array([layout[k][1] for k in range(EDGES_PER_CELL)] * cells)}}}})
    write_types_csv(os.path.join(circuit, "edge_types.csv"), "edge_type_id", [
        {"edge_type_id": 20, "model_template": "exp2syn", "dynamics_params": "ampa.json", "delay": 1.5}])
    config = os.path.join(circuit, "circuit_config.json")
    write_json(config, bio.config_document(tstop, **{
        "inputs": {"drive": {"input_type": "spikes", "module": "sonata", "input_file": "$BASE_DIR/input_spikes.h5",
                             "node_set": "input"}},
        "reports": {"soma_v": {"cells": "bio", "variable_name": "v", "sections": "soma", "dt": 0.1}}}))
    return config


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", action="append", required=True)
    ap.add_argument("--morphology", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cells", type=int, default=64)
    ap.add_argument("--tstop", type=float, default=200.0)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    config = build(args.work, bio.section_names(args.morphology), args.cells, args.tstop)
    results = []
    for i, engine in enumerate(args.engine):
        best = None
        for r in range(args.repeats):
            out = os.path.join(args.work, f"out{i}")
            subprocess.run([engine, "--quiet", "--progress", "0", "--threads", "1", "-o", out, config], check=True,
                           env=dict(os.environ, OMP_NUM_THREADS="1"))
            with open(os.path.join(out, "report.json")) as f:
                report = json.load(f)
            wall = report["wall_s"]
            best = wall if best is None else min(best, wall)
        files = {name: datasets(os.path.join(out, name)) for name in ("spikes.h5", "soma_v.h5")}
        results.append(files)
        spikes = len(files["spikes.h5"]["spikes/bio/node_ids"]) if "spikes/bio/node_ids" in files["spikes.h5"] else 0
        print(f"{engine}: {args.cells} biophysical cells, {args.tstop:g} ms: {best:.3f} s (best of {args.repeats}), "
              f"{spikes} spikes")
    for i in range(1, len(results)):
        same = all(set(results[0][n]) == set(results[i][n]) and
                   all(np.array_equal(results[0][n][k], results[i][n][k]) for k in results[0][n]) for n in results[0])
        print(f"engine {i} vs engine 0: spikes and soma_v {'bit-identical' if same else 'DIFFERENT'}")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
