#!/usr/bin/env python3
"""The engine's three saving strategies (collective parallel HDF5, per-rank files merged by
`consolidate`, gather to rank 0) write identical datasets for the same 3-rank run of a mixed
network: spikes and every trace report, compared value for value. Two traces are also recorded
with "dtype": "float64": their files hold float64 data whose float32 rounding is the float32
trace bit for bit, and which keeps digits float32 drops.

Usage: saving_strategies.py --engine BIN --consolidate BIN --work DIR [--ranks 3]
"""
import argparse
import json
import os
import sys

import numpy as np

from engine_runs import datasets, run

HERE = os.path.dirname(os.path.abspath(__file__))




def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--engine", required=True)
    p.add_argument("--consolidate", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--ranks", type=int, default=3)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    doc = json.load(open(os.path.join(HERE, "mixed_network.json")))
    wide = {"pyr_v": "pyr_v64", "rxd_cai": "rxd_cai64"}
    for trace in list(doc["recordings"]["traces"]):
        if trace["name"] in wide:
            doc["recordings"]["traces"].append(dict(trace, name=wide[trace["name"]], dtype="float64"))
    model = os.path.join(args.work, "mixed_network_float64.json")
    json.dump(doc, open(model, "w"), indent=1)
    folders = {}
    for strategy in ["collective", "per-rank", "rank0"]:
        out = os.path.join(args.work, strategy)
        run(["mpirun", "--oversubscribe", "-n", str(args.ranks), args.engine, "--quiet", "--saving", strategy,
             "--output", out, model])
        if strategy == "per-rank":
            if os.path.exists(os.path.join(out, "spikes.h5")):
                sys.exit("FAIL: per-rank saving wrote the merged file before consolidation")
            run([args.consolidate, "-q", out])
        folders[strategy] = out
    files = sorted(f for f in os.listdir(folders["collective"]) if f.endswith(".h5"))
    failures = 0
    for name in files:
        reference = datasets(os.path.join(folders["collective"], name))
        for strategy in ["per-rank", "rank0"]:
            other = datasets(os.path.join(folders[strategy], name))
            same = reference.keys() == other.keys() and all(
                reference[k].dtype == other[k].dtype and np.array_equal(reference[k], other[k]) for k in reference)
            print(f"{name}: {strategy} {'identical' if same else 'DIFFERENT'} to collective ({len(reference)} datasets)")
            failures += 0 if same else 1
    if len(files) < 9:
        print(f"FAIL: expected spikes and 8 reports, found {files}")
        failures += 1
    for narrow, name in wide.items():
        pop = [t for t in doc["recordings"]["traces"] if t["name"] == narrow][0]["population"]
        d32 = datasets(os.path.join(folders["collective"], narrow + ".h5"))[f"report/{pop}/data"]
        d64 = datasets(os.path.join(folders["collective"], name + ".h5"))[f"report/{pop}/data"]
        ok = (d32.dtype == np.float32 and d64.dtype == np.float64 and d32.shape == d64.shape and
              np.array_equal(d64.astype(np.float32).view(np.uint32), d32.view(np.uint32)) and
              np.any(d64 != d64.astype(np.float32).astype(np.float64)))
        print(f"{name}: float64 data {d64.dtype} {d64.shape}, rounds to {narrow} bit for bit and keeps more digits: "
              f"{'yes' if ok else 'NO'}")
        failures += 0 if ok else 1
    print("PASS" if failures == 0 else f"FAIL: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
