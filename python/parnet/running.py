"""parnet.run and parnet.plan: the engine's run of a network (a model, a file, a Python recipe) on
an mpi4py communicator with the results in memory, and the planner's plan files for it."""
import json
import os
import tempfile
from dataclasses import dataclass, field

import numpy as np

from . import _parnet
from ._parnet import InputError
from .builder import Builder
from .model import Model, _plain
from .recipe import Recipe, native_recipe, prepare_all_cells_on_rank0, prepare_cells


@dataclass
class Trace:
    """One trace recording: values[i, j] is `variable` of cell gids[j] at times[i] (float32, as
    the SONATA report stores it by default; float64 for a recording with "dtype": "float64")."""
    name: str
    population: str
    variable: str
    gids: np.ndarray
    times: np.ndarray
    values: np.ndarray


@dataclass
class Result:
    """What a run gives. spikes and traces are None on ranks that did not ask for results."""
    spikes: tuple = None               # (gids uint32, times float64 ms), sorted by (time, gid)
    traces: dict = None                # name -> Trace
    populations: list = field(default_factory=list)  # [{'name', 'first', 'cells', 'spikes'}], every rank
    tstop: float = 0.0
    dt: float = 0.0
    min_delay: float = 0.0
    epoch: float = 0.0
    wall: float = 0.0
    ranks: int = 1
    threads: int = 1
    exchange: str = "allgather"
    overlap: bool = False
    outputs: list = field(default_factory=list)    # files written
    stopped: bool = False              # by a signal at a checkpoint: continue with run(restore=...)

    def spikes_of(self, population):
        """(node ids within the population, times) of one population's spikes."""
        pop = next((p for p in self.populations if p["name"] == population), None)
        if pop is None:
            raise KeyError(f"no population {population!r} in the model")
        gids, times = self.spikes
        mine = (gids >= pop["first"]) & (gids < pop["first"] + pop["cells"])
        return gids[mine] - pop["first"], times[mine]


def _results_rank(results):
    if isinstance(results, str) and results == "all":
        return -1
    if results is None:
        return -2
    if isinstance(results, (int, np.integer)) and not isinstance(results, bool):
        return int(results)  # checked against the communicator by the engine
    raise ValueError(f"results: expected 'all', None or a rank, got {results!r}")


def _network(network, comm):
    """A Model (or a prepared Python recipe) for what run and plan accept."""
    if isinstance(network, Builder):
        return network.build(comm=comm)
    if isinstance(network, (str, os.PathLike)):
        return Model.from_file(network, comm=comm)
    if isinstance(network, (Model, Recipe)):
        return network
    raise TypeError("network: expected a parnet.Model, a Builder, a parnet.Recipe or the path of a model file or "
                    f"SONATA config, got {type(network).__name__}")


def _communicator(comm):
    from mpi4py import MPI
    if comm is None:
        return MPI.COMM_WORLD
    if not isinstance(comm, MPI.Comm):
        raise TypeError(f"comm: expected an mpi4py communicator, got {type(comm).__name__}")
    return comm


def _checked(name, value, types, expected):
    if not isinstance(value, types) or isinstance(value, bool) and bool not in types:
        raise TypeError(f"{name}: expected {expected}, got {type(value).__name__} {value!r}")
    return value


def run(model, tstop=None, threads=1, plan=None, comm=None, output=None, exchange="allgather", overlap=False,
        saving="collective", results="all", quiet=False, progress=2.0, flush_interval=100.0, sort=True,
        replay=None, gids=None, checkpoint=None, checkpoint_at=None, restore=None, watchdog=30.0):
    """Runs `model` on every rank of `comm` (an mpi4py communicator, MPI.COMM_WORLD by default) as
    the engine program does. `model`: a Model, a Builder, a parnet.Recipe subclass instance, or
    the path of a JSON model file or a SONATA config.

    tstop:      overrides run.tstop (ms)
    threads:    OpenMP threads per rank
    plan:       a plan file from parnet.plan or the `plan` program; None: round-robin (gid % ranks)
    output:     None: no files; True: the SONATA files in the model's run.output; a folder: there
    exchange, overlap, saving, sort: as the engine's --exchange, --overlap, --saving, --no-sort
    results:    'all': spikes and traces on every rank; a rank: only there; None: nowhere
    quiet:      no progress line or summary (printed by rank 0 otherwise)
    replay, gids:  the engine's --replay/--gids: a spikes.h5 of an earlier run, the cells to replay (one rank)
    checkpoint, checkpoint_at, restore: the engine's --checkpoint, --checkpoint-at, --restore (docs/checkpoints.md)
    watchdog:   seconds a rank may go unheard before the job ends naming it (the engine's --watchdog); 0: off

    Bad input raises InputError (a ValueError) with the engine's message on every rank."""
    comm = _communicator(comm)
    network = _network(model, comm)
    options = _parnet.RunOptions()
    options.tstop = None if tstop is None else float(_checked("tstop", tstop, (int, float, np.integer, np.floating), "a time in ms"))
    options.threads = int(_checked("threads", threads, (int, np.integer), "a number of threads"))
    options.plan = "" if plan is None else os.fspath(plan)
    if output is True:
        output = network.output if isinstance(network, Model) else None
        if output is None:
            output = (network.settings() or {}).get("output") or ""
    options.output = "" if output is None or output is False else os.fspath(output)
    options.saving = _checked("saving", saving, (str,), "collective, per-rank or rank0")
    options.exchange = _checked("exchange", exchange, (str,), "allgather or targeted")
    options.overlap = bool(overlap)
    options.results_rank = _results_rank(results)
    options.quiet = bool(quiet)
    options.progress = float(_checked("progress", progress, (int, float, np.integer, np.floating), "seconds"))
    options.flush_ms = float(_checked("flush_interval", flush_interval, (int, float, np.integer, np.floating), "ms"))
    options.sort = bool(sort)
    options.watchdog = float(_checked("watchdog", watchdog, (int, float, np.integer, np.floating), "seconds"))
    if not (options.watchdog >= 0 and np.isfinite(options.watchdog)):
        raise ValueError(f"watchdog: expected seconds >= 0, got {watchdog!r}")
    options.replay = "" if replay is None else os.fspath(replay)
    options.replay_gids = [] if gids is None else [int(g) for g in np.asarray(gids, dtype=np.int64).ravel()]
    if any(g < 0 for g in options.replay_gids):
        raise ValueError("gids: expected gids >= 0")
    options.checkpoint = "" if checkpoint is None else os.fspath(checkpoint)
    options.checkpoint_at = [] if checkpoint_at is None else [float(t) for t in np.atleast_1d(checkpoint_at)]
    options.restore = "" if restore is None else os.fspath(restore)

    if isinstance(network, Recipe):
        prepared = native_recipe(network, comm)
        decomposition = _parnet.decompose(prepared.native, comm, options)
        prepare_cells(prepared, decomposition.gids, comm)
        out = _parnet.run_recipe(prepared.native, decomposition, comm, options)
    elif network._input is not None:
        out = _parnet.run_input(network._input, network._path, comm, options)
    else:
        out = _parnet.run_model(network._native, comm, options)
    result = Result(populations=out["populations"], tstop=out["tstop"], dt=out["dt"], min_delay=out["min_delay"],
                    epoch=out["epoch"], wall=out["wall"], ranks=out["ranks"], threads=out["threads"],
                    exchange=out["exchange"], overlap=out["overlap"], outputs=out["outputs"], stopped=out["stopped"])
    if out["holds_results"]:
        result.spikes = (out["spike_gids"], out["spike_times"])
        result.traces = {t["name"]: Trace(**t) for t in out["traces"]}
    return result


def plan(model, output, ranks, threads=1, method="metis", comm=None, static_costs=False, calibration=None,
         save_calibration=None, assumed_rate=5.0, rates=None, rates_from=None, compare=True, report_json=None,
         quiet=False, split_above=0.0, split_pieces=0):
    """Writes a plan file (docs/planning.md) for `ranks` MPI ranks x `threads` threads, for
    parnet.run(plan=...) and `engine --plan`. Collective over comm; rank 0 plans.

    Every network (a model file, a SONATA circuit, a Model, a Builder, a parnet.Recipe) goes
    through the one planner as the `plan` program does it (balance/planner.hpp): method 'metis'
    (default), 'lpt' or 'round-robin'; costs measured on this machine unless static_costs or a
    calibration file; rates: {population: Hz}; split_above / split_pieces cut heavy cable cells.
    A recipe is asked about every gid on rank 0 (its connections make the graph and the costs)."""
    comm = _communicator(comm)
    network = _network(model, comm)
    options = _parnet.PlannerOptions()
    options.output = os.fspath(output)
    options.ranks = int(_checked("ranks", ranks, (int, np.integer), "a number of ranks"))
    options.threads = int(_checked("threads", threads, (int, np.integer), "a number of threads"))
    options.method = "metis" if method is None else str(method)
    options.static_costs = bool(static_costs)
    options.calibration = "" if calibration is None else os.fspath(calibration)
    options.save_calibration = "" if save_calibration is None else os.fspath(save_calibration)
    options.assumed_rate = float(assumed_rate)
    options.population_rates = [f"{k}={v}" for k, v in (rates or {}).items()]
    options.rates_from = "" if rates_from is None else os.fspath(rates_from)
    options.compare = bool(compare)
    options.report_json = "" if report_json is None else os.fspath(report_json)
    options.quiet = bool(quiet)
    options.split_above = float(split_above)
    options.split_pieces = int(split_pieces)
    if isinstance(network, Recipe):
        prepared = native_recipe(network, comm)
        prepare_all_cells_on_rank0(prepared, comm)
        _parnet.plan_recipe(prepared.native, options, comm)
        return options.output
    if network._path is not None:   # a JSON model or a SONATA circuit, read as `plan` reads it
        options.model = network._path
        _parnet.plan_model(options, comm)
        return options.output
    # A model made in memory: the planner reads it from a file of the same document (the same
    # fingerprint), in the working folder so that relative paths in it mean what they meant.
    path = None
    if comm.Get_rank() == 0:
        fd, path = tempfile.mkstemp(prefix=".parnet-plan-", suffix=".json", dir=os.getcwd())
        with os.fdopen(fd, "w") as f:
            json.dump(network._document, f, default=_plain)
    options.model = path or ""
    try:
        _parnet.plan_model(options, comm)
    finally:
        if path:
            os.remove(path)
    return options.output
