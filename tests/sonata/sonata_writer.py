"""Writes SONATA circuits with h5py following the SONATA specification (AllenInstitute/sonata,
docs/SONATA_DEVELOPER_GUIDE.md): nodes.h5 (/nodes/<population>/node_type_id, node_group_id,
node_group_index, <group>/...), node_types.csv (space-separated), edges.h5
(/edges/<population>/source_node_id and target_node_id with their node_population attributes,
edge_type_id, edge_group_id, edge_group_index, <group>/syn_weight|delay|nsyns, and the target
index indices/target_to_source/node_id_to_range and range_to_edge_id), edge_types.csv, a SONATA
spike file for virtual nodes, and circuit_config.json. Used by the SONATA tests and
bench/sonata_memory.py."""
import json
import os

import h5py
import numpy as np


def write_types_csv(path, id_column, rows):
    """rows: list of dicts; columns are the union of their keys (id first); absent values NONE."""
    columns = [id_column] + sorted({k for r in rows for k in r} - {id_column})
    with open(path, "w") as f:
        f.write(" ".join(columns) + "\n")
        for r in rows:
            f.write(" ".join(str(r.get(c, "NONE")) for c in columns) + "\n")


def write_nodes(path, populations):
    """populations: {name: {"node_type_id": array, "groups": {gid: {"dynamics_params": {...}}},
    "node_group_id": array (default 0), "node_group_index": array (default arange)}}."""
    with h5py.File(path, "w") as f:
        for name, pop in populations.items():
            g = f.create_group(f"nodes/{name}")
            types = np.asarray(pop["node_type_id"], dtype=np.int64)
            n = len(types)
            g["node_type_id"] = types
            g["node_group_id"] = np.asarray(pop.get("node_group_id", np.zeros(n)), dtype=np.int64)
            g["node_group_index"] = np.asarray(pop.get("node_group_index", np.arange(n)), dtype=np.int64)
            for gid, group in pop.get("groups", {0: {}}).items():
                grp = g.create_group(str(gid))
                for key, values in group.get("dynamics_params", {}).items():
                    grp[f"dynamics_params/{key}"] = np.asarray(values, dtype=np.float64)
                for key, values in group.get("attributes", {}).items():
                    grp[key] = values


def target_index(target_ids, target_count):
    """SONATA's target index: node_id_to_range (per node, rows of range_to_edge_id) and
    range_to_edge_id (runs of consecutive edge ids with one target), edges in any order."""
    target_ids = np.asarray(target_ids, dtype=np.int64)
    runs = []  # (target, first edge, last edge)
    start = 0
    for e in range(1, len(target_ids) + 1):
        if e == len(target_ids) or target_ids[e] != target_ids[start]:
            runs.append((int(target_ids[start]), start, e))
            start = e
    runs.sort(key=lambda r: (r[0], r[1]))
    node_to_range = np.zeros((target_count, 2), dtype=np.int64)
    range_to_edge = np.zeros((len(runs), 2), dtype=np.int64)
    row = 0
    for node in range(target_count):
        first = row
        while row < len(runs) and runs[row][0] == node:
            range_to_edge[row] = runs[row][1:]
            row += 1
        node_to_range[node] = (first, row)
    return node_to_range, range_to_edge


def write_edges(path, populations, chunk=None):
    """populations: {name: {"source": pop name, "target": pop name, "source_ids", "target_ids",
    "edge_type_id", "target_count", "groups": {gid: {"syn_weight": ..., "delay": ...}},
    "edge_group_id" (default 0), "edge_group_index" (default arange)}}."""
    with h5py.File(path, "w") as f:
        for name, pop in populations.items():
            g = f.create_group(f"edges/{name}")
            s = np.asarray(pop["source_ids"], dtype=np.int64)
            t = np.asarray(pop["target_ids"], dtype=np.int64)
            n = len(s)
            kw = {"chunks": True} if chunk else {}
            g.create_dataset("source_node_id", data=s, **kw)
            g["source_node_id"].attrs["node_population"] = pop["source"]
            g.create_dataset("target_node_id", data=t, **kw)
            g["target_node_id"].attrs["node_population"] = pop["target"]
            g.create_dataset("edge_type_id", data=np.asarray(pop["edge_type_id"], dtype=np.int64), **kw)
            g.create_dataset("edge_group_id", data=np.asarray(pop.get("edge_group_id", np.zeros(n)), dtype=np.int64), **kw)
            g.create_dataset("edge_group_index", data=np.asarray(pop.get("edge_group_index", np.arange(n)), dtype=np.int64), **kw)
            for gid, group in pop.get("groups", {0: {}}).items():
                grp = g.create_group(str(gid))
                for key, values in group.items():
                    grp.create_dataset(key, data=np.asarray(values, dtype=np.float64), **kw)
            if pop.get("index", True):
                node_to_range, range_to_edge = target_index(t, pop["target_count"])
                g["indices/target_to_source/node_id_to_range"] = node_to_range
                g["indices/target_to_source/range_to_edge_id"] = range_to_edge


def write_spikes(path, population, node_ids, timestamps):
    with h5py.File(path, "w") as f:
        g = f.create_group(f"spikes/{population}")
        g.attrs["sorting"] = "by_time"
        g["node_ids"] = np.asarray(node_ids, dtype=np.uint64)
        g["timestamps"] = np.asarray(timestamps, dtype=np.float64)
        g["timestamps"].attrs["units"] = "ms"


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
