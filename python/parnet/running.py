"""parnet.run: the engine's run of a model on an mpi4py communicator, with the results in memory."""
import os
from dataclasses import dataclass, field

import numpy as np

from . import _parnet
from .builder import Builder
from .model import Model


@dataclass
class Trace:
    """One trace recording: values[i, j] is `variable` of cell gids[j] at times[i] (float32, as
    the SONATA report stores it)."""
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


def run(model, tstop=None, threads=1, plan=None, comm=None, output=None, exchange="allgather", overlap=False,
        saving="collective", results="all", quiet=False, progress=2.0, flush_interval=100.0):
    """Runs `model` (a Model, a Builder, or the path of a model file) on every rank of `comm`
    (an mpi4py communicator, MPI.COMM_WORLD by default) as the engine program does.

    tstop:      overrides run.tstop (ms)
    threads:    OpenMP threads per rank
    plan:       a plan file from the `plan` program; None: round-robin (gid % ranks)
    output:     None: no files; True: the SONATA files in the model's run.output; a folder: there
    exchange, overlap, saving: as the engine's --exchange, --overlap, --saving
    results:    'all': spikes and traces on every rank; a rank: only there; None: nowhere
    quiet:      no progress line or summary (printed by rank 0 otherwise)

    Bad input raises InputError (a ValueError) with the engine's message on every rank."""
    if isinstance(model, Builder):
        model = model.build(comm=comm)
    elif isinstance(model, (str, os.PathLike)):
        model = Model.from_file(model, comm=comm)
    elif not isinstance(model, Model):
        raise TypeError(f"model: expected a parnet.Model, a Builder or a model file, got {type(model).__name__}")
    if output is True:
        output = model.output
    output = "" if output is None or output is False else os.fspath(output)
    out = _parnet.run(model._native, comm, tstop, threads, "" if plan is None else os.fspath(plan), output, saving,
                      exchange, overlap, _results_rank(results), quiet, progress, flush_interval)
    result = Result(populations=out["populations"], tstop=out["tstop"], dt=out["dt"], min_delay=out["min_delay"],
                    epoch=out["epoch"], wall=out["wall"], ranks=out["ranks"], threads=out["threads"],
                    exchange=out["exchange"], overlap=out["overlap"], outputs=out["outputs"])
    if out["holds_results"]:
        result.spikes = (out["spike_gids"], out["spike_times"])
        result.traces = {t["name"]: Trace(**t) for t in out["traces"]}
    return result
