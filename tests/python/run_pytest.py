"""Runs the pytest tests of the Python module (tests/python/test_*.py) under mpirun at one rank
count, after running the real engine program on the same models at that rank count for them to
compare with (mpirun is not started from inside an MPI job, so the engine runs come first).

    run_pytest.py --engine build/bin/engine --python-path build/python --ranks 2 --work build/tests/python/r2"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runs"))
from engine_runs import MPI_ENV, run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))
# The models the tests run, with a short tstop (ms); tests/python/test_parnet.py uses the same.
ENGINE_MODELS = {
    "brunel": (os.path.join(SOURCE, "examples", "brunel.json"), 40),
    "mixed_network": (os.path.join(SOURCE, "tests", "runs", "mixed_network.json"), 60),
    "small_network": (os.path.join(HERE, "small_network.json"), 50),
    "recipe_network": (os.path.join(HERE, "recipe_network.json"), 80),
}
# A SONATA circuit (tests/sonata/small_circuit.py), written into <work>/sonata/circuit.
SONATA_TSTOP = 100


def sonata_config(work):
    return os.path.join(work, "sonata", "circuit", "circuit_config.json")
# A malformed model: the tests expect the engine's message (its stderr is kept for them).
MALFORMED = os.path.join(HERE, "bad_count.json")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--engine", required=True)
    p.add_argument("--python-path", required=True, help="the folder holding the built parnet package")
    p.add_argument("--ranks", type=int, required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--python", default="/usr/bin/python3")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    mpirun = ["mpirun", "--oversubscribe", "-n", str(args.ranks)]
    for name, (model, tstop) in ENGINE_MODELS.items():
        run(mpirun + [args.engine, "-q", "--tstop", str(tstop), "-o", os.path.join(args.work, "engine", name), model])
    sys.path.insert(0, os.path.join(SOURCE, "tests", "sonata"))
    import small_circuit
    small_circuit.build(os.path.join(args.work, "sonata"))
    run(mpirun + [args.engine, "-q", "--tstop", str(SONATA_TSTOP), "-o", os.path.join(args.work, "engine", "sonata"),
                  sonata_config(args.work)])
    failed = run(mpirun + [args.engine, "-q", MALFORMED], expect_ok=False)
    if failed.returncode == 0:
        sys.exit(f"FAIL: the engine accepted {MALFORMED}")
    with open(os.path.join(args.work, "engine", "bad_count.stderr"), "w") as f:
        f.write(failed.stderr)
    env = dict(MPI_ENV, PYTHONPATH=os.path.abspath(args.python_path), PARNET_TEST_WORK=os.path.abspath(args.work),
               PARNET_TEST_RANKS=str(args.ranks))
    cmd = mpirun + [args.python, "-m", "pytest", "-q", "--color=no", "-p", "no:cacheprovider", HERE]
    # A hang (a rank left waiting in a collective) fails the test instead of holding the suite.
    sys.exit(subprocess.run(cmd, env=env, timeout=600).returncode)


if __name__ == "__main__":
    main()
