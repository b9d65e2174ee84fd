#!/usr/bin/python3
"""Adds SONATA's target index to the edge populations of an edges file that lack it, so that parnet
can read each rank's share of the edges (docs/sonata-input.md):

    /usr/bin/python3 tools/sonata_index.py edges.h5 [--population NAME] [--target-count N]

For each population: indices/target_to_source/node_id_to_range (one row per target node: rows
[first, last) of range_to_edge_id) and range_to_edge_id (runs of consecutive edge ids with one
target), from target_node_id. The number of target nodes is taken from --target-count, or else
as the largest target node id + 1 (nodes after it get empty ranges; give --target-count when the
target population has more nodes). Existing indices are left alone. Reads target_node_id in
slices, so it needs memory for the runs, not for the whole file.
"""
import argparse
import sys

import h5py
import numpy as np

SLICE = 1 << 22


def runs_of(targets_ds):
    """(target, first edge, last edge) of every run of equal target ids, in edge order."""
    starts, ids = [], []
    previous = None
    n = len(targets_ds)
    for begin in range(0, n, SLICE):
        t = targets_ds[begin:begin + SLICE].astype(np.int64)
        change = np.flatnonzero(np.diff(t)) + 1
        first = [0] if previous is None or t[0] != previous else []
        starts.append(np.concatenate([np.asarray(first, dtype=np.int64), change]) + begin)
        ids.append(t[np.concatenate([np.asarray(first, dtype=np.int64), change]).astype(np.int64)])
        previous = t[-1]
    starts = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    ids = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    ends = np.append(starts[1:], n)
    return ids, starts, ends


def add_index(group, target_count):
    ids, starts, ends = runs_of(group["target_node_id"])
    if len(ids) and ids.min() < 0:
        sys.exit(f"{group.name}/target_node_id: negative node id {ids.min()}")
    count = target_count if target_count is not None else (int(ids.max()) + 1 if len(ids) else 0)
    if len(ids) and ids.max() >= count:
        sys.exit(f"{group.name}/target_node_id: node id {ids.max()} >= --target-count {count}")
    order = np.lexsort((starts, ids))
    ids, starts, ends = ids[order], starts[order], ends[order]
    first_row = np.searchsorted(ids, np.arange(count), side="left")
    last_row = np.searchsorted(ids, np.arange(count), side="right")
    group["indices/target_to_source/node_id_to_range"] = np.stack([first_row, last_row], axis=1).astype(np.uint64)
    group["indices/target_to_source/range_to_edge_id"] = np.stack([starts, ends], axis=1).astype(np.uint64)
    return count, len(ids)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("edges")
    ap.add_argument("--population")
    ap.add_argument("--target-count", type=int)
    args = ap.parse_args()
    with h5py.File(args.edges, "r+") as f:
        for name, group in f["edges"].items():
            if args.population and name != args.population:
                continue
            if "indices/target_to_source" in group:
                print(f"{name}: has a target index already")
                continue
            nodes, runs = add_index(group, args.target_count)
            print(f"{name}: target index for {nodes} nodes, {runs} runs of edges")


if __name__ == "__main__":
    main()
