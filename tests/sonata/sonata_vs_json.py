#!/usr/bin/python3
"""The same network as a SONATA circuit and as a parnet JSON model with explicit connections
(tests/sonata/small_circuit.py writes both with h5py) gives bit-identical spikes and traces in the
real engine, at 1-4 ranks x 1-2 threads: every dataset of spikes.h5, exc_v.h5 and inh_m.h5 of
every run equals the JSON model's one-rank run exactly, and every population fires.

Usage: sonata_vs_json.py --engine BIN --work DIR [--ranks 1 2 3 4] [--threads 1 2]
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

MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_mpi_yield_when_idle="1", OMP_WAIT_POLICY="passive")
FILES = ("spikes.h5", "exc_v.h5", "inh_m.h5")


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda key, obj: out.__setitem__(key, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def run(engine, model, ranks, threads, out):
    cmd = ["mpirun", "--oversubscribe", "-n", str(ranks), engine, "--quiet", "--progress", "0", "--threads", str(threads),
           "--output", out, model]
    done = subprocess.run(cmd, env=dict(MPI_ENV, OMP_NUM_THREADS=str(threads)), capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return {name: datasets(os.path.join(out, name)) for name in FILES}


def differences(a, b):
    out = []
    for name in FILES:
        if set(a[name]) != set(b[name]):
            out.append(f"{name}: datasets {sorted(a[name])} vs {sorted(b[name])}")
            continue
        for key in a[name]:
            x, y = a[name][key], b[name][key]
            if x.shape != y.shape or x.dtype != y.dtype or not np.array_equal(x, y):
                out.append(f"{name}:{key} differs ({x.dtype}{x.shape} vs {y.dtype}{y.shape})")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 3, 4])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    config, model = small_circuit.build(args.work)
    reference = run(args.engine, model, 1, 1, os.path.join(args.work, "json_1x1"))
    spikes = reference["spikes.h5"]
    for population, size in small_circuit.SIZES.items():
        ids = spikes[f"spikes/{population}/node_ids"]
        if len(np.unique(ids)) < size // 4:
            sys.exit(f"FAIL: only {len(np.unique(ids))} of {size} cells of {population} fire: the comparison would show little")
    total = sum(len(v) for k, v in spikes.items() if k.endswith("node_ids"))
    failures = []
    for ranks in args.ranks:
        for threads in args.threads:
            for name, source in (("sonata", config), ("json", model)):
                if name == "json" and ranks == 1 and threads == 1:
                    continue
                got = run(args.engine, source, ranks, threads, os.path.join(args.work, f"{name}_{ranks}x{threads}"))
                diff = differences(reference, got)
                print(f"{name:6s} {ranks} ranks x {threads} threads: {'identical' if not diff else 'DIFFERENT'}")
                failures += [f"{name} {ranks}x{threads}: {d}" for d in diff]
    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print(f"SONATA circuit and JSON model: {total} spikes and both traces bit-identical at ranks {args.ranks} x threads "
          f"{args.threads}")


if __name__ == "__main__":
    main()
