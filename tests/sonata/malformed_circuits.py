#!/usr/bin/python3
"""Every malformed SONATA input tried is refused by the real engine (`engine --check`, and a run)
under mpirun with 2 ranks: exit status 1, the message printed once, naming the file, the dataset,
attribute or file:line, and what was expected. The circuit is tests/sonata/small_circuit.py's,
damaged one way per case with h5py or by editing its text files.

With --plan BIN, the `plan` program is given every damaged circuit too (it reads a circuit as
the engine does, every cell's edges at once): exit status 1 and the same pieces of the message.

Usage: malformed_circuits.py --engine BIN --work DIR [--ranks 2] [--plan BIN]
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
import small_circuit  # noqa: E402

MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_mpi_yield_when_idle="1", OMP_WAIT_POLICY="passive")


def h5(path, action):
    def mutate(folder):
        with h5py.File(os.path.join(folder, path), "r+") as f:
            action(f)
    return mutate


def replace_dataset(name, data):
    def action(f):
        attrs = dict(f[name].attrs)
        del f[name]
        f[name] = data
        for k, v in attrs.items():
            f[name].attrs[k] = v
    return action


def text(path, edit):
    def mutate(folder):
        full = os.path.join(folder, path)
        with open(full) as f:
            content = f.read()
        with open(full, "w") as f:
            f.write(edit(content))
    return mutate


def config(edit):
    def mutate(folder):
        full = os.path.join(folder, "circuit_config.json")
        doc = json.load(open(full))
        edit(doc)
        json.dump(doc, open(full, "w"))
    return mutate


def set_item(d, keys, value):
    for k in keys[:-1]:
        d = d[k]
    d[keys[-1]] = value


NODES = "network_nodes.h5"
EDGES = "network_edges.h5"
E = "edges/exc_to_exc"

# (name, mutation, expected pieces of the message, in order)
CASES = [
    ("missing node_type_id", h5(NODES, lambda f: f.__delitem__("nodes/exc/node_type_id")),
     [NODES, "/nodes/exc/node_type_id: missing; expected a 1-d integer dataset"]),
    ("float node_group_index", h5(NODES, replace_dataset("nodes/exc/node_group_index", np.arange(60.0))),
     [NODES, "/nodes/exc/node_group_index: expected a 1-d integer dataset, got a 1-d float dataset"]),
    ("short node_group_id", h5(NODES, replace_dataset("nodes/exc/node_group_id", np.zeros(59, dtype=np.int64))),
     [NODES, "/nodes/exc/node_group_id: expected 60 values (one per node, as node_type_id), got 59"]),
    ("unknown node type", h5(NODES, replace_dataset("nodes/inh/node_type_id", np.full(20, 999))),
     [NODES, "/nodes/inh/node_type_id: node 0: expected a node type of", "network_node_types.csv, got 999 (no such node_type_id)"]),
    ("node_group_index out of range", h5(NODES, replace_dataset("nodes/exc/node_group_index", np.arange(1, 61))),
     [NODES, "/nodes/exc/node_group_index: node 59: expected an index into group 0 (< 60), got 60"]),
    ("missing node group", h5(NODES, replace_dataset("nodes/inh/node_group_id", np.full(20, 3))),
     [NODES, "/nodes/inh/node_group_id: node 0: expected the id of a group /nodes/inh/<id>, got 3 (no such group)"]),
    ("edge type that does not exist", None, []),
    ("source_node_id out of range", None, []),
    ("missing target index", h5(EDGES, lambda f: f.__delitem__(f"{E}/indices")),
     [EDGES, f"/{E}/indices/target_to_source: missing; expected the target index"]),
    ("node_id_to_range beyond range_to_edge_id", None, []),
    ("range_to_edge_id beyond the edges", None, []),
    ("index disagrees with target_node_id", None, []),
    ("node_id_to_range of the wrong shape", h5(EDGES, replace_dataset(f"{E}/indices/target_to_source/node_id_to_range",
                                                                     np.zeros(60, dtype=np.int64))),
     [EDGES, f"/{E}/indices/target_to_source/node_id_to_range: expected an n x 2 integer dataset, got a 1-d integer dataset"]),
    ("population named in the config but absent", config(lambda d: set_item(d, ["networks", "nodes", 1, "populations"],
                                                                            {"exc": {}, "pv": {}})),
     ["circuit_config.json: networks.nodes[1].populations.pv: expected a population of", NODES, "which has no /nodes/pv"]),
    ("edge population named in the config but absent", config(lambda d: set_item(d, ["networks", "edges", 0, "populations"],
                                                                                 {"lgn_to_exc": {}})),
     ["circuit_config.json: networks.edges[0].populations.lgn_to_exc: expected a population of", "which has no /edges/lgn_to_exc"]),
    ("node_population naming an absent population",
     h5(EDGES, lambda f: f[f"{E}/source_node_id"].attrs.__setitem__("node_population", "lgn")),
     [EDGES, f"/{E}/source_node_id: attribute node_population: expected the name of a node population of the circuit "
             "(input, exc, inh), got \"lgn\""]),
    ("node_population missing", h5(EDGES, lambda f: f[f"{E}/target_node_id"].attrs.__delitem__("node_population")),
     [EDGES, f"/{E}/target_node_id: attribute node_population: missing"]),
    ("node_types.csv line with a field missing", text("network_node_types.csv", lambda t: t.replace("200 inh_intfire.json", "200")),
     ["network_node_types.csv:3: expected 5 space-separated fields as the header, got 4"]),
    ("node_types.csv unterminated quote", text("network_node_types.csv", lambda t: t.replace('"layer 4 exc"', '"layer 4 exc')),
     ["network_node_types.csv:2: expected a closing double quote"]),
    ("edge_types.csv non-numeric syn_weight", text("edge_types.csv", lambda t: t.replace("0.35", "heavy")),
     ["edge_types.csv:4: syn_weight: expected a number, got \"heavy\""]),
    ("edge_types.csv bad id", text("edge_types.csv", lambda t: t.replace("\n13 ", "\nx13 ")),
     ["edge_types.csv:5: edge_type_id: expected an integer >= 0, got \"x13\""]),
    ("no syn_weight anywhere", h5(EDGES, lambda f: f.__delitem__(f"{E}/0/syn_weight")),
     [EDGES, f"/{E}: edge", "syn_weight: missing; expected it in the edge's group", "or in the column syn_weight of edge type 11"]),
    ("delay below dt", h5(EDGES, lambda f: f[f"{E}/0/delay"].__setitem__(0, 0.01)),
     [EDGES, f"/{E}: edge 0: delay: expected a delay >= dt (0.025 ms), got 0.01"]),
    ("biophysical node type without a morphology", text("network_node_types.csv", lambda t: t.replace("point_process", "biophysical")),
     ["network_node_types.csv:3: node type 200: morphology: missing; expected an SWC (.swc) or Neurolucida (.asc) file"]),
    ("unknown point template", text("network_node_types.csv", lambda t: t.replace("parnet:lif", "nest:iaf_psc_alpha")),
     ["network_node_types.csv:2: node type 100: model_template: expected nrn:IntFire1 (parnet's intfire) or parnet:lif",
      "got \"nest:iaf_psc_alpha\""]),
    ("unknown dynamics parameter", text("components/point_neuron_models/exc_lif.json", lambda t: t.replace("tau_m", "tau_x")),
     ["exc_lif.json: tau_x: unknown parameter of lif cells"]),
    ("spike input without the population", h5("input_spikes.h5", lambda f: f.move("spikes/input", "spikes/lgn")),
     ["input_spikes.h5: /spikes/input: missing; expected the spikes of population input"]),
    ("spike input node id out of range", h5("input_spikes.h5", lambda f: f["spikes/input/node_ids"].__setitem__(0, 20)),
     ["input_spikes.h5: /spikes/input/node_ids: spike 0: expected a node id of population input (< 20), got 20"]),
    ("undefined manifest variable", config(lambda d: set_item(d, ["networks", "edges", 0, "edges_file"], "$NOPE/input_edges.h5")),
     ["circuit_config.json: networks.edges[0].edges_file: expected manifest variables that are defined", "$NOPE"]),
    ("missing nodes file", lambda folder: os.remove(os.path.join(folder, "input_nodes.h5")),
     ["input_nodes.h5: cannot open the nodes file (no such file)"]),
    ("edge group that does not exist", None, []),
    ("edge_group_index beyond the group", None, []),
    ("node set of an absent population", config(lambda d: set_item(d, ["node_sets", "traced_exc", "population"], "pv")),
     ["circuit_config.json: node_sets.traced_exc.population: expected a node population (input, exc, inh), got \"pv\""]),
    ("nodes file that is not HDF5", lambda folder: open(os.path.join(folder, NODES), "w").write("not hdf5"), []),
]


def edge_count(folder, name=E):
    with h5py.File(os.path.join(folder, EDGES), "r") as f:
        return len(f[f"{name}/source_node_id"])


def fill_placeholders(template):
    """Cases whose data depend on the written circuit (sizes, where a node's edges lie)."""
    n = edge_count(template)
    with h5py.File(os.path.join(template, EDGES), "r") as f:
        target = f[f"{E}/target_node_id"][()]
        ranges = f[f"{E}/indices/target_to_source/range_to_edge_id"][()]
    first_edge_of_0 = int(ranges[0][0])
    out = []
    for name, mutate, expected in CASES:
        if name == "edge type that does not exist":
            types = np.full(n, 11)
            types[first_edge_of_0] = 77
            mutate = h5(EDGES, replace_dataset(f"{E}/edge_type_id", types))
            expected = [EDGES, f"/{E}/edge_type_id: edge {first_edge_of_0}: expected an edge type of", "edge_types.csv, got 77 "
                        "(no such edge_type_id)"]
        elif name == "source_node_id out of range":
            mutate = h5(EDGES, lambda f: f[f"{E}/source_node_id"].__setitem__(first_edge_of_0, 60))
            expected = [EDGES, f"/{E}/source_node_id: edge {first_edge_of_0}: expected a node id of population exc (< 60), got 60"]
        elif name == "node_id_to_range beyond range_to_edge_id":
            rows = len(ranges)
            mutate = h5(EDGES, lambda f: f[f"{E}/indices/target_to_source/node_id_to_range"].__setitem__(1, [rows - 1, rows + 5]))
            expected = [EDGES, f"/{E}/indices/target_to_source/node_id_to_range: row 1: expected rows [first, last) of "
                        f"range_to_edge_id ({rows} rows), got [{rows - 1}, {rows + 5})"]
        elif name == "range_to_edge_id beyond the edges":
            mutate = h5(EDGES, lambda f: f[f"{E}/indices/target_to_source/range_to_edge_id"].__setitem__(0, [n - 1, n + 3]))
            expected = [EDGES, f"/{E}/indices/target_to_source/range_to_edge_id: row 0: expected edge ids [first, last) within "
                        f"the {n} edges, got [{n - 1}, {n + 3})"]
        elif name == "index disagrees with target_node_id":
            bad = target.copy()
            bad[first_edge_of_0] = 1 if bad[first_edge_of_0] != 1 else 2
            mutate = h5(EDGES, replace_dataset(f"{E}/target_node_id", bad.astype(np.int64)))
            expected = [EDGES, f"/{E}/target_node_id: edge {first_edge_of_0}: expected target node 0 (where the index places it), "
                        f"got {bad[first_edge_of_0]}"]
        elif name == "edge group that does not exist":
            groups = np.zeros(n, dtype=np.int64)
            groups[first_edge_of_0] = 4
            mutate = h5(EDGES, replace_dataset(f"{E}/edge_group_id", groups))
            expected = [EDGES, f"/{E}/edge_group_id: edge {first_edge_of_0}: expected the id of a group /{E}/<id>, got 4 (no such group)"]
        elif name == "edge_group_index beyond the group":
            index = np.arange(n, dtype=np.int64)
            index[first_edge_of_0] = n
            mutate = h5(EDGES, replace_dataset(f"{E}/edge_group_index", index))
            expected = [EDGES, f"/{E}/edge_group_index: expected indices into group 0 (< {n} rows of /{E}/0/syn_weight), got {n}"]
        elif name == "nodes file that is not HDF5":
            expected = [NODES, "cannot open the nodes file"]
        out.append((name, mutate, expected))
    return out


def missing_pieces(message, expected):
    """The expected pieces not found in the message in their order."""
    problems, at = [], 0
    for piece in expected:
        found = message.find(piece, at)
        if found < 0:
            problems.append(f"no \"{piece}\"")
        else:
            at = found + len(piece)
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--plan")
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    config_file, _ = small_circuit.build(os.path.join(args.work, "template"))
    template = os.path.dirname(config_file)
    cases = fill_placeholders(template)
    # The undamaged circuit passes.
    ok = subprocess.run(["mpirun", "--oversubscribe", "-n", str(args.ranks), args.engine, "--check", config_file],
                        env=MPI_ENV, capture_output=True, text=True)
    if ok.returncode != 0 or "valid" not in ok.stdout:
        sys.exit(f"FAIL: the undamaged circuit is refused:\n{ok.stdout}{ok.stderr}")
    failures = []
    for i, (name, mutate, expected) in enumerate(cases):
        folder = os.path.join(args.work, f"case{i:02d}")
        shutil.copytree(template, folder)
        mutate(folder)
        config = os.path.join(folder, "circuit_config.json")
        for mode in (["--check"], ["--quiet", "--progress", "0", "-o", os.path.join(folder, "out")]):
            done = subprocess.run(["mpirun", "--oversubscribe", "-n", str(args.ranks), args.engine, *mode, config],
                                  env=MPI_ENV, capture_output=True, text=True, timeout=120)
            message = done.stderr.strip()
            problems = []
            if done.returncode != 1:
                problems.append(f"exit {done.returncode} (expected 1)")
            # (mpirun's own notice may interleave with the message on stderr: count the message.)
            if message.count(": error: ") != 1:
                problems.append(f"{message.count(': error: ')} error messages (expected the message once)")
            problems += missing_pieces(message, expected)
            if problems:
                failures.append(f"{name} ({mode[0]}): {'; '.join(problems)}\n    got: {message}")
            elif mode[0] == "--check":
                print(f"ok  {name}: {message[message.find('engine'):].splitlines()[0]}")
        if args.plan:
            done = subprocess.run([args.plan, config, "--ranks", "2", "--static-costs", "-q", "-o",
                                   os.path.join(folder, "plan.h5")], capture_output=True, text=True, timeout=120)
            message = done.stderr.strip()
            problems = [] if done.returncode == 1 else [f"exit {done.returncode} (expected 1)"]
            problems += missing_pieces(message, expected)
            if problems:
                failures.append(f"{name} (plan): {'; '.join(problems)}\n    got: {message}")
    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print(f"all {len(cases)} malformed circuits refused with the file and what was expected, exit 1, at {args.ranks} ranks")


if __name__ == "__main__":
    main()
