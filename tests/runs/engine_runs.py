"""What the whole-engine test scripts share: the environment for mpirun (root allowed, waiting
ranks and threads yield the cores of an oversubscribed machine), running a command that must
succeed, and reading every dataset of an HDF5 file."""
import os
import subprocess
import sys

import h5py

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
