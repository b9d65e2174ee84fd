"""One small network written twice: as a SONATA circuit (circuit_config.json, nodes, edges with
target indices, type tables, a spike input) and as a parnet JSON model with explicit connections
(inline lists and a CSV file), meant to give the same spikes and traces bit for bit.

  input  20 virtual nodes, replaying spikes.h5           (JSON: spike_source replay)
  exc    60 lif cells, node type 100                     (JSON: lif)
  inh    20 intfire cells (nrn:IntFire1), node type 200  (JSON: intfire)
Edges, in shuffled order (so a target's edges lie in several runs of the target index), with
duplicates: input->exc (delay from edge_types.csv), exc->exc, exc->inh (weight from edge_types.csv,
nsyns 1 or 2 per edge), inh->exc (negative weights: the lif's inhibitory synapse)."""
import os

import numpy as np

from sonata_writer import write_edges, write_json, write_nodes, write_spikes, write_types_csv

DT = 0.025
TSTOP = 200.0
SIZES = {"input": 20, "exc": 60, "inh": 20}
LIF = {"tau_m": 20.0, "C_m": 0.25, "v_rest": -65.0, "v_thresh": -52.0, "v_reset": -68.0, "t_ref": 2.0,
       "i_bias": 0.15, "tau_syn_exc": 2.0, "tau_syn_inh": 6.0}
INTFIRE = {"tau": 8.0, "refrac": 3.0}


def draw_edges(rng, source_count, target_count, per_target):
    targets = np.repeat(np.arange(target_count), per_target)
    sources = rng.integers(0, source_count, len(targets))
    sources[5] = sources[4] if targets[5] == targets[4] else sources[5]  # a duplicate
    order = rng.permutation(len(targets))
    return sources[order], targets[order]


def build(folder, seed=3):
    """Writes <folder>/circuit/... and <folder>/model.json; returns their paths."""
    rng = np.random.default_rng(seed)
    circuit = os.path.join(folder, "circuit")
    os.makedirs(os.path.join(circuit, "components", "point_neuron_models"), exist_ok=True)
    write_json(os.path.join(circuit, "components", "point_neuron_models", "exc_lif.json"), LIF)
    write_json(os.path.join(circuit, "components", "point_neuron_models", "inh_intfire.json"), INTFIRE)

    # Nodes.
    write_nodes(os.path.join(circuit, "input_nodes.h5"), {"input": {"node_type_id": np.full(SIZES["input"], 1)}})
    write_types_csv(os.path.join(circuit, "input_node_types.csv"), "node_type_id",
                    [{"node_type_id": 1, "model_type": "virtual", "pop_name": "thalamus"}])
    write_nodes(os.path.join(circuit, "network_nodes.h5"), {
        "exc": {"node_type_id": np.full(SIZES["exc"], 100),
                "groups": {0: {"attributes": {"x": rng.uniform(0, 100, SIZES["exc"])}}}},
        "inh": {"node_type_id": np.full(SIZES["inh"], 200)}})
    write_types_csv(os.path.join(circuit, "network_node_types.csv"), "node_type_id", [
        {"node_type_id": 100, "model_type": "point_neuron", "model_template": "parnet:lif", "dynamics_params": "exc_lif.json",
         "pop_name": "\"layer 4 exc\""},
        {"node_type_id": 200, "model_type": "point_process", "model_template": "nrn:IntFire1",
         "dynamics_params": "inh_intfire.json", "pop_name": "inh"}])

    # Spike input.
    spike_nodes, spike_times = [], []
    for n in range(SIZES["input"]):
        times = np.sort(rng.uniform(0, TSTOP, rng.integers(5, 30)))
        spike_nodes += [n] * len(times)
        spike_times += list(times)
    order = np.argsort(spike_times, kind="stable")
    spike_nodes, spike_times = np.asarray(spike_nodes)[order], np.asarray(spike_times)[order]
    write_spikes(os.path.join(circuit, "input_spikes.h5"), "input", spike_nodes, spike_times)

    # Edges: (name, source, target, per target, weight, delay, nsyns): None = from edge_types.csv.
    projections = []
    s, t = draw_edges(rng, SIZES["input"], SIZES["exc"], 8)
    projections.append(dict(name="input_to_exc", source="input", target="exc", s=s, t=t, type=10,
                            w=rng.uniform(0.05, 0.25, len(s)), d=None, nsyns=None))
    s, t = draw_edges(rng, SIZES["exc"], SIZES["exc"], 10)
    keep = s != t
    s, t = s[keep], t[keep]
    projections.append(dict(name="exc_to_exc", source="exc", target="exc", s=s, t=t, type=11,
                            w=rng.uniform(0.01, 0.06, len(s)), d=rng.uniform(1.0, 3.0, len(s)), nsyns=None))
    s, t = draw_edges(rng, SIZES["exc"], SIZES["inh"], 10)
    projections.append(dict(name="exc_to_inh", source="exc", target="inh", s=s, t=t, type=12,
                            w=None, d=rng.uniform(0.5, 2.0, len(s)), nsyns=rng.integers(1, 3, len(s)).astype(float)))
    s, t = draw_edges(rng, SIZES["inh"], SIZES["exc"], 5)
    projections.append(dict(name="inh_to_exc", source="inh", target="exc", s=s, t=t, type=13,
                            w=-rng.uniform(0.02, 0.1, len(s)), d=rng.uniform(0.8, 1.6, len(s)), nsyns=None))
    edge_types = [{"edge_type_id": 10, "delay": 1.5, "model_template": "static_synapse"},
                  {"edge_type_id": 11, "model_template": "static_synapse"},
                  {"edge_type_id": 12, "syn_weight": 0.35},
                  {"edge_type_id": 13, "dynamics_params": "inhibitory.json"}]
    write_types_csv(os.path.join(circuit, "edge_types.csv"), "edge_type_id", edge_types)

    def population(p):
        group = {}
        for key, values in (("syn_weight", p["w"]), ("delay", p["d"]), ("nsyns", p["nsyns"])):
            if values is not None:
                group[key] = values
        return {"source": p["source"], "target": p["target"], "source_ids": p["s"], "target_ids": p["t"],
                "edge_type_id": np.full(len(p["s"]), p["type"]), "target_count": SIZES[p["target"]], "groups": {0: group}}

    write_edges(os.path.join(circuit, "input_edges.h5"), {"input_to_exc": population(projections[0])})
    write_edges(os.path.join(circuit, "network_edges.h5"), {p["name"]: population(p) for p in projections[1:]})

    write_json(os.path.join(circuit, "circuit_config.json"), {
        "manifest": {"$BASE_DIR": "${configdir}", "$COMPONENTS": "$BASE_DIR/components"},
        "components": {"point_neuron_models_dir": "$COMPONENTS/point_neuron_models"},
        "networks": {
            "nodes": [{"nodes_file": "$BASE_DIR/input_nodes.h5", "node_types_file": "$BASE_DIR/input_node_types.csv"},
                      {"nodes_file": "$BASE_DIR/network_nodes.h5", "node_types_file": "$BASE_DIR/network_node_types.csv",
                       "populations": {"exc": {}, "inh": {}}}],
            "edges": [{"edges_file": "$BASE_DIR/input_edges.h5", "edge_types_file": "$BASE_DIR/edge_types.csv"},
                      {"edges_file": "$BASE_DIR/network_edges.h5", "edge_types_file": "$BASE_DIR/edge_types.csv"}]},
        "run": {"tstop": TSTOP, "dt": DT},
        "inputs": {"thalamus": {"input_type": "spikes", "module": "sonata", "input_file": "$BASE_DIR/input_spikes.h5",
                                "node_set": "input"},
                   "step": {"input_type": "current_clamp", "module": "IClamp", "node_set": "traced_exc",
                            "amp": 0.2, "delay": 50.0, "duration": 80.0}},
        "output": {"output_dir": "$BASE_DIR/output"},
        "node_sets": {"traced_exc": {"population": "exc", "node_id": [0, 3, 7, 11, 59]}},
        "reports": {"exc_v": {"cells": "traced_exc", "variable_name": "v", "sections": "soma", "dt": 0.1},
                    "inh_m": {"cells": "inh", "variable_name": "m", "dt": 0.05}}})

    # The same network as a parnet model.
    edge_type_of = {e["edge_type_id"]: e for e in edge_types}
    times = [[] for _ in range(SIZES["input"])]
    for n, t in zip(spike_nodes, spike_times):
        times[n].append(float(t))
    model_projections = []
    for p in projections:
        et = edge_type_of[p["type"]]
        rows = []
        for i in range(len(p["s"])):
            w = float(p["w"][i]) if p["w"] is not None else float(et["syn_weight"])
            if p["nsyns"] is not None:
                w *= float(p["nsyns"][i])
            d = float(p["d"][i]) if p["d"] is not None else float(et["delay"])
            row = [int(p["s"][i]), int(p["t"][i]), w, d]
            if p["target"] == "exc":
                row.append("inh" if w < 0 else "exc")
            rows.append(row)
        proj = {"name": p["name"], "source": p["source"], "target": p["target"]}
        if p["name"] == "exc_to_exc":  # from a file
            csv = os.path.join(folder, "exc_to_exc.csv")
            with open(csv, "w") as f:
                f.write("source,target,weight,delay,synapse\n")
                for r in rows:
                    f.write(f"{r[0]},{r[1]},{r[2]!r},{r[3]!r},{r[4]}\n")
            proj["rule"] = {"type": "explicit", "file": "exc_to_exc.csv", "allow_autapses": True}
        else:
            proj["rule"] = {"type": "explicit", "connections": rows, "allow_autapses": True}
        model_projections.append(proj)
    model = {
        "run": {"tstop": TSTOP, "dt": DT},
        "populations": [
            {"name": "input", "count": SIZES["input"], "kind": "spike_source", "model": "replay", "times": times},
            {"name": "exc", "count": SIZES["exc"], "kind": "lif", "params": LIF},
            {"name": "inh", "count": SIZES["inh"], "kind": "intfire", "params": INTFIRE}],
        "projections": model_projections,
        "stimuli": [{"type": "current_clamp", "population": "exc", "cells": [0, 3, 7, 11, 59], "delay": 50.0,
                     "duration": 80.0, "amplitude": 0.2}],
        "recordings": {"spikes": "all", "traces": [
            {"name": "exc_v", "population": "exc", "cells": [0, 3, 7, 11, 59], "variable": "v", "interval": 0.1},
            {"name": "inh_m", "population": "inh", "cells": "all", "variable": "m", "interval": 0.05}]}}
    model_file = os.path.join(folder, "model.json")
    write_json(model_file, model)
    return os.path.join(circuit, "circuit_config.json"), model_file


if __name__ == "__main__":
    import sys
    if len(sys.argv) != 2:
        sys.exit("usage: small_circuit.py FOLDER  (writes FOLDER/circuit/... and FOLDER/model.json)")
    print(*build(sys.argv[1]))
