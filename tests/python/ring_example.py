"""examples/python/ring.py at 1 and 2 ranks (and 2 threads): the same spike file bit for bit, a
spike from every ring cell in every round trip, and a raster written.

    ring_example.py --python-path build/python --work build/tests/python/ring"""
import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "runs"))
from engine_runs import MPI_ENV, datasets  # noqa: E402

EXAMPLE = os.path.join(SOURCE, "examples", "python", "ring.py")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--python-path", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--python", default="/usr/bin/python3")
    args = p.parse_args()
    env = dict(MPI_ENV, PYTHONPATH=os.path.abspath(args.python_path))
    runs = {}
    for ranks, threads in [(1, 1), (2, 1), (2, 2)]:
        out = os.path.join(args.work, f"r{ranks}t{threads}")
        cmd = ["mpirun", "--oversubscribe", "-n", str(ranks), args.python, "-m", "mpi4py", EXAMPLE, "-o", out,
               "--threads", str(threads), "--tstop", "200"]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)  # a hang fails, not waits
        if done.returncode != 0:
            sys.exit(f"FAIL: {' '.join(cmd)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
        if not os.path.getsize(os.path.join(out, "raster.png")) > 10000:
            sys.exit(f"FAIL: {out}/raster.png is missing or empty")
        runs[(ranks, threads)] = datasets(os.path.join(out, "spikes.h5"))
    first = runs[(1, 1)]
    for key, d in runs.items():
        assert sorted(d) == sorted(first), key
        for name in first:
            assert np.array_equal(d[name], first[name]), (key, name)
    ids, times = first["spikes/ring/node_ids"], first["spikes/ring/timestamps"]
    # 4 rings of 50 cells: each spike goes round its ring (a round trip of about 150 ms of delays
    # and rise times), so in 200 ms every cell spikes and the rings are still going at the end.
    counts = np.bincount(ids.astype(np.int64), minlength=200)
    assert counts.min() >= 1, counts
    assert times.max() > 180, times.max()
    print(f"ring example: {len(ids)} spikes, identical at 1 rank, 2 ranks and 2 ranks x 2 threads; "
          f"{counts.min()}..{counts.max()} spikes per cell")

if __name__ == "__main__":
    main()
