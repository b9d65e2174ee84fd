"""A script whose recipe raises on one rank and does not catch it: under mpirun at 2 ranks (with
and without `-m mpi4py`) the job ends (non-zero status, within a timeout: no rank left waiting)
and the recipe's traceback is shown once.

    uncaught_recipe_error.py --python-path build/python"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "runs"))
from engine_runs import MPI_ENV  # noqa: E402

SCRIPT = '''
import sys
from mpi4py import MPI
import parnet
sys.path.insert(0, {here!r})
import recipe_network

class Raises(recipe_network.BulkRecipe):
    def connections_on(self, gids):
        if MPI.COMM_WORLD.rank == 1:
            raise RuntimeError("the recipe's own failure")
        return super().connections_on(gids)

parnet.run(Raises(), quiet=True)
print("not reached", flush=True)
'''


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--python-path", required=True)
    p.add_argument("--python", default="/usr/bin/python3")
    args = p.parse_args()
    env = dict(MPI_ENV, PYTHONPATH=os.path.abspath(args.python_path))
    failures = []
    with tempfile.TemporaryDirectory() as work:
        script = os.path.join(work, "script.py")
        with open(script, "w") as f:
            f.write(SCRIPT.format(here=HERE))
        for launcher in ([args.python], [args.python, "-m", "mpi4py"]):
            cmd = ["mpirun", "--oversubscribe", "-n", "2", *launcher, script]
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
            out = done.stdout + done.stderr
            shown = out.count('raise RuntimeError("the recipe\'s own failure")')
            if done.returncode == 0 or "not reached" in out:
                failures.append(f"{' '.join(cmd)}: exited {done.returncode}")
            if shown != 1:
                failures.append(f"{' '.join(cmd)}: the recipe's traceback shown {shown} times:\n{out}")
            if "Recipe.connections_on raised RuntimeError: the recipe's own failure on rank 1" not in out:
                failures.append(f"{' '.join(cmd)}: no message naming the method and the rank:\n{out}")
    if failures:
        sys.exit("FAIL: " + "\nFAIL: ".join(failures))
    print("an uncaught recipe error ends the job, its traceback shown once (with and without -m mpi4py)")


if __name__ == "__main__":
    main()
