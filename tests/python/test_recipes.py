"""Recipes written in Python, parnet.plan, SONATA input, replay and checkpoints from Python, under
mpirun (tests/python/run_pytest.py; every rank runs every test in the same order). The network of
tests/python/recipe_network.json is also described by builder calls and by two recipes
(tests/python/recipe_network.py): all give the engine's spikes and traces bit for bit."""
import json
import os
import shutil
import sys

import numpy as np
import pytest
from mpi4py import MPI

import parnet

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "runs"))
sys.path.insert(0, HERE)
from engine_runs import datasets  # noqa: E402
from run_pytest import ENGINE_MODELS, SONATA_TSTOP, sonata_config  # noqa: E402
import cable_recipe  # noqa: E402
import recipe_network  # noqa: E402

WORK = os.environ["PARNET_TEST_WORK"]
RANKS = int(os.environ["PARNET_TEST_RANKS"])
world = MPI.COMM_WORLD
JSON_FILE, TSTOP = ENGINE_MODELS["recipe_network"]


def engine_dir(name):
    return os.path.join(WORK, "engine", name)


def out_dir(name):
    return os.path.join(WORK, "python", name)


def spikes_of_file(path, firsts):
    """A spikes.h5 as (gids, times) sorted by (time, gid)."""
    files = datasets(path)
    gids, times = [np.empty(0, np.uint32)], [np.empty(0)]
    for key, values in files.items():
        if key.endswith("/node_ids"):
            pop = key.split("/")[1]
            gids.append(values.astype(np.uint32) + firsts[pop])
            times.append(files[f"spikes/{pop}/timestamps"])
    gids, times = np.concatenate(gids), np.concatenate(times)
    order = np.lexsort((gids, times))
    return gids[order], times[order]


def assert_same_results(a, b):
    assert np.array_equal(a.spikes[0], b.spikes[0]) and np.array_equal(a.spikes[1], b.spikes[1])
    assert sorted(a.traces) == sorted(b.traces)
    for name in a.traces:
        assert a.traces[name].values.dtype == b.traces[name].values.dtype
        assert np.array_equal(a.traces[name].values, b.traces[name].values), name
        assert np.array_equal(a.traces[name].gids, b.traces[name].gids)


def assert_results_equal_files(result, folder):
    """The spikes and traces in memory are the SONATA files' datasets."""
    firsts = {p["name"]: p["first"] for p in result.populations}
    gids, times = spikes_of_file(os.path.join(folder, "spikes.h5"), firsts)
    assert np.array_equal(result.spikes[0], gids) and np.array_equal(result.spikes[1], times)
    for name, t in result.traces.items():
        report = datasets(os.path.join(folder, name + ".h5"))
        data = report[f"report/{t.population}/data"]
        assert data.dtype == t.values.dtype
        assert np.array_equal(t.values, data)
        assert np.array_equal(t.gids - firsts[t.population], report[f"report/{t.population}/mapping/node_ids"])


@pytest.fixture(scope="module")
def from_json():
    return parnet.run(JSON_FILE, tstop=TSTOP, quiet=True)


def test_json_run_equals_engine_files(from_json):
    assert len(from_json.spikes[0]) > 100
    assert_results_equal_files(from_json, engine_dir("recipe_network"))


def test_float64_traces_in_memory(from_json):
    """A "dtype": "float64" trace is float64 in memory, as in its file; the default is float32."""
    assert from_json.traces["exc_v"].values.dtype == np.float64
    assert from_json.traces["inh_m"].values.dtype == np.float32
    # Doubles that float32 would round: the memory holds what the integration computed.
    v = from_json.traces["exc_v"].values
    assert np.any(v.astype(np.float32).astype(np.float64) != v)


def test_builder_equals_json(from_json):
    built = recipe_network.build()
    assert built.build().fingerprint == parnet.Model.from_file(JSON_FILE).fingerprint
    assert_same_results(parnet.run(built, quiet=True), from_json)


@pytest.mark.parametrize("recipe", [recipe_network.PerGidRecipe, recipe_network.BulkRecipe])
def test_recipe_equals_json(recipe, from_json):
    """Per-gid and bulk recipes give the JSON model's spikes and traces bit for bit, with files
    equal to the engine's and at 2 threads too."""
    name = f"recipe_{recipe.__name__}"
    result = parnet.run(recipe(), quiet=True, output=out_dir(name))
    assert result.ranks == RANKS
    assert_same_results(result, from_json)
    world.Barrier()
    assert_results_equal_files(result, out_dir(name))
    for f in ["spikes.h5", "exc_v.h5", "inh_m.h5"]:
        a, b = datasets(os.path.join(out_dir(name), f)), datasets(os.path.join(engine_dir("recipe_network"), f))
        assert sorted(a) == sorted(b)
        for key in a:
            assert np.array_equal(a[key], b[key]), (f, key)
    assert_same_results(parnet.run(recipe(), quiet=True, threads=2, exchange="targeted"), from_json)


def test_several_detectors_on_recipe_cells():
    """A recipe's cell dict with a "detectors" list (docs/cable-cells.md, "Several detectors"):
    the first detector's spikes are the cell's, the second's are written as
    /spikes/pyr.dend_end, and the soma spikes equal those of the cell with its one detector."""
    class TwoDetectors(cable_recipe.SmallNetwork):
        def cell_description(self, gid):
            cell = {k: v for k, v in cable_recipe.BALL_AND_STICK.items() if k != "detector"}
            return {**cell, "detectors": [{"name": "soma", "section": "soma", "x": 0.5, "threshold": 10},
                                          {"name": "dend_end", "section": "dend", "x": 1, "threshold": -55}]}
    name = "cable_recipe_detectors"
    parnet.run(TwoDetectors(), quiet=True, threads=2, output=out_dir(name))
    world.Barrier()
    got = datasets(os.path.join(out_dir(name), "spikes.h5"))
    one = datasets(os.path.join(engine_dir("small_network"), "spikes.h5"))
    assert len(got["spikes/pyr.dend_end/node_ids"]) > 0
    for key in ("spikes/pyr/node_ids", "spikes/pyr/timestamps"):
        assert np.array_equal(got[key], one[key]), key


def test_cable_recipe_equals_json_and_engine_files():
    """Cable cells from a recipe (a description dict per gid, synapses by name, a clamp at a
    section, a dendrite trace): tests/python/small_network.json's spikes and traces, and the
    engine's files, bit for bit."""
    path, tstop = ENGINE_MODELS["small_network"]
    name = "cable_recipe"
    result = parnet.run(cable_recipe.SmallNetwork(), quiet=True, threads=2, output=out_dir(name))
    assert_same_results(result, parnet.run(path, quiet=True))
    world.Barrier()
    for f in ["spikes.h5", "exc_v.h5", "pyr_dend_v.h5"]:
        a, b = datasets(os.path.join(out_dir(name), f)), datasets(os.path.join(engine_dir("small_network"), f))
        assert sorted(a) == sorted(b)
        for key in a:
            assert np.array_equal(a[key], b[key]), (f, key)

    class BadCell(cable_recipe.SmallNetwork):
        def cell_description(self, gid):
            return {**cable_recipe.BALL_AND_STICK, "cm": -1}
    with pytest.raises(parnet.InputError, match=r"small_network: cell_descriptions\[0\]"):
        parnet.run(BadCell(), quiet=True)

    class BadSynapseName(cable_recipe.SmallNetwork):
        def incoming(self, gid):
            sources, weights, delays, synapses = super().incoming(gid)
            return sources, weights, delays, ["ampa" if s == "syn" else s for s in synapses]
    with pytest.raises(parnet.InputError, match=r'synapse: no synapse named "ampa" on a cable cell'):
        parnet.run(BadSynapseName(), quiet=True)

    class NoDescription(cable_recipe.SmallNetwork):
        def cell_descriptions(self, gids):
            return [None] * len(gids)
    with pytest.raises(TypeError, match=r"Recipe\.cell_descriptions: expected a dict describing gid 30"):
        parnet.run(NoDescription(), quiet=True)


def test_random_streams_are_the_engines():
    s = parnet.RandomStream("param", 13, 1, 11)
    a = [s.uniform01() for _ in range(6)]
    b = parnet.RandomStream("param", 13, 1, 11).uniform01_array(6)
    assert np.array_equal(a, b) and len(set(a)) == 6 and all(0 < x < 1 for x in a)
    assert parnet.id32("conn") == __import__("zlib").crc32(b"conn")


def test_plan_of_a_model_and_of_a_recipe(from_json):
    """parnet.plan writes plan files that parnet.run reads; the spikes do not depend on the plan."""
    model_plan = os.path.join(WORK, "python", "recipe_network_plan.h5")
    assert parnet.plan(JSON_FILE, model_plan, ranks=RANKS, threads=2, static_costs=True, quiet=True) == model_plan
    assert_same_results(parnet.run(JSON_FILE, tstop=TSTOP, plan=model_plan, threads=2, quiet=True), from_json)
    built_plan = os.path.join(WORK, "python", "recipe_network_built_plan.h5")
    parnet.plan(recipe_network.build(), built_plan, ranks=RANKS, method="lpt", static_costs=True, quiet=True)
    assert_same_results(parnet.run(JSON_FILE, tstop=TSTOP, plan=built_plan, quiet=True), from_json)
    recipe_plan = os.path.join(WORK, "python", "recipe_plan.h5")
    parnet.plan(recipe_network.BulkRecipe(), recipe_plan, ranks=RANKS, threads=2, method="lpt", static_costs=True,
                quiet=True)
    result = parnet.run(recipe_network.BulkRecipe(), plan=recipe_plan, threads=2, quiet=True)
    assert_same_results(result, from_json)
    # A recipe's plan is checked against the recipe: the JSON model's fingerprint differs.
    with pytest.raises(parnet.InputError, match="recipe_plan.h5"):
        parnet.run(JSON_FILE, tstop=TSTOP, plan=recipe_plan, quiet=True)
    with pytest.raises(parnet.InputError, match="--method bogus: expected metis, lpt or round-robin"):
        parnet.plan(recipe_network.BulkRecipe(), recipe_plan, ranks=RANKS, method="bogus")
    with pytest.raises(parnet.InputError, match="--method bogus"):
        parnet.plan(JSON_FILE, model_plan, ranks=RANKS, method="bogus", quiet=True)


def test_sonata_circuit_equals_engine():
    """A SONATA circuit read from Python (by content, as the engine does): spikes and traces in
    memory and in the files equal the engine's files."""
    model = parnet.Model.from_file(sonata_config(WORK))
    assert model.sonata and not parnet.Model.from_file(JSON_FILE).sonata
    result = parnet.run(model, tstop=SONATA_TSTOP, quiet=True, output=out_dir("sonata"))
    assert len(result.spikes[0]) > 50 and sorted(result.traces) == ["exc_v", "inh_m"]
    world.Barrier()
    assert_results_equal_files(result, engine_dir("sonata"))
    for f in ["spikes.h5", "exc_v.h5", "inh_m.h5"]:
        a, b = datasets(os.path.join(out_dir("sonata"), f)), datasets(os.path.join(engine_dir("sonata"), f))
        for key in a:
            assert np.array_equal(a[key], b[key]), (f, key)
    # Planned by the planner, as the `plan` program plans the circuit (METIS): the same spikes.
    plan = os.path.join(WORK, "python", "sonata_plan.h5")
    parnet.plan(model, plan, ranks=RANKS, threads=2, static_costs=True, quiet=True)
    planned = parnet.run(model, tstop=SONATA_TSTOP, plan=plan, threads=2, quiet=True)
    assert np.array_equal(planned.spikes[0], result.spikes[0]) and np.array_equal(planned.spikes[1], result.spikes[1])


def test_replay_on_one_rank(from_json):
    """Cells replayed with the input they got in the JSON run's spike file spike as they did."""
    alone = world.Split(0 if world.rank == 0 else MPI.UNDEFINED, world.rank)
    if world.rank == 0:
        cells = [13, 20, 55]
        result = parnet.run(recipe_network.BulkRecipe(), comm=alone, replay=os.path.join(engine_dir("recipe_network"),
                                                                                       "spikes.h5"),
                            gids=cells, quiet=True)
        full = np.isin(from_json.spikes[0], cells)
        assert full.sum() > 3
        assert np.array_equal(result.spikes[0], from_json.spikes[0][full])
        assert np.array_equal(result.spikes[1], from_json.spikes[1][full])
        with pytest.raises(parnet.InputError, match="replay needs the cells to replay"):
            parnet.run(JSON_FILE, comm=alone, replay=os.path.join(engine_dir("recipe_network"), "spikes.h5"))
        alone.Free()
    world.Barrier()
    if world.size > 1:
        with pytest.raises(parnet.InputError, match="replay runs on one rank"):
            parnet.run(JSON_FILE, replay=os.path.join(engine_dir("recipe_network"), "spikes.h5"), gids=[13])


def test_checkpoint_and_restore(from_json):
    """A run cut at 40 ms with a checkpoint there, restored to 80 ms at another thread count in a
    copy of its output folder, ends with the files and later spikes of the run never cut
    (as tests/runs/checkpoints.py does it with the engine)."""
    cut, restored, checkpoint = out_dir("cut"), out_dir("restored"), out_dir("checkpoint")
    first = parnet.run(recipe_network.BulkRecipe(), tstop=40, output=cut, checkpoint=checkpoint, checkpoint_at=[40],
                       quiet=True)
    assert not first.stopped
    world.Barrier()
    if world.rank == 0:
        shutil.rmtree(restored, ignore_errors=True)
        shutil.copytree(cut, restored)
    world.Barrier()
    again = parnet.run(recipe_network.BulkRecipe(), output=restored, restore=checkpoint, threads=2, quiet=True)
    world.Barrier()
    for f in ["spikes.h5", "exc_v.h5", "inh_m.h5"]:
        a, b = datasets(os.path.join(restored, f)), datasets(os.path.join(engine_dir("recipe_network"), f))
        assert sorted(a) == sorted(b)
        for key in a:
            assert np.array_equal(a[key], b[key]), (f, key)
    late = from_json.spikes[1] > 40
    assert np.array_equal(again.spikes[1], from_json.spikes[1][late])
    assert np.array_equal(again.spikes[0], from_json.spikes[0][late])
    with pytest.raises(parnet.InputError, match="checkpoint"):
        parnet.run(recipe_network.BulkRecipe(), checkpoint_at=[10], quiet=True)


# ---- errors: each a clear exception on every rank, never a hang
class RaisesOnLastRank(recipe_network.BulkRecipe):
    def connections_on(self, gids):
        if MPI.COMM_WORLD.rank == MPI.COMM_WORLD.size - 1:
            return 1 / 0
        return super().connections_on(gids)


class WrongConnectionsType(recipe_network.BulkRecipe):
    def connections_on(self, gids):
        return [(int(g), 0, 0.1, 1.0) for g in gids]  # a list of connections, not arrays


class WrongParameterType(recipe_network.BulkRecipe):
    def parameters(self, gids, name):
        return "fast" if name == "tau_m" else super().parameters(gids, name)


class BadSynapse(recipe_network.BulkRecipe):
    def connections_on(self, gids):
        t, s, w, d, syn = super().connections_on(gids)
        return t, s, w, d, np.full(len(t), 5)


class ForeignTarget(recipe_network.BulkRecipe):
    def connections_on(self, gids):
        missing = next(g for g in range(65) if g not in set(gids.tolist())) if world.size > 1 else 999
        return [missing], [0], [0.1], [1.0]


class NoPopulations(parnet.Recipe):
    pass


def test_recipe_method_raising_on_one_rank_ends_the_run_on_every_rank():
    with pytest.raises(parnet.RecipeError) as e:
        parnet.run(RaisesOnLastRank(), quiet=True)
    message = str(e.value)
    assert f"Recipe.connections_on raised ZeroDivisionError: division by zero on rank {world.size - 1}" in message
    if world.rank == 0:  # the traceback once, in rank 0's error
        assert "Traceback (most recent call last)" in message and "return 1 / 0" in message
    else:
        assert "Traceback" not in message and "rank 0's error" in message
    assert isinstance(e.value, parnet.Error)
    assert world.allreduce(1) == world.size


def test_wrong_return_types_name_the_method():
    with pytest.raises(TypeError, match=r"Recipe\.connections_on: expected a tuple \(targets, sources, weights, "
                                        r"delays\[, synapses\]\) of arrays, got list"):
        parnet.run(WrongConnectionsType(), quiet=True)
    with pytest.raises(TypeError, match=r"Recipe\.parameters: expected tau_m as a number, None or \d+ numbers \(one per gid\)"):
        parnet.run(WrongParameterType(), quiet=True)
    with pytest.raises(TypeError, match=r"Recipe\.populations: expected"):
        class Ints(recipe_network.BulkRecipe):
            def populations(self):
                return 3
        parnet.run(Ints(), quiet=True)
    assert world.allreduce(1) == world.size


def test_bad_recipe_values_raise_input_errors():
    with pytest.raises(parnet.InputError, match=r"connections_on: connection \d+ onto gid \d+: synapse: expected 0 .*, got 5"):
        parnet.run(BadSynapse(), quiet=True)
    with pytest.raises(parnet.InputError, match="which is not among the gids asked for"):
        parnet.run(ForeignTarget(), quiet=True)
    with pytest.raises(parnet.RecipeError, match="a parnet.Recipe must define populations"):
        parnet.run(NoPopulations(), quiet=True)

    class BadKind(recipe_network.BulkRecipe):
        def populations(self):
            return [("a", 3, "izhikevich")]
    with pytest.raises(parnet.InputError, match=r"populations\(\)\[0\] \(a\): kind: expected one of"):
        parnet.run(BadKind(), quiet=True)

    class BadTrace(recipe_network.BulkRecipe):
        def recordings(self):
            return {"traces": [{"name": "t", "population": "inh", "variable": "v"}]}
    with pytest.raises(parnet.InputError, match=r"trace t: variable: intfire cells record \"m\", got \"v\""):
        parnet.run(BadTrace(), quiet=True)
    assert world.allreduce(1) == world.size


def test_bad_arguments():
    with pytest.raises(TypeError, match="threads: expected a number of threads"):
        parnet.run(recipe_network.BulkRecipe(), threads="two")
    with pytest.raises(TypeError, match="network: expected a parnet.Model"):
        parnet.run(object())
    with pytest.raises(parnet.InputError, match="threads: expected a positive number of threads"):
        parnet.run(recipe_network.BulkRecipe(), threads=0, quiet=True)
    world.Barrier()


def test_raster_groups_populations_by_name():
    """The hybrid example's 305 populations make 7 legend entries (tools/plot_run.py and
    parnet.plotting): col0_pyr ... col149_pyr are one group."""
    import json
    from parnet.plotting import group_colours, group_populations
    with open(os.path.join(SOURCE, "examples", "hybrid.json")) as f:
        pops = [{"name": p["name"], "count": p["count"]} for p in json.load(f)["populations"]]
    groups = group_populations(pops)
    assert [g.name for g in groups] == ["ext", "exc", "gate", "basket", "rxd_basket", "col*_pyr", "col*_gate"]
    assert [len(g.members) for g in groups][-2:] == [150, 150] and sum(g.cells for g in groups) == sum(
        p["count"] for p in pops)
    assert len(set(group_colours(len(groups)))) == len(groups)
    assert len(set(group_colours(30))) == 30


# ---- direct events, morphology files, catalogues and METIS plans from a recipe: each gives the
# equivalent JSON model's results bit for bit.
EVENT_TIMES = [5.0, 5.5, 12.25, 20.0, 20.0, 30.5, 31.0, 31.25, 40.0]
POINT_PARAMS = {"exc": {"tau_m": 10.0, "v_thresh": -60.0, "tau_syn_exc": 2.0}, "gate": {"tau": 5.0, "refrac": 2.0}}
POINT_TRACES = [{"name": "exc_v", "population": "exc", "variable": "v", "interval": 0.025, "dtype": "float64"},
                {"name": "gate_m", "population": "gate", "variable": "m", "interval": 0.025}]


def events_document():
    """tests/runs/direct_events.py's model, with an inhibitory stimulus added."""
    return {"run": {"tstop": 60, "dt": 0.025},
            "populations": [{"name": "exc", "count": 3, "kind": "lif", "params": POINT_PARAMS["exc"]},
                            {"name": "gate", "count": 2, "kind": "intfire", "params": POINT_PARAMS["gate"]}],
            "stimuli": [{"type": "events", "population": "exc", "cells": [0, 2], "times": EVENT_TIMES, "weight": 0.8,
                         "synapse": "exc"},
                        {"type": "events", "population": "gate", "times": EVENT_TIMES, "weight": 0.45},
                        {"type": "events", "population": "exc", "cells": [2], "times": [12.25, 25.0], "weight": -0.5,
                         "synapse": "inh"}],
            "recordings": {"spikes": "all", "traces": POINT_TRACES}}


class EventsRecipe(parnet.Recipe):
    def populations(self):
        return [("exc", 3, "lif"), ("gate", 2, "intfire")]

    def settings(self):
        return {"tstop": 60, "dt": 0.025}

    def recordings(self):
        return {"spikes": "all", "traces": POINT_TRACES}

    def parameter(self, gid, name):
        return POINT_PARAMS["exc" if gid < 3 else "gate"].get(name)

    def events(self, gid):
        if gid in (0, 2):
            return [(t, 0.8, "exc") for t in EVENT_TIMES] + ([(12.25, -0.5, "inh"), (25.0, -0.5, 1)] if gid == 2 else [])
        return [(t, 0.45) for t in EVENT_TIMES] if gid >= 3 else []


def test_direct_events_equal_the_json_models():
    from_json = parnet.run(parnet.Model.from_dict(events_document()), quiet=True)
    assert len(from_json.spikes[0]) > 5
    assert_same_results(parnet.run(EventsRecipe(), quiet=True), from_json)
    assert_same_results(parnet.run(EventsRecipe(), threads=2, quiet=True), from_json)
    with pytest.raises(parnet.InputError, match="direct_events: event 0 onto gid 99: the gid is not among"):
        class Stray(EventsRecipe):
            def direct_events(self, gids):
                return np.array([99] * len(gids)), np.full(len(gids), 5.0), np.ones(len(gids))
        parnet.run(Stray(), quiet=True, comm=MPI.COMM_SELF)


MORPHOLOGIES = [os.path.join(SOURCE, "examples", "morphologies", f) for f in ("small_pyramid.swc", "small_pyramid_long.swc")]
CATALOGUE = os.environ.get("PARNET_TEST_CATALOGUE", "")


def pyramid(morphology, catalogue):
    """A reconstructed cell (examples/morphology_network.json's, smaller); with a catalogue its
    soma's Na and K are NEURON's demo HHna/HHk (tests/mechanisms/engine_catalogue_run.py)."""
    soma = ({"HHna": {"gnabar": 0.15}, "HHk": {"gkbar": 0.03}, "pas": {"g": 0.0003, "e": -54.3}} if catalogue
            else {"hh": {}})
    return {"morphology": morphology, "Ra": 100, "cm": 1, "v_init": -65, "nseg": {"d_lambda": 0.1, "frequency": 100},
            "biophysics": [{"region": "soma", "mechanisms": soma}, {"region": "axon", "mechanisms": {"hh": {}}},
                           {"region": "dend", "mechanisms": {"pas": {"g": 5e-5, "e": -65}}},
                           {"region": "apic", "mechanisms": {"pas": {"g": 3e-5, "e": -65}}}],
            "synapses": [{"name": "apical", "type": "expsyn", "section": "apic[10]", "x": 0.5, "tau": 2, "e": 0},
                         {"name": "basal", "type": "exp2syn", "section": "dend[5]", "x": 0.8, "tau1": 0.5, "tau2": 5, "e": 0}],
            "detector": {"section": "axon[0]", "x": 1, "threshold": 0}}


# (source, target, weight, delay, synapse), population-relative: ext 0-3 onto pyr 0-2, pyr onto pyr.
CABLE_EDGES = ([[s, t, 0.004, 1.0 + 0.25 * s, "apical" if (s + t) % 2 else "basal"] for t in range(3) for s in range(4)])
CABLE_TRACE = {"name": "soma_v", "population": "pyr", "variable": "v", "section": "soma[0]", "x": 0.5, "interval": 0.1}


def cable_document(catalogue):
    doc = {"run": {"tstop": 40, "dt": 0.025, "runid": 1},
           "populations": [{"name": "ext", "count": 4, "kind": "spike_source", "model": "poisson", "params": {"rate": 150}},
                           {"name": "pyr", "count": 3, "kind": "cable", "cell": pyramid(MORPHOLOGIES[0], catalogue),
                            "morphologies": MORPHOLOGIES}],
           "projections": [{"source": "ext", "target": "pyr", "rule": {"type": "explicit", "connections": CABLE_EDGES},
                            "synapse": "apical"}],
           "stimuli": [{"type": "current_clamp", "population": "pyr", "cells": [0], "delay": 5, "duration": 20,
                        "amplitude": 0.3, "section": "soma[0]", "x": 0.5}],
           "recordings": {"spikes": "all", "traces": [CABLE_TRACE]}}
    if catalogue:
        doc["catalogues"] = [catalogue]
    return doc


class CableFileRecipe(parnet.Recipe):
    """cable_document as a recipe: cell i takes morphology i % 2, as the model's "morphologies"."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        self.cells = [pyramid(m, catalogue) for m in MORPHOLOGIES]

    def populations(self):
        return [("ext", 4, "spike_source"), ("pyr", 3, "cable")]

    def settings(self):
        return {"tstop": 40, "dt": 0.025, "runid": 1}

    def recordings(self):
        return {"spikes": "all", "traces": [CABLE_TRACE]}

    def catalogues(self):
        return [self.catalogue] if self.catalogue else []

    def cell_description(self, gid):
        return self.cells[(gid - 4) % 2]

    def parameter(self, gid, name):
        return 150.0 if name == "rate" else None

    def clamps_on(self, gid):
        return [(5.0, 20.0, 0.3, "soma[0]", 0.5)] if gid == 4 else []

    def incoming(self, gid):
        mine = [e for e in CABLE_EDGES if e[1] == gid - 4]
        return [e[0] for e in mine], [e[2] for e in mine], [e[3] for e in mine], [e[4] for e in mine]


@pytest.mark.parametrize("catalogue", ["", "testmods"])
def test_morphology_files_and_catalogues_equal_the_json_models(catalogue):
    if catalogue:
        if not os.path.isfile(CATALOGUE):
            pytest.skip("the test catalogue (target test_mechanisms_catalogue) is not built")
        catalogue = CATALOGUE
    from_json = parnet.run(parnet.Model.from_dict(cable_document(catalogue)), quiet=True)
    assert len(from_json.traces["soma_v"].values) > 100
    assert_same_results(parnet.run(CableFileRecipe(catalogue), quiet=True), from_json)
    if catalogue:  # the catalogue's channels change the cell: the recipe did use them
        plain = parnet.run(CableFileRecipe(""), quiet=True)
        assert not np.array_equal(plain.traces["soma_v"].values, from_json.traces["soma_v"].values)
        with pytest.raises(parnet.InputError, match=r"catalogues\(\)\[0\]"):
            class Missing(CableFileRecipe):
                def catalogues(self):
                    return ["no_such_catalogue.so"]
            parnet.run(Missing(catalogue), quiet=True)


def plan_imbalance(path):
    import h5py
    with h5py.File(path) as f:
        load = f["predicted_load"][()]
        return load.max() / load.mean(), f["rank_of_gid"][()]


def test_metis_plan_of_a_recipe(from_json):
    """A recipe goes through the same planner as the JSON model of the same network: with static
    costs, METIS and LPT give the same assignment and predicted loads, and the recipe's plan runs
    with the same spikes; measured costs and splits are asked for as for the program."""
    import h5py
    for method in ("metis", "lpt"):
        recipe_plan = os.path.join(WORK, "python", f"recipe_{method}_plan.h5")
        model_plan = os.path.join(WORK, "python", f"model_{method}_plan.h5")
        parnet.plan(recipe_network.BulkRecipe(), recipe_plan, ranks=RANKS, threads=2, method=method, static_costs=True,
                    quiet=True)
        parnet.plan(JSON_FILE, model_plan, ranks=RANKS, threads=2, method=method, static_costs=True, quiet=True)
        with h5py.File(recipe_plan) as a, h5py.File(model_plan) as b:
            for key in ("rank_of_gid", "thread_of_gid", "predicted_load"):
                assert np.array_equal(a[key][()], b[key][()]), (method, key)
        if method == "metis":
            assert_same_results(parnet.run(recipe_network.BulkRecipe(), plan=recipe_plan, threads=2, quiet=True),
                                from_json)
            assert sorted(set(plan_imbalance(recipe_plan)[1].tolist())) == list(range(RANKS))
    measured = os.path.join(WORK, "python", "recipe_measured_plan.h5")
    report = os.path.join(WORK, "python", "recipe_measured_plan.json")
    parnet.plan(recipe_network.BulkRecipe(), measured, ranks=RANKS, method="round-robin", quiet=True,
                report_json=report)
    if world.Get_rank() == 0:
        with open(report) as f:
            methods = {m["method"] for m in json.load(f)["methods"]}
        assert methods == {"metis", "lpt", "round-robin"}
