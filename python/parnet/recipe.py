"""parnet.Recipe: a network written in Python as the engine's recipe (engine/recipe.hpp), for
people who build networks in a loop keyed by gid, as with NEURON's ParallelContext.

The engine runs on OpenMP threads and asks about a cell more than once; calling Python for each
question would serialise the threads on the GIL. So the engine never calls Python: before the
run, each rank asks the recipe's *bulk* methods once, for the rank's own gids, on the Python
thread, and stores the answers in the engine's adapter (python/python_recipe.hpp). Every bulk
method has a per-gid twin (kinds/kind, parameters/parameter, connections_on/incoming, ...): override
whichever is natural; the bulk default loops over the per-gid one, and a bulk override with numpy
is what makes ten million connections quick.

Failures are agreed by all ranks of the communicator: a method that raises on one rank raises
RecipeError on every rank (the traceback in rank 0's message, shown once), a method returning the
wrong type raises TypeError naming the method and what was expected, and bad values raise
InputError, never leaving a rank waiting in a collective."""
import json
import traceback
import zlib

import numpy as np
from mpi4py import MPI

from . import _parnet
from ._parnet import Error, InputError
from .model import _plain

KINDS = {"spike_source": 0, "intfire": 1, "lif": 2, "cable": 3}
KIND_NAMES = {v: k for k, v in KINDS.items()}
SOURCE_MODELS = {"poisson": 0, "regular": 1, "replay": 2}
SOURCE_MODEL_NAMES = {v: k for k, v in SOURCE_MODELS.items()}
SYNAPSES = {"exc": 0, "inh": 1}  # lif cells' two synapses; intfire cells have one (0)


class RecipeError(Error):
    """A method of a Python recipe raised (on some rank); rank 0's message holds its traceback."""
    shown_on_rank0 = False  # True on the other ranks: an uncaught one prints a line, not a traceback


RecipeError.__module__ = "parnet"


def _excepthook(previous):
    """An uncaught RecipeError prints its traceback on rank 0 only, so that a job shows the
    recipe's traceback once; the other ranks print their one-line message."""
    def hook(kind, value, tb):
        if isinstance(value, RecipeError) and value.shown_on_rank0:
            import sys
            print(f"parnet.RecipeError: {value}", file=sys.stderr, flush=True)
            return
        previous(kind, value, tb)
    hook.parnet = True
    return hook


def parameter_names(kind, source_model="poisson"):
    """The parameters of a kind (and a spike source's model), sorted: a parameter's position here is
    the sub-stream (id3) the JSON model draws its distribution from (docs/model-format.md)."""
    return list(_parnet.parameter_names(KINDS[kind], SOURCE_MODELS[source_model]))


def _overrides(recipe, name):
    return getattr(type(recipe), name) is not getattr(Recipe, name)


class Recipe:
    """Subclass and override at least populations() and, for a connected network, connections_on
    (or incoming). gids run from 0 over the populations in order. Methods must be pure functions
    of the gid (rank and thread counts must not change the answers): draw random numbers from
    parnet.RandomStream(purpose, gid, sub, runid), which the JSON model uses too.

        class Ring(parnet.Recipe):
            def populations(self):
                return [("ring", 100, "lif")]
            def incoming(self, gid):
                return [(gid - 1) % 100], [0.5], [1.0]     # sources, weights, delays
    """

    # ---- the network as a whole
    def populations(self):
        """[(name, count, kind), ...] in gid order; kind one of spike_source, intfire, lif (it may be
        left out, (name, count), when kind()/kinds() answer per gid)."""
        raise NotImplementedError("a parnet.Recipe must define populations()")

    def cell_count(self):
        return sum(int(p[1]) for p in self.populations())

    def settings(self):
        """{'tstop': ms, 'dt': ms (0.025), 'runid': Random123 global index (0), 'output': folder}"""
        return {}

    def recordings(self):
        """{'spikes': 'all' (default) or [population names], 'traces': [{'name', 'population',
        'cells' (population-relative, default all), 'variable' ('v' lif, 'm' intfire),
        'interval' (ms, 0.1), 'dtype' ('float32' or 'float64')}]}"""
        return {}

    def min_delay_bound(self):
        """A lower bound of every delay (ms), for the planner; None: dt."""
        return None

    def origin(self):
        """What messages name as the network's source."""
        return type(self).__name__

    def fingerprint(self):
        """An integer that plan files store and check; None: a hash of populations and settings."""
        return None

    # ---- cells: per gid, and in bulk (the engine's adapter calls the bulk forms)
    def kind(self, gid):
        """'spike_source', 'intfire' or 'lif'. Default: the population's kind."""
        return None

    def kinds(self, gids):
        """kinds of many gids: a sequence of kind names (or a uint8 array of parnet.KINDS codes)."""
        if _overrides(self, "kind"):
            return [self.kind(int(g)) for g in gids]
        return None  # the populations' kinds

    def cell_description(self, gid):
        """Cable cells: the cell as a dict in the model file's form (docs/cable-cells.md: sections,
        mechanisms, synapses, detector). Return the same dict for cells that share it: it is read
        once."""
        return None

    def cell_descriptions(self, gids):
        """Cable cells' descriptions: a list of one dict per gid (shared dicts are read once), or
        one dict for all."""
        return [self.cell_description(int(g)) for g in gids]

    def source_model(self, gid):
        """Spike sources: 'poisson' (default), 'regular' (NetStim) or 'replay'."""
        return "poisson"

    def source_models(self, gids):
        if _overrides(self, "source_model"):
            return [self.source_model(int(g)) for g in gids]
        return None  # all poisson

    def parameter(self, gid, name):
        """A parameter of the cell's kind (docs/model-format.md lists them); None: the kind's default."""
        return None

    def parameters(self, gids, name):
        """Values of parameter `name` for gids (all of one kind and source model): a float array of
        len(gids), a number for all, or None for the kind's default (NaN entries: the default)."""
        if _overrides(self, "parameter"):
            return np.array([np.nan if v is None else v for v in (self.parameter(int(g), name) for g in gids)],
                            dtype=np.float64)
        return None

    def replay_times(self, gid):
        """Replay spike sources: the cell's spike times (ms)."""
        return ()

    def replay_times_on(self, gids):
        """[times of gids[0], times of gids[1], ...] for replay spike sources."""
        return [self.replay_times(int(g)) for g in gids]

    def clamps_on(self, gid):
        """Current clamps: [(delay ms, duration ms, amplitude nA), ...] on a lif cell; on a cable cell
        (delay, duration, amplitude, section, x) or the same three (at the soma's middle)."""
        return ()

    def clamps(self, gids):
        """[(gid, delay, duration, amplitude[, section, x]), ...] for the clamps on any of gids."""
        if not _overrides(self, "clamps_on"):
            return ()
        return [(int(g), *c) for g in gids for c in self.clamps_on(int(g))]

    def catalogues(self):
        """Mechanism catalogue libraries made by parnet-modcc (paths; relative ones from the working
        folder), searched before the built-in catalogue for the cable cells' mechanisms, as a model
        file's "catalogues" and the engine's --catalogue."""
        return ()

    # ---- events straight into synapses (NEURON's NetCon(None, syn).event(t))
    def events(self, gid):
        """Events delivered to a synapse of gid at given times: [(time ms, weight), ...] or
        [(time, weight, synapse), ...] (synapse as for incoming; default 0). At equal times they come
        after connections' events, then in the order given."""
        return ()

    def direct_events(self, gids):
        """All events onto gids (this rank's, ascending): (targets, times, weights) or
        (..., synapses), equal-length arrays; a target's events keep the order given."""
        if not _overrides(self, "events"):
            return None
        targets, times, weights, synapses = [], [], [], []
        for g in gids:
            got = self.events(int(g))
            if not isinstance(got, (list, tuple)):
                raise _WrongType("events", "a list of (time, weight[, synapse]) tuples", got)
            for e in got:
                if not isinstance(e, (list, tuple)) or len(e) not in (2, 3):
                    raise _WrongType("events", "(time, weight[, synapse]) tuples", e)
                targets.append(int(g))
                times.append(float(e[0]))
                weights.append(float(e[1]))
                synapses.append(e[2] if len(e) == 3 else 0)
        return np.array(targets, np.int64), np.array(times), np.array(weights), synapses

    # ---- connections, target-centred: this rank's cells ask for their inputs
    def incoming(self, gid):
        """Connections onto gid: (sources, weights, delays) or (sources, weights, delays, synapses),
        sequences of equal length, in canonical order (the tie-break of simultaneous events).
        Synapses: lif 0 (exc, default) or 1 (inh), or the names 'exc'/'inh'; intfire 0; cable
        cells the index or the name of one of the cell's synapses."""
        return (), (), ()

    def connections_on(self, gids):
        """All connections onto gids (numpy array of this rank's gids, ascending): (targets, sources,
        weights, delays) or (..., synapses), equal-length arrays. A target's connections keep the
        order given (their canonical order); targets may come in any order."""
        if not _overrides(self, "incoming"):
            return np.empty(0, np.uint32), np.empty(0, np.uint32), np.empty(0), np.empty(0), np.empty(0, np.uint32)
        targets, sources, weights, delays, synapses = [], [], [], [], []
        for g in gids:
            got = self.incoming(int(g))
            if not isinstance(got, (tuple, list)) or len(got) not in (3, 4):
                raise _WrongType("incoming", "a tuple (sources, weights, delays[, synapses])", got)
            s = _integers("incoming", "sources", got[0])
            targets.append(np.full(len(s), g, dtype=np.int64))
            sources.append(s)
            weights.append(_floats("incoming", "weights", got[1], len(s)))
            delays.append(_floats("incoming", "delays", got[2], len(s)))
            if len(got) == 4:
                if isinstance(got[3], (str, int, np.integer)):
                    synapses.extend([got[3]] * len(s))
                else:
                    syn = list(got[3]) if isinstance(got[3], (list, tuple)) else _array(
                        "incoming", "synapses", got[3]).tolist()
                    if len(syn) != len(s):
                        raise InputError(f"Recipe.incoming: synapses: expected {len(s)} values, got {len(syn)}")
                    synapses.extend(syn)
            else:
                synapses.extend([0] * len(s))
        if not targets:
            return np.empty(0, np.uint32), np.empty(0, np.uint32), np.empty(0), np.empty(0)
        return (np.concatenate(targets), np.concatenate(sources), np.concatenate(weights), np.concatenate(delays),
                synapses)  # numbers and names: the adapter resolves names per target


# ---- checking what a method returned
class _WrongType(TypeError):
    def __init__(self, method, expected, got):
        super().__init__(f"Recipe.{method}: expected {expected}, got {_describe(got)}")


class _UserFailure(Exception):
    """A recipe method raised: carries its traceback as text."""

    def __init__(self, method, error):
        self.method = method
        self.error = error
        self.text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        super().__init__(f"Recipe.{method} raised {type(error).__name__}: {error}")


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"a numpy array of {value.dtype} with shape {value.shape}"
    return f"{type(value).__name__} {value!r}"[:120]


def _array(method, what, value):
    if isinstance(value, (str, bytes, dict)) or value is None:
        raise _WrongType(method, f"{what} (a sequence or numpy array)", value)
    try:
        a = np.asarray(value)
    except Exception:  # ragged lists and the like
        raise _WrongType(method, f"{what} (a sequence or numpy array)", value) from None
    if a.ndim != 1:
        raise _WrongType(method, f"{what} as a one-dimensional sequence", a)
    return a


def _integers(method, what, value, n=None, limit=2**32):
    a = _array(method, what, value)
    if a.size == 0:
        a = a.astype(np.int64)
    if a.dtype.kind not in "iu":
        raise _WrongType(method, f"{what} as integers", a)
    if n is not None and len(a) != n:
        raise InputError(f"Recipe.{method}: {what}: expected {n} values (one per connection or cell), got {len(a)}")
    if a.size and (a.min() < 0 or a.max() >= limit):
        raise InputError(f"Recipe.{method}: {what}: expected integers in [0, {limit}), got {a.min()}..{a.max()}")
    return a


def _floats(method, what, value, n):
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return np.full(n, float(value))
    a = _array(method, what, value)
    if a.size == 0:
        a = a.astype(np.float64)
    if a.dtype.kind not in "iuf":
        raise _WrongType(method, f"{what} as numbers", a)
    if len(a) != n:
        raise InputError(f"Recipe.{method}: {what}: expected {n} values, got {len(a)}")
    return a.astype(np.float64, copy=False)


def _synapses(method, value, targets, native):
    """Synapse indices: numbers as they are, names resolved for their targets (lif exc/inh, a
    cable cell's synapse names)."""
    n = len(targets)
    if isinstance(value, (str, int, np.integer)) and not isinstance(value, bool):
        value = [value] * n
    if isinstance(value, (list, tuple)) and any(isinstance(x, str) for x in value):
        a = np.empty(len(value), dtype=object)  # numbers and names, kept apart (numpy would make "0" of 0)
        a[:] = value
    else:
        a = _array(method, "synapses as integers or names", value)
    if len(a) != n:
        raise InputError(f"Recipe.{method}: synapses: expected {n} values, got {len(a)}")
    if a.size == 0:
        return np.empty(0, np.uint32)
    if a.dtype.kind in "iu":
        return _integers(method, "synapses", a)
    if a.dtype.kind not in "USO":
        raise _WrongType(method, "synapses as integers or the names of synapses", a)
    named = np.array([isinstance(x, str) for x in a.tolist()]) if a.dtype.kind == "O" else np.ones(n, bool)
    out = np.zeros(n, np.uint32)
    if (~named).any():
        numbers = a[~named].tolist()
        if not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in numbers):
            raise _WrongType(method, "synapses as integers or the names of synapses", a)
        out[~named] = _integers(method, "synapses", np.array(numbers, dtype=np.int64))
    out[named] = native.synapse_indices(targets[named], [str(x) for x in a[named]])
    return out


def _codes(method, value, table, n):
    if isinstance(value, str):
        value = [value] * n
    a = _array(method, f"one of {', '.join(table)} per gid", value)
    if a.dtype.kind in "US" or a.dtype == object:
        try:
            a = np.array([table[str(v)] for v in a], dtype=np.uint8)
        except KeyError as e:
            raise InputError(f"Recipe.{method}: expected one of {', '.join(table)}, got {e.args[0]!r}") from None
    elif a.dtype.kind in "iu":
        if a.size and (a.min() < 0 or a.max() >= len(table)):
            raise InputError(f"Recipe.{method}: codes must be 0..{len(table) - 1} ({', '.join(table)})")
        a = a.astype(np.uint8)
    elif a.size:
        raise _WrongType(method, f"one of {', '.join(table)} per gid", a)
    if len(a) != n:
        raise InputError(f"Recipe.{method}: expected {n} values (one per gid asked for), got {len(a)}")
    return a.astype(np.uint8, copy=False)


def _call(recipe, method, *args):
    """Calls a recipe method; what it raises is the user's failure (with its traceback)."""
    try:
        return getattr(recipe, method)(*args)
    except Exception as e:
        raise _UserFailure(method, e) from e


# ---- agreement over the ranks
def agreed(comm, step):
    """Runs step() on every rank of comm; if it raised anywhere, every rank raises the lowest
    failing rank's error together (a collective: every rank must call it)."""
    failure, result = None, None
    try:
        result = step()
    except Exception as e:
        failure = e
    rank, size = comm.Get_rank(), comm.Get_size()
    first = comm.allreduce(rank if failure is not None else size, op=MPI.MIN)
    if first == size:
        return result
    note = None
    if rank == first:
        e = failure
        if isinstance(e, _UserFailure):
            note = ("recipe", f"{e} on rank {rank}", e.text)
        elif isinstance(e, TypeError):
            note = ("type", f"{e} (on rank {rank})" if size > 1 else str(e), "")
        elif isinstance(e, InputError):
            note = ("input", str(e), "")
        elif isinstance(e, ValueError):
            note = ("input", str(e), "")
        else:
            note = ("error", f"{type(e).__name__}: {e}", "")
    kind, message, text = comm.bcast(note, root=first)
    if kind == "recipe":
        # The traceback once, in rank 0's message; other ranks raise the summary.
        if rank == 0:
            raise RecipeError(f"{message}:\n{text.rstrip()}")
        error = RecipeError(f"{message} (its traceback is in rank 0's error)")
        error.shown_on_rank0 = True
        raise error
    if kind == "type":
        raise TypeError(message)
    if kind == "input":
        raise InputError(message)
    raise Error(message)


# ---- the recipe as the engine's adapter
def _whole(recipe):
    """The network as a whole, checked: the adapter without any cell's details."""
    pops = _call(recipe, "populations")
    if not isinstance(pops, (list, tuple)) or not pops:
        raise _WrongType("populations", "a non-empty list of (name, count, kind) tuples", pops)
    names, counts, pop_kinds = [], [], []
    for i, p in enumerate(pops):
        if (not isinstance(p, (tuple, list)) or len(p) not in (2, 3) or not isinstance(p[0], str)
                or not isinstance(p[1], (int, np.integer)) or isinstance(p[1], bool)):
            raise _WrongType("populations", f"(name, count, kind) tuples, entry {i} is not", p)
        if p[1] <= 0:
            raise InputError(f"{recipe.origin()}: populations()[{i}] ({p[0]}): count: expected a positive integer, got {p[1]}")
        if p[0] in names:
            raise InputError(f"{recipe.origin()}: populations()[{i}]: the name {p[0]} is taken by populations()[{names.index(p[0])}]")
        if len(p) == 3 and p[2] not in KINDS:
            raise InputError(f"{recipe.origin()}: populations()[{i}] ({p[0]}): kind: expected one of "
                             f"{', '.join(KINDS)}, got {p[2]!r}")
        names.append(p[0])
        counts.append(int(p[1]))
        pop_kinds.append(KINDS[p[2]] if len(p) == 3 else None)
    n = _call(recipe, "cell_count")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise _WrongType("cell_count", "an integer", n)
    n = int(n)
    kinds = _call(recipe, "kinds", np.arange(n, dtype=np.uint32))
    if kinds is None:
        if None in pop_kinds:
            missing = names[pop_kinds.index(None)]
            raise InputError(f"{recipe.origin()}: population {missing} has no kind: give (name, count, kind) or define kind(gid)")
        kinds = np.repeat(np.array(pop_kinds, dtype=np.uint8), counts)
        if len(kinds) != n:
            raise InputError(f"{recipe.origin()}: the populations hold {len(kinds)} cells but cell_count() is {n}")
    else:
        kinds = _codes("kinds", kinds, KINDS, n)
    firsts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int)

    settings = _call(recipe, "settings")
    if not isinstance(settings, dict):
        raise _WrongType("settings", "a dict {'tstop', 'dt', 'runid', 'output'}", settings)
    unknown = set(settings) - {"tstop", "dt", "runid", "output"}
    if unknown:
        raise InputError(f"{recipe.origin()}: settings(): unknown key {sorted(unknown)[0]!r} (expected tstop, dt, runid, output)")
    tstop = float(settings.get("tstop", 0.0) or 0.0)
    dt = float(settings.get("dt", 0.025))
    runid = settings.get("runid", 0)
    if not isinstance(runid, (int, np.integer)) or isinstance(runid, bool) or not 0 <= runid < 2**32:
        raise InputError(f"{recipe.origin()}: settings(): runid: expected an integer in [0, 2^32), got {runid!r}")
    output = str(settings.get("output", "") or "")

    rec = _call(recipe, "recordings")
    if not isinstance(rec, dict):
        raise _WrongType("recordings", "a dict {'spikes', 'traces'}", rec)
    spikes = rec.get("spikes", "all")
    if spikes == "all":
        spike_pops = list(range(len(names)))
    elif spikes is None:
        spike_pops = []
    elif isinstance(spikes, (list, tuple)):
        for s in spikes:
            if s not in names:
                raise InputError(f"{recipe.origin()}: recordings(): spikes: no population named {s!r}")
        spike_pops = sorted({names.index(s) for s in spikes})
    else:
        raise _WrongType("recordings", "'spikes' as 'all', None or a list of population names", spikes)
    traces = []
    for i, t in enumerate(rec.get("traces", ())):
        if not isinstance(t, dict) or "name" not in t or "population" not in t:
            raise _WrongType("recordings", f"traces[{i}] as a dict with 'name' and 'population'", t)
        if t["population"] not in names:
            raise InputError(f"{recipe.origin()}: recordings(): traces[{i}].population: no population named {t['population']!r}")
        p = names.index(t["population"])
        dtype = t.get("dtype", "float32")
        if dtype not in ("float32", "float64"):
            raise InputError(f"{recipe.origin()}: recordings(): traces[{i}].dtype: expected float32 or float64, got {dtype!r}")
        cells = t.get("cells")
        cells = [] if cells is None else [int(c) for c in _integers("recordings", f"traces[{i}].cells", cells)]
        unknown = set(t) - {"name", "population", "cells", "variable", "interval", "dtype", "section", "x"}
        if unknown:
            raise InputError(f"{recipe.origin()}: recordings(): traces[{i}]: unknown key {sorted(unknown)[0]!r}")
        default_variable = "m" if kinds[firsts[p]] == KINDS["intfire"] else "v"
        traces.append({"name": str(t["name"]), "population": p, "cells": cells,
                       "variable": str(t.get("variable", default_variable)), "interval": float(t.get("interval", 0.1)),
                       "float64": dtype == "float64", "section": str(t.get("section") or ""),
                       "x": float(t.get("x", 0.5))})

    bound = _call(recipe, "min_delay_bound")
    bound = dt if bound is None else float(bound)
    origin = str(_call(recipe, "origin"))
    fingerprint = _call(recipe, "fingerprint")
    if fingerprint is None:
        fingerprint = zlib.crc32(repr((list(zip(names, counts)), bytes(kinds[:1 << 20]), n, dt, int(runid))).encode())
    if not isinstance(fingerprint, (int, np.integer)) or not 0 <= fingerprint < 2**64:
        raise _WrongType("fingerprint", "an integer in [0, 2^64) or None", fingerprint)
    native = _parnet.NativeRecipe(origin, [(nm, int(f), c) for nm, f, c in zip(names, firsts, counts)], kinds, tstop,
                                  dt, int(runid), output, spike_pops, traces, bound, int(fingerprint))
    cable = np.flatnonzero(kinds == KINDS["cable"]).astype(np.uint32)
    if len(cable):
        # Every cable cell's description now: the decomposition weighs cells by their compartments.
        got = _call(recipe, "cell_descriptions", cable)
        if isinstance(got, dict):
            got = [got] * len(cable)
        if not isinstance(got, (list, tuple)) or len(got) != len(cable):
            raise _WrongType("cell_descriptions", f"a dict or a list of {len(cable)} dicts (one per gid)", got)
        texts, index_of, which = [], {}, np.empty(len(cable), np.uint32)
        for i, d in enumerate(got):
            if not isinstance(d, dict):
                raise _WrongType("cell_descriptions", f"a dict describing gid {cable[i]}'s cable cell", d)
            if id(d) not in index_of:
                index_of[id(d)] = len(texts)
                try:
                    texts.append(json.dumps(d, default=_plain, allow_nan=False))
                except (TypeError, ValueError) as e:
                    raise InputError(f"Recipe.cell_descriptions: gid {cable[i]}'s cell cannot be written as JSON: {e}") from None
            which[i] = index_of[id(d)]
        libraries = _call(recipe, "catalogues")
        if isinstance(libraries, (str, bytes)) or not isinstance(libraries, (list, tuple)) or not all(
                isinstance(x, str) for x in libraries):
            raise _WrongType("catalogues", "a list of catalogue library paths (strings)", libraries)
        native.set_cable_cells(texts, cable, which, list(libraries))
    native.check()
    return native, kinds


def _prepare(recipe, native, kinds, gids):
    """This rank's cells' answers, asked in bulk and stored in the adapter."""
    native.set_local_gids(gids)
    local_kinds = kinds[gids] if len(gids) else np.empty(0, np.uint8)
    # Spike sources' models.
    models = np.zeros(len(gids), dtype=np.uint8)
    sources = np.flatnonzero(local_kinds == KINDS["spike_source"])
    if len(sources):
        got = _call(recipe, "source_models", gids[sources])
        if got is not None:
            models[sources] = _codes("source_models", got, SOURCE_MODELS, len(sources))
    native.set_source_models(models)
    # Parameters: one call per (kind, source model) group and parameter name.
    for kind in np.unique(local_kinds):
        for model in (np.unique(models[local_kinds == kind]) if kind == KINDS["spike_source"] else [0]):
            mine = (local_kinds == kind) & ((models == model) if kind == KINDS["spike_source"] else True)
            group = gids[mine]
            for name in _parnet.parameter_names(int(kind), int(model)):
                values = _call(recipe, "parameters", group, name)
                if values is None:
                    continue
                native.set_parameter(name, group, _floats(
                    "parameters", f"{name} as a number, None or {len(group)} numbers (one per gid)", values, len(group)))
    # Replay times.
    replayed = np.flatnonzero(models == SOURCE_MODELS["replay"])
    if len(replayed):
        lists = _call(recipe, "replay_times_on", gids[replayed])
        if not isinstance(lists, (list, tuple)) or len(lists) != len(replayed):
            raise _WrongType("replay_times_on", f"a list of {len(replayed)} arrays of times (one per gid)", lists)
        sizes = np.zeros(len(gids), dtype=np.uint64)
        arrays = [_floats("replay_times_on", f"times of gid {gids[i]}", t, len(_array("replay_times_on", "times", t)))
                  for i, t in zip(replayed, lists)]
        sizes[replayed] = [len(a) for a in arrays]
        native.set_replay_times(np.concatenate([[0], np.cumsum(sizes)]).astype(np.uint64),
                                np.concatenate(arrays) if arrays else np.empty(0))
    # Clamps.
    clamps = _call(recipe, "clamps", gids)
    if clamps is not None:
        if not isinstance(clamps, (list, tuple)):
            raise _WrongType("clamps", "a list of (gid, delay, duration, amplitude)", clamps)
        mine = set(int(g) for g in gids) if len(clamps) else set()
        for c in clamps:
            if not isinstance(c, (list, tuple)) or len(c) not in (4, 6):
                raise _WrongType("clamps", "(gid, delay, duration, amplitude[, section, x]) tuples", c)
            g = int(c[0])
            if g not in mine:
                raise InputError(f"Recipe.clamps: a clamp on gid {g}, which is not among the gids asked for")
            kind = local_kinds[np.searchsorted(gids, g)]
            if kind not in (KINDS["lif"], KINDS["cable"]):
                raise InputError(f"Recipe.clamps: gid {g}: clamps act on lif and cable cells, not {KIND_NAMES[kind]}")
            section, x = (str(c[4]), float(c[5])) if len(c) == 6 else ("", 0.5)
            if kind == KINDS["lif"] and section:
                raise InputError(f"Recipe.clamps: gid {g}: no location: only cable cells have sections")
            native.add_clamp(g, float(c[1]), float(c[2]), float(c[3]), section, x)
    # Direct events.
    got = _call(recipe, "direct_events", gids)
    if got is not None:
        if not isinstance(got, (tuple, list)) or len(got) not in (3, 4):
            raise _WrongType("direct_events", "a tuple (targets, times, weights[, synapses]) of arrays", got)
        targets = _integers("direct_events", "targets", got[0])
        n = len(targets)
        times = _floats("direct_events", "times", got[1], n)
        weights = _floats("direct_events", "weights", got[2], n)
        synapses = _synapses("direct_events", got[3], targets, native) if len(got) == 4 else np.zeros(n, np.uint32)
        native.set_direct_events(targets, times, weights, synapses)
    # Connections.
    got = _call(recipe, "connections_on", gids)
    if not isinstance(got, (tuple, list)) or len(got) not in (4, 5):
        raise _WrongType("connections_on", "a tuple (targets, sources, weights, delays[, synapses]) of arrays", got)
    targets = _integers("connections_on", "targets", got[0])
    n = len(targets)
    sources_ = _integers("connections_on", "sources", got[1], n)
    weights = _floats("connections_on", "weights", got[2], n)
    delays = _floats("connections_on", "delays", got[3], n)
    synapses = _synapses("connections_on", got[4], targets, native) if len(got) == 5 else np.zeros(n, np.uint32)
    native.set_connections(targets, sources_, weights, delays, synapses)


class _Prepared:
    """A Python recipe made into the engine's, for one communicator."""

    def __init__(self, recipe, comm):
        self.recipe = recipe
        self.native, self.kinds = agreed(comm, lambda: _whole(recipe))


def native_recipe(recipe, comm):
    """The engine's adapter for a Python recipe (collective over comm), the network as a whole only."""
    return _Prepared(recipe, comm)


def prepare_cells(prepared, gids, comm):
    """Collective: this rank's cells asked in bulk and stored (agreed failures)."""
    agreed(comm, lambda: _prepare(prepared.recipe, prepared.native, prepared.kinds, np.asarray(gids, dtype=np.uint32)))


def prepare_all_cells_on_rank0(prepared, comm):
    """Collective: rank 0 asks the recipe about every gid (for planning); the other ranks ask nothing."""
    def step():
        if comm.Get_rank() == 0:
            _prepare(prepared.recipe, prepared.native, prepared.kinds,
                     np.arange(prepared.native.cell_count, dtype=np.uint32))
    agreed(comm, step)
