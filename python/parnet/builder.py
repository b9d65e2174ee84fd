"""Builder calls that write a model document (docs/model-format.md) field for field. Nothing is
checked or computed here: Builder.build hands the document to the engine's reader, so the
network is the one a JSON file with the same content gives, bit for bit, and a mistake raises the
reader's message, which names the field (e.g. "brunel: projections[2].rule.indegree: ...").

Arguments left as None are left out of the document, so the reader's defaults apply."""
from .model import Model


def _given(**fields):
    return {k: v for k, v in fields.items() if v is not None}


# Distributions: anywhere a number is allowed for a parameter, weight or delay.
def uniform(low, high):
    return {"dist": "uniform", "low": low, "high": high}


def normal(mean, std, min=None, max=None):  # noqa: A002 (the model format's names)
    return {"dist": "normal", "mean": mean, "std": std, **_given(min=min, max=max)}


def lognormal(mean, std, min=None, max=None):  # noqa: A002
    return {"dist": "lognormal", "mean": mean, "std": std, **_given(min=min, max=max)}


# Connection rules of a projection.
def one_to_one(allow_autapses=None):
    return {"type": "one_to_one", **_given(allow_autapses=allow_autapses)}


def fixed_indegree(indegree, allow_autapses=None, allow_multapses=None):
    return {"type": "fixed_indegree", "indegree": indegree,
            **_given(allow_autapses=allow_autapses, allow_multapses=allow_multapses)}


def pairwise(probability, allow_autapses=None):
    return {"type": "pairwise", "probability": probability, **_given(allow_autapses=allow_autapses)}


def explicit(pairs, allow_autapses=None):
    """pairs: [[source, target], ...] population-relative, or an (n, 2) integer numpy array."""
    if hasattr(pairs, "tolist"):
        pairs = pairs.tolist()
    return {"type": "explicit", "pairs": pairs, **_given(allow_autapses=allow_autapses)}


class Builder:
    """A model document made by calls, in the order a JSON file lists things:
        net = Builder("brunel", tstop=1000, dt=0.1, runid=1)
        net.population("exc", 8000, "lif", params={"tau_m": 20, "v_init": uniform(-65, -50)})
        net.projection("exc", "exc", fixed_indegree(50), weight=0.1, delay=uniform(1.0, 2.0))
        model = net.build()
    Populations are named by their names; population() returns the name."""

    def __init__(self, name=None, tstop=None, dt=None, runid=None, output=None, description=None):
        self.document = _given(name=name, description=description)
        self.document["run"] = _given(tstop=tstop, dt=dt, runid=runid, output=output)

    def run_settings(self, tstop=None, dt=None, runid=None, output=None):
        self.document["run"].update(_given(tstop=tstop, dt=dt, runid=runid, output=output))

    def cell_template(self, name, cell):
        """A cable cell (docs/cable-cells.md) that cable populations name with cell=name."""
        self.document.setdefault("cell_templates", {})[name] = cell

    def population(self, name, count, kind, params=None, model=None, times=None, cell=None):
        """kind: spike_source (model poisson/regular/replay, times for replay), intfire, lif, or
        cable (cell: a cell dict or a template name)."""
        if hasattr(times, "tolist"):
            times = times.tolist()
        self.document.setdefault("populations", []).append(
            _given(name=name, count=count, kind=kind, model=model, params=params, times=times, cell=cell))
        return name

    def projection(self, source, target, rule, weight, delay, synapse=None, name=None):
        self.document.setdefault("projections", []).append(
            _given(name=name, source=source, target=target, rule=rule, weight=weight, delay=delay,
                   synapse=synapse))

    def current_clamp(self, population, delay, duration, amplitude, cells=None, section=None, x=None):
        """cells: population-relative indices, or None for all."""
        if hasattr(cells, "tolist"):
            cells = cells.tolist()
        self.document.setdefault("stimuli", []).append(
            _given(type="current_clamp", population=population, cells=cells, delay=delay, duration=duration,
                   amplitude=amplitude, section=section, x=x))

    def record_spikes(self, populations="all"):
        """"all" or a list of population names whose spikes are kept (the file's recordings.spikes)."""
        self.document.setdefault("recordings", {})["spikes"] = populations

    def record_trace(self, name, population, variable=None, cells=None, interval=None, section=None, x=None):
        if hasattr(cells, "tolist"):
            cells = cells.tolist()
        self.document.setdefault("recordings", {}).setdefault("traces", []).append(
            _given(name=name, population=population, cells=cells, variable=variable, interval=interval,
                   section=section, x=x))

    def to_dict(self):
        return self.document

    def write(self, path, indent=1):
        """Writes the document as a model file the engine program reads."""
        import json
        from .model import _plain
        with open(path, "w") as f:
            json.dump(self.document, f, indent=indent, default=_plain)
            f.write("\n")

    def build(self, comm=None, source=None):
        """The validated model (collective over comm, MPI.COMM_WORLD by default)."""
        return Model.from_dict(self.document, comm=comm, source=source)
