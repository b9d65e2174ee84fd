#!/usr/bin/env python3
"""End-to-end split cells (docs/split-solve.md, "Running split cells"): examples/giant_cell.json,
whose 4,040-compartment cell outweighs a rank, planned by the real `plan` with --split-pieces 6
(a cut that does not depend on the rank count) for 1-4 ranks and run by the real `engine
--plan` under mpirun (and 2 threads at 2 ranks). Asserted: spike files and traces bit-identical
for every layout; spikes equal to the unsplit run's and traces within one float32 rounding of
them (the split solve differs by round-off, ~1e-10 mV); the run report has the split exchange's
time per rank. Also a rank-dependent --split-above plan at 4 ranks.

Usage: split_runs.py --engine BIN --plan BIN --work DIR [--ranks 1 2 3 4]
"""
import argparse
import json
import os
import sys

import numpy as np

from engine_runs import MPI_ENV, datasets, run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "examples", "giant_cell.json")


def engine(args, ranks, threads, out, plan=None):
    cmd = ["mpirun", "--oversubscribe", "-n", str(ranks), args.engine, "--progress", "0", "--tstop", str(args.tstop),
           "--threads", str(threads), "--output", out]
    if plan:
        cmd += ["--plan", plan]
    run(cmd + [MODEL], env=dict(MPI_ENV, OMP_NUM_THREADS=str(threads)))
    files = {name: datasets(os.path.join(out, name)) for name in sorted(os.listdir(out)) if name.endswith(".h5")}
    return files, json.load(open(os.path.join(out, "report.json")))


def plan(args, ranks, out, *split):
    run([args.plan, MODEL, "--ranks", str(ranks), "--static-costs", "-q", "-o", out, *split])
    return out


def same_bits(a, b, what):
    if a.keys() != b.keys():
        sys.exit(f"FAIL: {what}: files {sorted(a)} vs {sorted(b)}")
    for name in a:
        for key in a[name]:
            x, y = np.asarray(a[name][key]), np.asarray(b[name][key])
            if x.shape != y.shape or x.tobytes() != y.tobytes():
                sys.exit(f"FAIL: {what}: {name}:{key} differs")


def close_to_unsplit(split, whole, what):
    for key in whole["spikes.h5"]:
        if np.asarray(whole["spikes.h5"][key]).tobytes() != np.asarray(split["spikes.h5"][key]).tobytes():
            sys.exit(f"FAIL: {what}: spikes.h5:{key} differs from the unsplit run")
    worst = 0.0
    for name in whole:
        if name == "spikes.h5":
            continue
        for key, values in whole[name].items():
            if key.endswith("/data"):
                worst = max(worst, float(np.abs(np.asarray(values, np.float64) - split[name][key]).max()))
    # float32 traces near -65 mV round in steps of 7.6e-6 mV: a 1e-10 mV difference may flip one.
    if worst > 1e-5:
        sys.exit(f"FAIL: {what}: traces differ from the unsplit run by {worst} mV")
    return worst


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 3, 4])
    parser.add_argument("--tstop", type=float, default=60.0)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    whole, _ = engine(args, 1, 1, os.path.join(args.work, "whole"))
    giant_spikes = int(np.sum(whole["spikes.h5"]["spikes/giant/node_ids"] >= 0)) if "spikes/giant/node_ids" in whole["spikes.h5"] else 0
    if giant_spikes < 1:
        sys.exit("FAIL: the giant cell must fire for the comparison to mean anything")
    reference = None
    for ranks in args.ranks:
        plan_file = plan(args, ranks, os.path.join(args.work, f"plan{ranks}.h5"), "--split-pieces", "6")
        for threads in ([1, 2] if ranks == 2 else [1]):
            files, report = engine(args, ranks, threads, os.path.join(args.work, f"split{ranks}x{threads}"), plan_file)
            what = f"--split-pieces 6 on {ranks} ranks x {threads} threads"
            worst = close_to_unsplit(files, whole, what)
            if reference is None:
                reference = files
            same_bits(reference, files, what)
            per_rank = report["per_rank"]
            if ranks > 1 and sum("split_exchange_s" in r for r in per_rank) < 2:
                sys.exit(f"FAIL: {what}: report.json lacks split_exchange_s on the ranks sharing the cell")
            costs = ", ".join(f"rank {r['rank']}: compute {r['compute_cpu_s']:.2f} s cpu, split exchange "
                              f"{r.get('split_exchange_s', 0):.2f} s, {r.get('split_bytes_per_step', 0)} B/step"
                              for r in per_rank)
            print(f"ok: {what}: identical to 1 rank, traces within {worst:.2g} mV of unsplit; {costs}")
    if max(args.ranks) >= 4:
        plan_file = plan(args, 4, os.path.join(args.work, "plan4_above.h5"), "--split-above", "0.25")
        files, _ = engine(args, 4, 1, os.path.join(args.work, "split_above4"), plan_file)
        worst = close_to_unsplit(files, whole, "--split-above 0.25 on 4 ranks")
        print(f"ok: --split-above 0.25 on 4 ranks: spikes equal to unsplit, traces within {worst:.2g} mV")


if __name__ == "__main__":
    main()
