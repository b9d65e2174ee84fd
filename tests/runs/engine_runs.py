"""What the whole-engine test scripts share: the environment for mpirun (root allowed, waiting
ranks and threads yield the cores of an oversubscribed machine), running a command that must
succeed, and reading every dataset of an HDF5 file."""
import os
import subprocess
import sys

import h5py
import numpy as np

MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_mpi_yield_when_idle="1", OMP_WAIT_POLICY="passive")


def run(cmd, env=None, expect_ok=True):
    """Runs cmd; exits the test with its output when it fails and must not."""
    done = subprocess.run(cmd, env=env or MPI_ENV, capture_output=True, text=True, timeout=600)
    if expect_ok and done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def datasets(path):
    """Every dataset of an HDF5 file: path inside the file -> numpy array."""
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda key, obj: out.__setitem__(key, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def same_on_layouts(layouts, run_layout):
    """run_layout(ranks, threads) -> (spikes, traces) for each (ranks, threads) of layouts; exits the
    test unless every layout gives the first one's spikes and, array for array, its traces (a dict
    of datasets, or a dict of such dicts). Returns the first layout's result."""
    def arrays(traces, prefix=''):
        for key, value in traces.items():
            if isinstance(value, dict):
                yield from arrays(value, f'{prefix}{key} ')
            else:
                yield f'{prefix}{key}', value

    first = None
    for ranks, threads in layouts:
        spikes, traces = run_layout(ranks, threads)
        if first is None:
            first = (spikes, traces)
            continue
        if spikes != first[0]:
            sys.exit(f'FAIL: {ranks} ranks x {threads} threads: spikes differ from {layouts[0][0]} x {layouts[0][1]}')
        got = dict(arrays(traces))
        for key, values in arrays(first[1]):
            if key not in got or not np.array_equal(got[key], values):
                sys.exit(f'FAIL: {ranks} ranks x {threads} threads: {key} differs from {layouts[0][0]} x {layouts[0][1]}')
    return first
