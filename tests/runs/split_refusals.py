#!/usr/bin/env python3
"""Cells the split groups cannot run as the whole cell runs (cable::why_not_splittable): a current
clamp at a section's zero-area end node (the whole cell keeps that node, as NEURON does) or more
than one spike detector. examples/giant_cell.json changed each way:
- the real `plan --split-pieces 6` keeps the giant cell whole and says so (its summary and
  --report-json name gid 400 and the reason); its plan file has no split cells;
- the engine, given a plan that splits the cell anyway (a split plan of the unchanged model,
  relabelled with the changed model's fingerprint: what an older planner wrote), refuses on
  every rank with exit 1 and one message naming the plan file, gid 400 and the reason.

Usage: split_refusals.py --engine BIN --plan BIN --work DIR
"""
import argparse
import copy
import json
import os
import sys

import h5py

from engine_runs import MPI_ENV, run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "examples", "giant_cell.json")
GIANT = 400   # after the 400 spike sources


def variants(model):
    clamped = copy.deepcopy(model)
    clamped["stimuli"].append({"type": "current_clamp", "population": "giant", "delay": 5, "duration": 10,
                               "amplitude": 0.1, "section": "dend1", "x": 1})
    detectors = copy.deepcopy(model)
    detectors["cell_templates"]["giant"].pop("detector", None)
    detectors["cell_templates"]["giant"]["detectors"] = [
        {"name": "soma", "section": "soma", "x": 0.5, "threshold": 10},
        {"name": "axon_end", "section": "axon", "x": 1, "threshold": -20}]
    # A clamp at x = 1 of the soma meets the node the dendrites hang from: the split cell has it.
    soma_end = copy.deepcopy(model)
    soma_end["stimuli"].append({"type": "current_clamp", "population": "giant", "delay": 5, "duration": 10,
                                "amplitude": 0.1, "section": "soma", "x": 1})
    return [("clamp", clamped, "a current clamp at x = 1 of section 'dend1' injects into a zero-area end node"),
            ("detectors", detectors, "it has 2 spike detectors (split cells detect on one)"),
            ("soma_end", soma_end, None)]


def split_cells(plan_file):
    with h5py.File(plan_file, "r") as f:
        return [int(g) for g in f["split_gid"][()]] if "split_gid" in f else []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    model = json.load(open(MODEL))
    model["run"]["tstop"] = 5

    base = os.path.join(args.work, "base.json")
    json.dump(model, open(base, "w"))
    split_plan = os.path.join(args.work, "split.h5")
    run([args.plan, base, "--ranks", "2", "--static-costs", "-q", "-o", split_plan, "--split-pieces", "6"])
    if split_cells(split_plan) != [GIANT]:
        sys.exit(f"FAIL: the unchanged model's plan must split gid {GIANT}, splits {split_cells(split_plan)}")

    for name, changed, reason in variants(model):
        path = os.path.join(args.work, f"{name}.json")
        json.dump(changed, open(path, "w"))
        own_plan = os.path.join(args.work, f"{name}_plan.h5")
        report = os.path.join(args.work, f"{name}_plan.json")
        done = run([args.plan, path, "--ranks", "2", "--static-costs", "-o", own_plan, "--split-pieces", "6",
                    "--report-json", report])
        kept = json.load(open(report))["split"]["kept_whole"]
        if reason is None:
            if kept or split_cells(own_plan) != [GIANT]:
                sys.exit(f"FAIL: {name}: the cell must still be split (kept whole: {kept})")
            print(f"ok: {name}: still split")
            continue
        if split_cells(own_plan):
            sys.exit(f"FAIL: {name}: the planner split {split_cells(own_plan)}")
        if len(kept) != 1 or kept[0]["gid"] != GIANT or reason not in kept[0]["reason"]:
            sys.exit(f"FAIL: {name}: report kept_whole {kept}")
        if f"gid {GIANT}: {reason}" not in done.stdout:
            sys.exit(f"FAIL: {name}: the plan summary does not say why gid {GIANT} stayed whole:\n{done.stdout}")

        # An older plan that splits the cell: the unchanged model's split, this model's fingerprint.
        old_plan = os.path.join(args.work, f"{name}_old_plan.h5")
        with h5py.File(own_plan, "r") as f:
            fingerprint = f.attrs["model_fingerprint"]
        with open(split_plan, "rb") as src, open(old_plan, "wb") as dst:
            dst.write(src.read())
        with h5py.File(old_plan, "r+") as f:
            f.attrs["model_fingerprint"] = fingerprint
        out = os.path.join(args.work, f"{name}_out")
        refused = run(["mpirun", "--oversubscribe", "-n", "2", args.engine, "--progress", "0", "--plan", old_plan,
                       "--output", out, path], env=dict(MPI_ENV, OMP_NUM_THREADS="1"), expect_ok=False)
        expected = f"{old_plan}: split cell gid {GIANT}: this cell cannot be split: {reason}"
        if refused.returncode != 1 or refused.stderr.count(expected) != 1:
            sys.exit(f"FAIL: {name}: expected exit 1 and once '{expected}', got exit {refused.returncode}\n"
                     f"{refused.stdout}\n{refused.stderr}")
        print(f"ok: {name}: planned whole; an older split plan refused (exit 1)")


if __name__ == "__main__":
    main()
