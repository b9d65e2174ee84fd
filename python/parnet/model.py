"""A validated model: read from a JSON model file or a SONATA circuit, or made from a JSON document
in memory, and validated by the engine's own reader (io::NetworkInput, io::parse_model) on every
rank of the communicator, so that a bad model raises the same InputError on every rank together."""
import json
import os

import numpy as np

from . import _parnet


def _plain(value):
    """numpy scalars and arrays as the JSON numbers and lists they stand for."""
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


class Model:
    """The engine's model (docs/model-format.md). Make one with Model.from_file, Model.from_dict
    or Builder.build; all three are collective over `comm` (MPI.COMM_WORLD by default)."""

    def __init__(self, native, network_input=None, document=None, path=None):
        self._native = native
        self._input = network_input    # a file read as the engine reads it (JSON or SONATA)
        self._document = document      # the document of from_dict (the planner reads it from a file)
        self._path = path

    @staticmethod
    def from_file(path, comm=None):
        """Reads a JSON model file or a SONATA circuit (a simulation or circuit config), told apart
        by content, exactly as the engine program does (io/network_input.hpp)."""
        network_input = _parnet.read_input(os.fspath(path), comm)
        return Model(network_input.model, network_input=network_input, path=os.fspath(path))

    @property
    def sonata(self):
        """True for a SONATA circuit."""
        return self._input is not None and self._input.sonata

    @staticmethod
    def from_dict(document, comm=None, source=None):
        """The model a JSON file with this content would give, bit for bit. `source` names it in
        error messages and gives the default output folder out/<source>; by default the
        document's "name" (or "model")."""
        if source is None:
            name = document.get("name") if isinstance(document, dict) else None
            source = name if isinstance(name, str) and name else "model"
        try:
            text, problem = json.dumps(document, default=_plain, allow_nan=False), ""
        except (TypeError, ValueError) as e:
            text, problem = None, f"{source}: cannot be written as JSON: {e}"
        return Model(_parnet.parse_model(text, source, problem, comm), document=document)

    # What the engine read.
    file = property(lambda self: self._native.file, doc="the file (or source name) the model came from")
    fingerprint = property(lambda self: self._native.fingerprint, doc="hash of the canonical JSON (plans store it)")
    cell_count = property(lambda self: self._native.cell_count)
    tstop = property(lambda self: self._native.tstop)
    dt = property(lambda self: self._native.dt)
    runid = property(lambda self: self._native.runid)
    output = property(lambda self: self._native.output, doc="run.output: where run(output=True) writes")
    populations = property(lambda self: self._native.populations,
                           doc="[{'name', 'kind', 'first', 'count'}] in gid order")
    projections = property(lambda self: self._native.projections, doc="projection names")
    traces = property(lambda self: self._native.traces, doc="trace recording names")

    def __repr__(self):
        return (f"parnet.Model({self.file!r}: {self.cell_count} cells in {len(self.populations)} populations, "
                f"tstop {self.tstop} ms, dt {self.dt} ms)")
