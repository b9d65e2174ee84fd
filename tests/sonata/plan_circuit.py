#!/usr/bin/python3
"""`plan` plans a SONATA circuit as it plans a JSON model: tests/sonata/small_circuit.py's network,
written both ways (same gids), gets the same rank and thread of every gid and the same predicted
loads from METIS and from LPT (static costs, and measured costs through one calibration file that
the JSON model's plan saved: its configuration keys serve the circuit); `engine --plan` on the
circuit gives spike files bit-identical to a round-robin run, at 2 ranks x 2 threads.

Usage: plan_circuit.py --engine BIN --plan BIN --work DIR
"""
import argparse
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import small_circuit  # noqa: E402
from sonata_vs_json import MPI_ENV, datasets  # noqa: E402

RANKS, THREADS = 2, 2


def plan(binary, source, out, *options):
    cmd = [binary, source, "--ranks", str(RANKS), "--threads", str(THREADS), "-q", "-o", out, *options]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    with h5py.File(out, "r") as f:
        return {k: f[k][()] for k in ("rank_of_gid", "thread_of_gid", "predicted_load")}


def run(engine, source, out, *options):
    cmd = ["mpirun", "--oversubscribe", "-n", str(RANKS), engine, "--quiet", "--progress", "0", "--threads", str(THREADS),
           "--output", out, *options, source]
    done = subprocess.run(cmd, env=dict(MPI_ENV, OMP_NUM_THREADS=str(THREADS)), capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return datasets(os.path.join(out, "spikes.h5"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", required=True)
    ap.add_argument("--plan", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    config, model = small_circuit.build(args.work)
    w = lambda name: os.path.join(args.work, name)  # noqa: E731
    failures = []
    calibration = w("calibration.json")
    for costs, options in (("static", ["--static-costs"]), ("measured", None)):
        for method in ("metis", "lpt"):
            if options is None:   # measured once, on the JSON model; the circuit's plan reads it
                json_options = ["--save-calibration", calibration] if method == "metis" else ["--calibration", calibration]
                circuit_options = ["--calibration", calibration]
            else:
                json_options = circuit_options = options
            a = plan(args.plan, model, w(f"json_{costs}_{method}.h5"), "--method", method, *json_options)
            b = plan(args.plan, config, w(f"circuit_{costs}_{method}.h5"), "--method", method, *circuit_options)
            same = all(np.array_equal(a[k], b[k]) for k in a)
            print(f"{costs:8s} {method:5s}: JSON model and circuit plans {'identical' if same else 'DIFFERENT'} "
                  f"(predicted loads {np.round(b['predicted_load'], 6).tolist()})")
            if not same:
                failures.append(f"{costs} {method}: " + ", ".join(k for k in a if not np.array_equal(a[k], b[k])))
            if len(set(b["rank_of_gid"].tolist())) != RANKS:
                failures.append(f"{costs} {method}: not every rank has cells")
    reference = run(args.engine, config, w("round_robin"))
    for method in ("metis", "lpt"):
        got = run(args.engine, config, w(f"planned_{method}"), "--plan", w(f"circuit_static_{method}.h5"))
        diff = [k for k in set(reference) | set(got)
                if k not in reference or k not in got or not np.array_equal(reference[k], got[k])]
        print(f"engine --plan ({method}) on the circuit: spikes {'identical to' if not diff else 'DIFFERENT from'} round-robin")
        if diff:
            failures.append(f"engine --plan {method}: {diff}")
    spikes = sum(len(v) for k, v in reference.items() if k.endswith("node_ids"))
    if spikes < 50:
        failures.append(f"only {spikes} spikes: the comparison would show little")
    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print(f"plan on the SONATA circuit: as on the JSON model; {spikes} spikes identical with and without the plan")


if __name__ == "__main__":
    main()
