#!/usr/bin/python3
"""Biophysical SONATA cells (docs/sonata-input.md, "Biophysical cells"): a circuit written with h5py
following the SONATA spec — 6 virtual input nodes replaying a spike file, 2 biophysical nodes of
one node type (examples/morphologies/small_pyramid.swc, BMTK-style dynamics_params: passive,
conditions, genome), Exp2Syn edges placed by afferent_section_id / afferent_section_pos (and one
edge type giving the location for its edges), a soma voltage report and current clamps — gives
bit-identical spikes and traces to the same cells written as a parnet JSON model (a cable cell
per node with its synapses, explicit connections), at 1 and 2 ranks; malformed inputs are
refused naming the file and the dataset, attribute or field.

Usage: biophysical_circuit.py --engine BIN --work DIR [--ranks 1 2]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sonata_writer import write_edges, write_json, write_nodes, write_spikes, write_types_csv  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MORPHOLOGY = os.path.join(ROOT, "examples", "morphologies", "small_pyramid.swc")
MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_mpi_yield_when_idle="1", OMP_WAIT_POLICY="passive")
DT, TSTOP, INPUTS, CELLS = 0.025, 60.0, 6, 2
# BMTK's (Allen Cell Types') dynamics_params: pas everywhere, cm by section type, channels by genome.
DYNAMICS = {
    "passive": [{"ra": 100.0, "e_pas": -65.0, "cm": [{"section": "soma", "cm": 1.0}, {"section": "dend", "cm": 2.0},
                                                       {"section": "apic", "cm": 2.0}, {"section": "axon", "cm": 1.0}]}],
    "conditions": [{"celsius": 6.3, "v_init": -65.0}],
    "genome": [{"section": "soma", "name": "gnabar_hh", "value": 0.12, "mechanism": "hh"},
               {"section": "soma", "name": "gkbar_hh", "value": 0.036, "mechanism": "hh"},
               {"section": "axon", "name": "gnabar_hh", "value": 0.2, "mechanism": "hh"},
               {"section": "dend", "name": "g_pas", "value": 5e-5, "mechanism": ""},
               {"section": "apic", "name": "g_pas", "value": 4e-5, "mechanism": ""}]}
# The same as parnet biophysics entries (the translation docs/sonata-input.md describes).
BIOPHYSICS = [{"region": "all", "mechanisms": {"pas": {"e": -65.0}}},
              {"region": "soma", "cm": 1.0}, {"region": "dend", "cm": 2.0}, {"region": "apic", "cm": 2.0},
              {"region": "axon", "cm": 1.0},
              {"region": "soma", "mechanisms": {"hh": {"gnabar": 0.12}}},
              {"region": "soma", "mechanisms": {"hh": {"gkbar": 0.036}}},
              {"region": "axon", "mechanisms": {"hh": {"gnabar": 0.2}}},
              {"region": "dend", "mechanisms": {"pas": {"g": 5e-5}}},
              {"region": "apic", "mechanisms": {"pas": {"g": 4e-5}}}]
SYNAPSE = {"level_of_detail": "exp2syn", "tau1": 0.5, "tau2": 3.0, "erev": 0.0}
THRESHOLD = -30.0
DL = 20.0   # um: nseg = 1 + 2 int(L / dL), parnet's per_length rule
TYPE_LOCATION = (0, 0.5)   # edge type 21 places its edges at soma(0.5)


def section_names(morphology_tool):
    """Sections of the morphology in parnet's order (the afferent_section_id numbering)."""
    out = subprocess.run([morphology_tool, MORPHOLOGY], capture_output=True, text=True, check=True).stdout
    names = []
    for line in out.splitlines():
        parts = line.split()
        if parts and "[" in parts[0] and parts[0].split("[")[0] in ("soma", "axon", "dend", "apic"):
            names.append(parts[0])
    return names


def config_document(tstop, **fields):
    """circuit_config.json of a circuit laid out as build() lays it out, with more fields."""
    return {
        "manifest": {"$BASE_DIR": "${configdir}", "$COMPONENTS": "$BASE_DIR/components"},
        "components": {"morphologies_dir": "$COMPONENTS/morphologies",
                       "biophysical_neuron_models_dir": "$COMPONENTS/biophysical_neuron_models",
                       "synaptic_models_dir": "$COMPONENTS/synaptic_models"},
        "networks": {"nodes": [{"nodes_file": "$BASE_DIR/nodes.h5", "node_types_file": "$BASE_DIR/node_types.csv"}],
                     "edges": [{"edges_file": "$BASE_DIR/edges.h5", "edge_types_file": "$BASE_DIR/edge_types.csv"}]},
        "run": {"tstop": tstop, "dt": DT, "spike_threshold": THRESHOLD, "dL": DL}, **fields}


def build(folder, names):
    rng = np.random.default_rng(11)
    circuit = os.path.join(folder, "circuit")
    for sub in ("biophysical_neuron_models", "synaptic_models", "morphologies"):
        os.makedirs(os.path.join(circuit, "components", sub), exist_ok=True)
    shutil.copy(MORPHOLOGY, os.path.join(circuit, "components", "morphologies", "pyramid.swc"))
    write_json(os.path.join(circuit, "components", "biophysical_neuron_models", "pyramid.json"), DYNAMICS)
    write_json(os.path.join(circuit, "components", "synaptic_models", "ampa.json"), SYNAPSE)
    write_nodes(os.path.join(circuit, "nodes.h5"), {"input": {"node_type_id": np.full(INPUTS, 1)},
                                                      "bio": {"node_type_id": np.full(CELLS, 100)}})
    write_types_csv(os.path.join(circuit, "node_types.csv"), "node_type_id", [
        {"node_type_id": 1, "model_type": "virtual"},
        {"node_type_id": 100, "model_type": "biophysical", "model_template": "ctdb:Biophys1.hoc",
         "morphology": "pyramid.swc", "dynamics_params": "pyramid.json"}])
    spikes = sorted((float(t), n) for n in range(INPUTS) for t in rng.uniform(2, TSTOP - 10, 6))
    write_spikes(os.path.join(circuit, "input_spikes.h5"), "input", [n for _, n in spikes], [t for t, _ in spikes])

    # Edges input -> bio: per edge a section (not the soma) and x; edge type 21 puts its edges at soma(0.5).
    sources, targets, types, section_ids, positions, weights = [], [], [], [], [], []
    dendritic = [i for i, n in enumerate(names) if n.startswith(("dend", "apic"))]
    for t in range(CELLS):
        for s in range(INPUTS):
            sources.append(s)
            targets.append(t)
            on_soma = s % 3 == 2
            types.append(21 if on_soma else 20)
            section_ids.append(-1 if on_soma else int(rng.choice(dendritic)))
            positions.append(-1.0 if on_soma else float(np.round(rng.uniform(0, 1), 3)))
            weights.append(float(rng.uniform(0.004, 0.012)))
    order = rng.permutation(len(sources))   # edges in no particular order
    sources, targets, types, section_ids, positions, weights = (
        np.asarray(a)[order] for a in (sources, targets, types, section_ids, positions, weights))
    # Group 0: edges with their own location; group 1: edges placed by their type.
    own = types == 20
    group_id = np.where(own, 0, 1)
    group_index = np.zeros(len(sources), dtype=np.int64)
    group_index[own] = np.arange(own.sum())
    group_index[~own] = np.arange((~own).sum())
    write_edges(os.path.join(circuit, "edges.h5"), {"input_to_bio": {
        "source": "input", "target": "bio", "source_ids": sources, "target_ids": targets, "edge_type_id": types,
        "target_count": CELLS, "edge_group_id": group_id, "edge_group_index": group_index,
        "groups": {0: {"syn_weight": weights[own], "afferent_section_id": section_ids[own],
                       "afferent_section_pos": positions[own]},
                   1: {"syn_weight": weights[~own]}}}})
    write_types_csv(os.path.join(circuit, "edge_types.csv"), "edge_type_id", [
        {"edge_type_id": 20, "model_template": "exp2syn", "dynamics_params": "ampa.json", "delay": 1.5},
        {"edge_type_id": 21, "model_template": "exp2syn", "dynamics_params": "ampa.json", "delay": 2.0,
         "afferent_section_id": TYPE_LOCATION[0], "afferent_section_pos": TYPE_LOCATION[1]}])
    config = os.path.join(circuit, "circuit_config.json")
    write_json(config, config_document(TSTOP, **{
        "inputs": {"drive": {"input_type": "spikes", "module": "sonata", "input_file": "$BASE_DIR/input_spikes.h5",
                             "node_set": "input"},
                   "step": {"input_type": "current_clamp", "module": "IClamp", "node_set": "clamped",
                            "amp": 0.6, "delay": 10.0, "duration": 40.0}},
        "node_sets": {"clamped": {"population": "bio", "node_id": [0, 1]}},
        "reports": {"soma_v": {"cells": "bio", "variable_name": "v", "sections": "soma", "dt": 0.1}}}))

    # The same cells as a parnet model: one population per node (each cell its own synapses).
    times = [[] for _ in range(INPUTS)]
    for t, n in spikes:
        times[n].append(t)
    populations = [{"name": "input", "count": INPUTS, "kind": "spike_source", "model": "replay", "times": times}]
    projections, traces = [], []
    for cell in range(CELLS):
        synapses, rows = [], []
        for e in range(len(sources)):   # SONATA's order of a cell's connections: edge ids ascending
            if targets[e] != cell:
                continue
            section, x = (section_ids[e], positions[e]) if types[e] == 20 else TYPE_LOCATION
            name = f"e{e}"
            synapses.append({"name": name, "type": "exp2syn", "section": names[section], "x": float(x),
                             "tau1": SYNAPSE["tau1"], "tau2": SYNAPSE["tau2"], "e": SYNAPSE["erev"]})
            rows.append([int(sources[e]), 0, float(weights[e]), 1.5 if types[e] == 20 else 2.0, name])
        populations.append({"name": f"bio{cell}", "count": 1, "kind": "cable", "cell": {
            "morphology": MORPHOLOGY, "Ra": 100.0, "v_init": -65.0, "celsius": 6.3, "biophysics": BIOPHYSICS,
            "nseg": {"per_length": DL}, "synapses": synapses, "detector": {"threshold": THRESHOLD}}})
        projections.append({"source": "input", "target": f"bio{cell}", "rule": {"type": "explicit", "connections": rows},
                            "synapse": synapses[0]["name"]})
        traces.append({"name": f"bio{cell}_v", "population": f"bio{cell}", "section": names[0], "x": 0.5, "interval": 0.1})
    model = {"run": {"tstop": TSTOP, "dt": DT}, "populations": populations, "projections": projections,
             "stimuli": [{"type": "current_clamp", "population": f"bio{c}", "cells": "all", "delay": 10.0, "duration": 40.0,
                          "amplitude": 0.6, "section": names[0], "x": 0.5} for c in range(CELLS)],
             "recordings": {"spikes": "all", "traces": traces}}
    model_file = os.path.join(folder, "model.json")
    write_json(model_file, model)
    return config, model_file


def run(engine, source, ranks, out, expect_ok=True):
    cmd = ["mpirun", "--oversubscribe", "-n", str(ranks), engine, "--quiet", "--output", out, source]
    done = subprocess.run(cmd, env=MPI_ENV, capture_output=True, text=True, timeout=300)
    if expect_ok and done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def sonata_results(out):
    with h5py.File(os.path.join(out, "spikes.h5"), "r") as f:
        ids, ts = f["spikes/bio/node_ids"][()], f["spikes/bio/timestamps"][()]
    spikes = [sorted(ts[ids == c].tolist()) for c in range(CELLS)]
    with h5py.File(os.path.join(out, "soma_v.h5"), "r") as f:
        r = f["report/bio"]
        nodes = r["mapping/node_ids"][()].tolist()
        data = r["data"][()]
        traces = [data[:, nodes.index(c)] for c in range(CELLS)]
    return spikes, traces


def json_results(out):
    spikes, traces = [], []
    for c in range(CELLS):
        with h5py.File(os.path.join(out, "spikes.h5"), "r") as f:
            spikes.append(sorted(f[f"spikes/bio{c}/timestamps"][()].tolist()))
        with h5py.File(os.path.join(out, f"bio{c}_v.h5"), "r") as f:
            traces.append(f[f"report/bio{c}/data"][()][:, 0])
    return spikes, traces


def malformed(engine, work, config):
    """Each change to a copy of the circuit must be refused naming the file and the field."""
    cases = []

    def case(name, expect, change):
        cases.append((name, expect, change))

    def edit_csv(path, old, new):
        text = open(path).read()
        assert old in text, (path, old)
        open(path, "w").write(text.replace(old, new))

    def edit_json(path, change):
        doc = json.load(open(path))
        change(doc)
        json.dump(doc, open(path, "w"))

    def edit_h5(path, dataset, values):
        with h5py.File(path, "a") as f:
            del f[dataset]
            f[dataset] = values

    case("missing morphology", ["node_types.csv:3", "morphology", "nothere.swc"],
         lambda c: edit_csv(os.path.join(c, "node_types.csv"), "pyramid.swc", "nothere.swc"))
    case("section id out of range", ["edges.h5", "afferent_section_id", "expected a section index"],
         lambda c: edit_h5(os.path.join(c, "edges.h5"), "edges/input_to_bio/0/afferent_section_id",
                           np.full(8, 999.0)))
    case("no section position", ["edges.h5", "afferent_section_pos", "missing"],
         lambda c: edit_csv(os.path.join(c, "edge_types.csv"), " 0.5 ", " NONE "))
    case("unknown synapse template", ["edge_types.csv", "model_template", "exp2syn or expsyn"],
         lambda c: edit_csv(os.path.join(c, "edge_types.csv"), "2.0 ampa.json exp2syn", "2.0 ampa.json alpha"))
    case("bad genome name", ["pyramid.json", "genome[3].name"],
         lambda c: edit_json(os.path.join(c, "components", "biophysical_neuron_models", "pyramid.json"),
                             lambda d: d["genome"][3].update(name="gpas")))
    case("unknown mechanism", ["pyramid.json", "NaV"],
         lambda c: edit_json(os.path.join(c, "components", "biophysical_neuron_models", "pyramid.json"),
                             lambda d: d["genome"][0].update(mechanism="NaV", name="gbar_NaV")))
    case("unknown dynamics key", ["pyramid.json", "axon_morph"],
         lambda c: edit_json(os.path.join(c, "components", "biophysical_neuron_models", "pyramid.json"),
                             lambda d: d.update(axon_morph=[])))
    case("bad synapse parameter", ["ampa.json", "tau3"],
         lambda c: edit_json(os.path.join(c, "components", "synaptic_models", "ampa.json"), lambda d: d.update(tau3=1)))
    failures = 0
    source = os.path.dirname(config)
    for i, (name, expect, change) in enumerate(cases):
        copy = os.path.join(work, f"malformed_{i}")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(source, copy)
        change(copy)
        for ranks in (1, 2):
            done = run(engine, os.path.join(copy, "circuit_config.json"), ranks, os.path.join(work, f"malformed_out_{i}"),
                       expect_ok=False)
            message = done.stderr.strip()
            ok = done.returncode == 1 and all(e in message for e in expect) and message.count("error") == 1
            if not ok or ranks == 2:
                print(f"{name} ({ranks} ranks): {'refused' if ok else 'NOT AS EXPECTED'}: {message}")
            failures += 0 if ok else 1
    return failures


def several_detectors(engine, work, config, names, ref_spikes):
    """A "detectors" list in the node type's dynamics_params (docs/sonata-input.md): the first
    (soma, at run.spike_threshold) gives the cells' spikes unchanged, the second's (the end of the
    first axon section) are written as /spikes/bio.axon_end with the SONATA node ids."""
    folder = os.path.join(work, "detectors")
    shutil.copytree(os.path.dirname(config), folder)
    dynamics = os.path.join(folder, "components", "biophysical_neuron_models", "pyramid.json")
    doc = json.load(open(dynamics))
    axon = next(n for n in names if n.startswith("axon"))
    doc["detectors"] = [{"name": "soma", "section": names[0]}, {"name": "axon_end", "section": axon, "x": 1.0}]
    write_json(dynamics, doc)
    out = os.path.join(work, "detectors_out")
    run(engine, os.path.join(folder, "circuit_config.json"), 2, out)
    spikes, _ = sonata_results(out)
    with h5py.File(os.path.join(out, "spikes.h5"), "r") as f:
        ids = f["spikes/bio.axon_end/node_ids"][()] if "spikes/bio.axon_end" in f else np.array([])
    ok = spikes == ref_spikes and sorted(set(ids.tolist())) == list(range(CELLS))
    print(f"two detectors from dynamics_params: soma spikes {'unchanged' if spikes == ref_spikes else 'CHANGED'}, "
          f"{len(ids)} spikes of bio.axon_end from nodes {sorted(set(ids.tolist()))}")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", required=True)
    ap.add_argument("--morphology", required=True, help="build/bin/morphology (lists the sections)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    names = section_names(args.morphology)
    if len(names) < 5:
        sys.exit(f"FAIL: read {len(names)} section names from {args.morphology}")
    config, model = build(args.work, names)
    run(args.engine, model, 1, os.path.join(args.work, "json_1"))
    ref_spikes, ref_traces = json_results(os.path.join(args.work, "json_1"))
    if min(len(s) for s in ref_spikes) < 1:
        sys.exit(f"FAIL: a cell never fires ({[len(s) for s in ref_spikes]} spikes): the comparison would show little")
    failures = 0
    for ranks in args.ranks:
        out = os.path.join(args.work, f"sonata_{ranks}")
        run(args.engine, config, ranks, out)
        spikes, traces = sonata_results(out)
        same = spikes == ref_spikes and all(np.array_equal(a, b) for a, b in zip(traces, ref_traces))
        print(f"SONATA circuit, {ranks} ranks: {[len(s) for s in spikes]} spikes: "
              f"{'identical to the JSON model' if same else 'DIFFERENT'}")
        if not same:
            failures += 1
            print("  SONATA", spikes, "\n  JSON  ", ref_spikes)
            for c in range(CELLS):
                print(f"  cell {c}: largest trace difference {np.max(np.abs(traces[c] - ref_traces[c]))} mV")
    failures += several_detectors(args.engine, args.work, config, names, ref_spikes)
    failures += malformed(args.engine, args.work, config)
    print("PASS" if failures == 0 else "FAIL")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
