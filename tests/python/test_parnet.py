"""The Python module against the engine program: run by tests/python/run_pytest.py under mpirun
on every rank (each test is collective: every rank runs every test in the same order), after the
engine has run the same models at the same rank count into $PARNET_TEST_WORK/engine/<model>."""
import json
import os
import sys

import numpy as np
import pytest
from mpi4py import MPI

import parnet

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "runs"))
sys.path.insert(0, os.path.join(SOURCE, "examples"))
sys.path.insert(0, HERE)
from engine_runs import datasets  # noqa: E402
from run_pytest import ENGINE_MODELS, MALFORMED  # noqa: E402
import brunel  # noqa: E402  (examples/brunel.py)

WORK = os.environ["PARNET_TEST_WORK"]
RANKS = int(os.environ["PARNET_TEST_RANKS"])
world = MPI.COMM_WORLD


def engine_dir(name):
    return os.path.join(WORK, "engine", name)


def python_dir(name):
    return os.path.join(WORK, "python", name)  # the same path on every rank


def engine_spikes(name, model):
    """The engine's spikes.h5 as (gids, times) sorted by (time, gid)."""
    first = {p["name"]: p["first"] for p in model.populations}
    files = datasets(os.path.join(engine_dir(name), "spikes.h5"))
    gids, times = [], []
    for key, values in files.items():
        if key.endswith("/node_ids"):
            pop = key.split("/")[1]
            gids.append(values.astype(np.uint32) + first[pop])
            times.append(files[f"spikes/{pop}/timestamps"])
    gids, times = np.concatenate(gids), np.concatenate(times)
    order = np.lexsort((gids, times))
    return gids[order], times[order]


def assert_same_files(a, b):
    da, db = datasets(a), datasets(b)
    assert sorted(da) == sorted(db)
    for key in da:
        assert np.array_equal(da[key], db[key]), f"{a} and {b} differ in {key}"


def run_model_file(name, **kw):
    path, tstop = ENGINE_MODELS[name]
    model = parnet.Model.from_file(path)
    return model, parnet.run(model, tstop=tstop, quiet=True, **kw)


@pytest.mark.parametrize("name", ["brunel", "mixed_network", "small_network"])
def test_run_equals_engine(name):
    """Spikes in memory and the SONATA files equal the engine's, bit for bit, at this rank count."""
    model, result = run_model_file(name, output=python_dir(name))
    gids, times = engine_spikes(name, model)
    assert len(gids) > 50
    assert result.spikes[0].dtype == np.uint32 and result.spikes[1].dtype == np.float64
    assert np.array_equal(result.spikes[0], gids)
    assert np.array_equal(result.spikes[1], times)
    assert result.ranks == RANKS
    world.Barrier()  # every rank's files are finished
    for f in ["spikes.h5"] + [t + ".h5" for t in model.traces]:
        assert_same_files(os.path.join(python_dir(name), f), os.path.join(engine_dir(name), f))
    # Traces in memory equal the engine's reports (columns in ascending node id there too).
    first = {p["name"]: p["first"] for p in model.populations}
    for trace in model.traces:
        t = result.traces[trace]
        report = datasets(os.path.join(engine_dir(name), trace + ".h5"))
        assert np.array_equal(t.values, report[f"report/{t.population}/data"])
        assert np.array_equal(t.gids - first[t.population], report[f"report/{t.population}/mapping/node_ids"])
        assert t.values.shape == (len(t.times), len(t.gids))
        assert t.times[1] - t.times[0] > 0


def test_report_written():
    with open(os.path.join(python_dir("brunel"), "report.json")) as f:
        report = json.load(f)
    assert report["ranks"] == RANKS
    assert sum(p["spikes"] for p in report["populations"]) > 0


def test_builder_equals_file_and_engine():
    """examples/brunel.py's builder gives examples/brunel.json's document, model and spikes."""
    builder = brunel.build_brunel()
    with open(ENGINE_MODELS["brunel"][0]) as f:
        assert builder.to_dict() == json.load(f)
    from_file = parnet.Model.from_file(ENGINE_MODELS["brunel"][0])
    built = builder.build()
    assert built.fingerprint == from_file.fingerprint
    assert built.output == from_file.output == "out/brunel"
    result = parnet.run(builder, tstop=ENGINE_MODELS["brunel"][1], quiet=True)
    gids, times = engine_spikes("brunel", built)
    assert np.array_equal(result.spikes[0], gids) and np.array_equal(result.spikes[1], times)


def small_network_builder():
    """tests/python/small_network.json, by builder calls (numpy arrays where lists are allowed)."""
    with open(ENGINE_MODELS["small_network"][0]) as f:
        template = json.load(f)["cell_templates"]["ball_and_stick"]
    net = parnet.Builder("small_network", tstop=50, dt=0.025, runid=7)
    net.cell_template("ball_and_stick", template)
    src = net.population("src", 10, "spike_source", model="regular",
                         params={"interval": 5, "start": 1, "number": 8, "noise": 0.5})
    exc = net.population("exc", np.int64(20), "lif",
                         params={"tau_m": 15, "v_init": parnet.normal(-60, 3, min=-70, max=-51)})
    pyr = net.population("pyr", 3, "cable", cell="ball_and_stick")
    net.projection(src, exc, parnet.fixed_indegree(4), weight=parnet.lognormal(0.4, 0.1),
                   delay=parnet.uniform(0.5, 2))
    net.projection(exc, exc, parnet.pairwise(0.2), weight=0.05, delay=1.5)
    net.projection(exc, pyr, parnet.fixed_indegree(6), weight=0.004, delay=1, synapse="syn")
    ring = np.array([[0, 1], [1, 2], [2, 0]])
    net.projection(pyr, pyr, parnet.explicit(ring), weight=0.01, delay=2, synapse="syn", name="ring")
    net.current_clamp(exc, delay=5, duration=20, amplitude=0.4, cells=np.arange(3))
    net.current_clamp(pyr, delay=2, duration=3, amplitude=0.5, cells=[0], section="soma", x=0.5)
    net.record_spikes([exc, pyr])
    net.record_trace("exc_v", exc, variable="v", cells=np.arange(4), interval=0.1)
    net.record_trace("pyr_dend_v", pyr, variable="v", section="dend", x=0.9, interval=0.05)
    return net


def test_builder_with_cable_cells_equals_file():
    built = small_network_builder().build()
    from_file = parnet.Model.from_file(ENGINE_MODELS["small_network"][0])
    assert built.fingerprint == from_file.fingerprint
    a = parnet.run(built, quiet=True)
    b = parnet.run(from_file, quiet=True)
    assert len(a.spikes[0]) > 10
    assert np.array_equal(a.spikes[0], b.spikes[0]) and np.array_equal(a.spikes[1], b.spikes[1])
    assert sorted(a.traces) == ["exc_v", "pyr_dend_v"]
    for name in a.traces:
        assert np.array_equal(a.traces[name].values, b.traces[name].values)
    # Spike sources are not recorded: none of their gids in the results.
    assert not np.any(a.spikes[0] < 10)
    # Builder.write gives a file the engine reads as the same model.
    path = os.path.join(WORK, f"written_rank{world.rank}.json")
    small_network_builder().write(path)
    assert parnet.Model.from_file(path, comm=MPI.COMM_SELF).fingerprint == built.fingerprint


def test_threads_and_targeted_exchange_same_spikes():
    model, result = run_model_file("brunel", threads=2, exchange="targeted", overlap=True)
    gids, times = engine_spikes("brunel", model)
    assert result.threads == 2 and result.exchange == "targeted"
    assert np.array_equal(result.spikes[0], gids) and np.array_equal(result.spikes[1], times)


def test_results_on_one_rank():
    model, result = run_model_file("brunel", results=0)
    if world.rank == 0:
        assert np.array_equal(result.spikes[0], engine_spikes("brunel", model)[0])
    else:
        assert result.spikes is None and result.traces is None
    assert sum(p["spikes"] for p in result.populations) > 0  # totals on every rank


def test_sub_communicators():
    """Each half of COMM_WORLD runs the model on its own; rank 0 alone runs it once more while
    the others stay out of it (a run that used COMM_WORLD would hang here)."""
    path, tstop = ENGINE_MODELS["brunel"]
    half = world.Split(world.rank % 2, world.rank)
    model = parnet.Model.from_file(path, comm=half)
    result = parnet.run(model, tstop=tstop, comm=half, quiet=True)
    gids, times = engine_spikes("brunel", model)
    assert result.ranks == half.size
    assert np.array_equal(result.spikes[0], gids) and np.array_equal(result.spikes[1], times)
    half.Free()

    alone = world.Split(0 if world.rank == 0 else MPI.UNDEFINED, world.rank)
    if world.rank == 0:
        result = parnet.run(parnet.Model.from_file(path, comm=alone), tstop=tstop, comm=alone, quiet=True)
        assert result.ranks == 1 and np.array_equal(result.spikes[1], times)
        with pytest.raises(parnet.InputError, match="exchange: expected allgather or targeted"):
            parnet.run(model, comm=alone, exchange="nearest", quiet=True)
        alone.Free()
    world.Barrier()


def engine_message():
    """The engine's message for tests/python/bad_count.json, without its 'engine: error: '."""
    with open(os.path.join(engine_dir(""), "bad_count.stderr")) as f:
        lines = [line for line in f.read().splitlines() if line.startswith("engine: error: ")]
    assert len(lines) == 1  # printed once, by one rank
    return lines[0][len("engine: error: "):]


def test_malformed_file_raises_engine_message_on_every_rank():
    message = engine_message()
    assert message == f"{MALFORMED}: populations[0].count: expected a positive integer, got -5"
    with pytest.raises(parnet.InputError) as e:
        parnet.Model.from_file(MALFORMED)
    assert str(e.value) == message
    assert isinstance(e.value, ValueError)
    with open(MALFORMED) as f:
        document = json.load(f)
    with pytest.raises(parnet.InputError) as e:
        parnet.Model.from_dict(document, source=MALFORMED)
    assert str(e.value) == message
    with pytest.raises(parnet.InputError, match=r"^bad: populations\[0\]\.count: expected a positive integer"):
        parnet.run(_bad_builder())
    # Every rank raised: the ranks agree that they all got here.
    assert world.allreduce(1) == world.size


def _bad_builder():
    net = parnet.Builder("bad", tstop=10)
    net.population("a", -5, "lif")
    return net


def test_failure_on_one_rank_raises_everywhere():
    """Only the last rank cannot read its file: every rank raises that rank's message."""
    missing = os.path.join(WORK, "no_such_model.json")
    path = missing if world.rank == world.size - 1 else ENGINE_MODELS["brunel"][0]
    with pytest.raises(parnet.InputError) as e:
        parnet.Model.from_file(path)
    assert str(e.value) == f"{missing}: cannot open the model file for reading"
    assert world.allreduce(1) == world.size


def test_bad_run_arguments():
    model = parnet.Model.from_file(ENGINE_MODELS["brunel"][0])
    with pytest.raises(parnet.InputError, match='^exchange: expected allgather or targeted, got "bogus"$'):
        parnet.run(model, exchange="bogus", quiet=True)
    with pytest.raises(parnet.InputError, match="^tstop: expected a positive time in ms, got -1$"):
        parnet.run(model, tstop=-1, quiet=True)
    with pytest.raises(parnet.InputError, match=r"^results: expected 'all', None or a rank of the communicator"):
        parnet.run(model, results=world.size, quiet=True)
    with pytest.raises(parnet.InputError, match="saving"):
        parnet.run(model, output=os.path.join(WORK, "unused"), saving="tape", quiet=True)
    with pytest.raises(parnet.InputError, match="plan"):
        parnet.run(model, plan=os.path.join(WORK, "no_such_plan.h5"), quiet=True)
    with pytest.raises(parnet.InputError, match="cannot be written as JSON"):
        parnet.Model.from_dict({"run": {"tstop": object()}})
    with pytest.raises(TypeError):
        parnet.run(model, comm="world")
    with pytest.raises(ValueError, match=r"^watchdog: expected seconds >= 0, got -1$"):
        parnet.run(model, watchdog=-1, quiet=True)
    with pytest.raises(TypeError, match="^watchdog: expected seconds"):
        parnet.run(model, watchdog="soon", quiet=True)
    world.Barrier()


def test_full_disk_raises_one_input_error_on_every_rank():
    """Issue 16: a write error (a disk that fills during the run) is raised on every rank as the
    same InputError naming the file, and no file that passes for complete is left. Needs a small
    tmpfs (root with mount rights). Every saving strategy: a serial file (per-rank, rank0) that
    HDF5 could not close after a failed write made it crash at MPI_Finalize, after the tests; so did,
    about one run in ten, a discarded per-rank file whose close found the disk still full of the
    other rank's file (the close now writes into a scratch file: io/output_file.cpp)."""
    import subprocess
    disk = os.path.join(WORK, "python", "full_disk")
    mounted = 0
    if world.rank == 0:
        os.makedirs(disk, exist_ok=True)
        mounted = int(subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk],
                                     capture_output=True).returncode == 0)
    if not world.bcast(mounted):
        pytest.skip("cannot mount a small tmpfs here")
    try:
        model = parnet.Model.from_dict({"run": {"tstop": 1e6, "dt": 0.1}, "populations": [
            {"name": "exc", "count": 2000, "kind": "lif", "params": {"i_bias": 1.0}}]}, source="full_disk")
        out = os.path.join(disk, "out")
        for saving in ["collective", "per-rank", "rank0"]:
            with pytest.raises(parnet.InputError, match=r"\.h5: cannot ") as e:
                parnet.run(model, output=out, saving=saving, quiet=True)
            # The same message on every rank.
            assert world.allgather(str(e.value)) == [str(e.value)] * world.size
            world.Barrier()
            if world.rank == 0:
                for root, _, names in os.walk(out):
                    assert not [n for n in names if n.endswith(".h5") or n.endswith(".manifest.json")], (root, names)
                subprocess.run(["rm", "-rf", out])
            world.Barrier()
    finally:
        world.Barrier()
        if world.rank == 0:
            subprocess.run(["umount", disk])
