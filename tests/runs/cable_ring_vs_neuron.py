#!/usr/bin/env python3
"""The real engine under mpirun runs the cable-cell ring of tools/neuron_reference/ring.py and puts
every spike in the same time step as NEURON's ParallelContext ring (tests/data/neuron/ring.json),
at every rank and thread count given.

Usage: cable_ring_vs_neuron.py --engine BIN --work DIR [--ranks 1 2 3] [--threads 1 2]
"""
import argparse
import json
import math
import os
import sys

import h5py

from engine_runs import run

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--engine", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = p.parse_args()
    ref = json.load(open(os.path.join(ROOT, "tests", "data", "neuron", "ring.json")))
    dt = ref["dt"]
    # NEURON reports a fixed-step spike at the step's end time, plus accumulated rounding (1e-10).
    want = [(s["gid"], math.floor(s["time"] / dt + 0.5)) for s in ref["spikes"]]
    failures = 0
    for ranks in args.ranks:
        for threads in args.threads:
            out = os.path.join(args.work, f"r{ranks}t{threads}")
            cmd = ["mpirun", "--oversubscribe", "-n", str(ranks), args.engine, "--quiet", "--threads", str(threads),
                   "--output", out, os.path.join(HERE, "cable_ring.json")]
            run(cmd)
            with h5py.File(os.path.join(out, "spikes.h5"), "r") as f:
                g = f["spikes/ring"]
                got = sorted(zip(g["node_ids"][:].tolist(), g["timestamps"][:].tolist()), key=lambda s: (s[1], s[0]))
            got_steps = [(int(gid), math.floor(t / dt + 0.5)) for gid, t in got]
            ok = got_steps == want
            print(f"{ranks} ranks x {threads} threads: {len(got)} spikes, NEURON {len(want)}: "
                  f"{'same steps' if ok else 'DIFFERENT'}")
            if not ok:
                failures += 1
                for a, b in zip(got_steps, want):
                    if a != b:
                        print(f"  first difference: parnet {a} NEURON {b}")
                        break
    print("PASS" if failures == 0 else "FAIL")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
