#!/usr/bin/env python3
"""Several spike detectors on one cable cell, end to end: the engine under mpirun runs
two_detectors.json (tools/neuron_reference/two_detectors.py: every cell detects on soma(0.5) at
10 mV and on axon(1) at -20 mV, and connections leave from either) and puts every spike of both
detectors in the same time step as NEURON, where each detector is its own gid
(tests/data/neuron/two_detectors.json). The files are identical at every rank and thread count
and with every saving strategy; a replayed cell fed from both detectors gets the same spikes;
bad detector fields and checkpoints of such a model are refused naming the field.

Usage: two_detectors.py --engine BIN --consolidate BIN --work DIR [--ranks 1 2] [--threads 1 2]
"""
import argparse
import copy
import json
import math
import os
import sys

import h5py

from engine_runs import datasets, run

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODEL = os.path.join(HERE, "two_detectors.json")


def spike_steps(folder, population, dt):
    with h5py.File(os.path.join(folder, "spikes.h5"), "r") as f:
        g = f["spikes"][population]
        pairs = zip(g["node_ids"][:].tolist(), g["timestamps"][:].tolist())
        return sorted((math.floor(t / dt + 0.5), int(node)) for node, t in pairs)


def refused(engine, work, name, change, field):
    """engine --check on a mutated model must exit 1 naming the field."""
    model = json.load(open(MODEL))
    change(model)
    path = os.path.join(work, f"{name}.json")
    json.dump(model, open(path, "w"))
    done = run([engine, "--check", path], expect_ok=False)
    ok = done.returncode == 1 and field in done.stderr and f"{name}.json" in done.stderr
    print(f"refused {name}: {'yes' if ok else 'NO'}: {done.stderr.strip()}")
    return ok


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--engine", required=True)
    p.add_argument("--consolidate", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    ref = json.load(open(os.path.join(ROOT, "tests", "data", "neuron", "two_detectors.json")))
    dt, offset = ref["dt"], ref["axon_gid_offset"]
    # NEURON's gid i is cell i's soma detector, gid offset + i its axon-end detector.
    want = {"cells": sorted((math.floor(s["time"] / dt + 0.5), s["gid"]) for s in ref["spikes"] if s["gid"] < offset),
            "cells.axon_end": sorted((math.floor(s["time"] / dt + 0.5), s["gid"] - offset)
                                     for s in ref["spikes"] if s["gid"] >= offset)}
    failures = 0
    first = None
    for ranks in args.ranks:
        for threads in args.threads:
            out = os.path.join(args.work, f"r{ranks}t{threads}")
            run(["mpirun", "--oversubscribe", "-n", str(ranks), args.engine, "--quiet", "--threads", str(threads),
                 "--output", out, MODEL])
            for population, expected in want.items():
                got = spike_steps(out, population, dt)
                ok = got == expected
                print(f"{ranks} ranks x {threads} threads, {population}: {len(got)} spikes, NEURON {len(expected)}: "
                      f"{'same steps' if ok else 'DIFFERENT'}")
                if not ok:
                    failures += 1
                    print("  parnet:", got, "\n  NEURON:", expected)
            files = datasets(os.path.join(out, "spikes.h5"))
            if first is None:
                first = files
            elif any((files[k] != first[k]).any() for k in first) or files.keys() != first.keys():
                print(f"{ranks} ranks x {threads} threads: spike file differs from the first layout's")
                failures += 1

    # Every saving strategy writes the same datasets, the further detector's population included.
    for saving in ("rank0", "per-rank"):
        out = os.path.join(args.work, f"saving_{saving}")
        run(["mpirun", "--oversubscribe", "-n", "2", args.engine, "--quiet", "--saving", saving, "--output", out, MODEL])
        if saving == "per-rank":
            run([args.consolidate, out])
        files = datasets(os.path.join(out, "spikes.h5"))
        same = files.keys() == first.keys() and all((files[k] == first[k]).all() for k in first)
        print(f"--saving {saving}: {'same datasets' if same else 'DIFFERENT datasets'}")
        failures += 0 if same else 1

    # Cell 3 hears cell 1's axon end and cell 2's soma: replayed alone, it spikes as in the run.
    full = os.path.join(args.work, f"r{args.ranks[0]}t{args.threads[0]}")
    replay = os.path.join(args.work, "replay")
    run([args.engine, "--quiet", "--replay", os.path.join(full, "spikes.h5"), "--gids", "3", "--output", replay, MODEL])
    for population in want:
        a = [s for s in spike_steps(full, population, dt) if s[1] == 3]
        b = spike_steps(replay, population, dt)
        print(f"replay of cell 3, {population}: {'same' if a == b else 'DIFFERENT'} ({len(b)} spikes)")
        failures += 0 if a == b else 1

    def bad_detector_name(m):
        m["projections"][1]["source_detector"] = "axon_tip"

    def duplicate_detector(m):
        m["cell_templates"]["soma_dend_axon"]["detectors"][1]["name"] = "soma"

    def both_forms(m):
        m["cell_templates"]["soma_dend_axon"]["detector"] = {"section": "soma"}

    def detector_on_missing_section(m):
        m["cell_templates"]["soma_dend_axon"]["detectors"][1]["section"] = "axon2"

    checks = [("bad_detector_name", bad_detector_name, "projections[1].source_detector"),
              ("duplicate_detector", duplicate_detector, "detectors[1].name"),
              ("both_forms", both_forms, "detectors"),
              ("detector_on_missing_section", detector_on_missing_section, "detectors[1].section")]
    for name, change, field in checks:
        failures += 0 if refused(args.engine, args.work, name, change, field) else 1
    done = run([args.engine, "--quiet", "--checkpoint", os.path.join(args.work, "ck"), "--checkpoint-at", "10",
                "--output", os.path.join(args.work, "ck_out"), MODEL], expect_ok=False)
    ok = done.returncode == 1 and "several spike detectors" in done.stderr
    print(f"checkpoint refused: {'yes' if ok else 'NO'}: {done.stderr.strip()}")
    failures += 0 if ok else 1

    print("PASS" if failures == 0 else "FAIL")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
