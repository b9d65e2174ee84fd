"""Installs parnet into a temporary prefix, builds examples/custom_recipe against it with
find_package(parnet), runs the example's C++ recipe under mpirun at 1-4 ranks x 1-2 threads and
asserts that every dataset of its spikes.h5 and ring_v.h5 equals, bit for bit, what the engine
program writes for the same network as a JSON model (examples/custom_recipe/ring.json)."""
import argparse
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np


def run(cmd, **kw):
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--example", required=True)
    p.add_argument("--engine", required=True)
    p.add_argument("--work", required=True)
    a = p.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    prefix = os.path.join(a.work, "prefix")
    run(["cmake", "--install", a.build, "--prefix", prefix])
    # Only the installed package: no path into the source or build tree.
    example_build = os.path.join(a.work, "example")
    run(["cmake", "-S", a.example, "-B", example_build, "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_PREFIX_PATH=" + prefix])
    run(["cmake", "--build", example_build])
    program = os.path.join(example_build, "ring_recipe")

    reference = os.path.join(a.work, "json")
    run([a.engine, os.path.join(a.example, "ring.json"), "-o", reference, "-q"])
    expected = {f: datasets(os.path.join(reference, f)) for f in ("spikes.h5", "ring_v.h5")}
    assert len(expected["spikes.h5"]["spikes/ring/timestamps"]) > 50, "the ring should fire"

    failures = 0
    for ranks in (1, 2, 3, 4):
        for threads in (1, 2):
            out = os.path.join(a.work, f"cpp_{ranks}x{threads}")
            run(["mpirun", "-n", str(ranks), "--oversubscribe", program, out, str(threads)], stdout=subprocess.DEVNULL)
            for f, want in expected.items():
                got = datasets(os.path.join(out, f))
                if sorted(got) != sorted(want):
                    print(f"{ranks}x{threads} {f}: datasets {sorted(got)} != {sorted(want)}")
                    failures += 1
                    continue
                for name in want:
                    if got[name].dtype != want[name].dtype or not np.array_equal(got[name], want[name]):
                        print(f"{ranks}x{threads} {f}:{name} differs")
                        failures += 1
            print(f"{ranks} ranks x {threads} threads: C++ recipe = JSON model", flush=True)
    if failures:
        sys.exit(1)
    print("installed example: spikes and traces bit-identical to the JSON model at 1-4 ranks x 1-2 threads")


if __name__ == "__main__":
    main()
