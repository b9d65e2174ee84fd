#!/usr/bin/python3
"""Events delivered straight to a synapse (stimuli type "events", NEURON's NetCon(None, syn).event(t))
act exactly as the same events arriving through a connection: a model whose lif and intfire
cells get events at listed times gives the spikes and traces, bit for bit, of a model where a
replay spike source fires 1 ms earlier through connections of delay 1 ms (times chosen so that
t - 1 + 1 == t in floating point). The direct-event model has no connection, so its epoch is not
limited by a delay. Runs at 1 and 2 ranks.

Usage: direct_events.py --engine BIN --work DIR
"""
import argparse
import json
import os
import subprocess
import sys

import h5py
import numpy as np

MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_mpi_yield_when_idle="1", OMP_WAIT_POLICY="passive")
TIMES = [5.0, 5.5, 12.25, 20.0, 20.0, 30.5, 31.0, 31.25, 40.0, 52.5]


def model(direct):
    pops = [{"name": "exc", "count": 3, "kind": "lif", "params": {"tau_m": 10, "v_thresh": -60, "tau_syn_exc": 2}},
            {"name": "gate", "count": 2, "kind": "intfire", "params": {"tau": 5, "refrac": 2}}]
    doc = {"run": {"tstop": 80, "dt": 0.025}, "populations": pops,
           "recordings": {"spikes": ["exc", "gate"], "traces": [
               {"name": "exc_v", "population": "exc", "variable": "v", "interval": 0.025},
               {"name": "gate_m", "population": "gate", "variable": "m", "interval": 0.025}]}}
    if direct:
        doc["stimuli"] = [{"type": "events", "population": "exc", "cells": [0, 2], "times": TIMES, "weight": 0.8,
                           "synapse": "exc"},
                          {"type": "events", "population": "gate", "times": TIMES, "weight": 0.45}]
    else:
        # (exc gids 0-2, gate 3-4; the source is the last population so that gids stay the same)
        pops.append({"name": "src", "count": 1, "kind": "spike_source", "model": "replay", "times": [[t - 1.0 for t in TIMES]]})
        doc["projections"] = [
            {"source": "src", "target": "exc", "rule": {"type": "explicit", "pairs": [[0, 0], [0, 2]]}, "weight": 0.8,
             "delay": 1.0, "synapse": "exc"},
            {"source": "src", "target": "gate", "rule": {"type": "fixed_indegree", "indegree": 1}, "weight": 0.45, "delay": 1.0}]
    return doc


def run(engine, doc, folder, ranks):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.json")
    json.dump(doc, open(path, "w"))
    out = os.path.join(folder, f"out{ranks}")
    done = subprocess.run(["mpirun", "--oversubscribe", "-n", str(ranks), engine, "--quiet", "--progress", "0", "-o", out, path],
                          env=MPI_ENV, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        sys.exit(f"FAIL: engine exited {done.returncode}\n{done.stdout}{done.stderr}")
    data = {}
    for name in ("spikes.h5", "exc_v.h5", "gate_m.h5"):
        with h5py.File(os.path.join(out, name)) as f:
            f.visititems(lambda k, o: data.__setitem__(f"{name}:{k}", o[()]) if isinstance(o, h5py.Dataset) else None)
    return data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    for t in TIMES:
        assert (t - 1.0) + 1.0 == t
    failures = []
    for ranks in (1, 2):
        direct = run(args.engine, model(True), os.path.join(args.work, "direct"), ranks)
        through = run(args.engine, model(False), os.path.join(args.work, "connected"), ranks)
        for key, value in direct.items():
            if key.startswith("spikes.h5:spikes/src"):
                continue
            other = through.get(key)
            if other is None or other.shape != value.shape or not np.array_equal(other, value):
                failures.append(f"{ranks} ranks: {key} differs")
        exc = direct["spikes.h5:spikes/exc/node_ids"]
        if not (set(exc) == {0, 2} and len(direct["spikes.h5:spikes/gate/node_ids"]) > 0):
            failures.append(f"{ranks} ranks: expected spikes of exc 0 and 2 (not 1) and of the gate cells, got exc {sorted(set(exc))}")
    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print(f"direct events = the same events through connections, bit for bit, at 1 and 2 ranks "
          f"({len(direct['spikes.h5:spikes/exc/node_ids'])} exc and {len(direct['spikes.h5:spikes/gate/node_ids'])} gate spikes)")


if __name__ == "__main__":
    main()
