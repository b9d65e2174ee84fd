"""parnet from Python: describe a network (a JSON model file or builder calls), run it with the
engine under mpirun on an mpi4py communicator, and get its spikes and traces as numpy arrays.
See docs/python.md."""
from mpi4py import MPI  # noqa: F401  (initialises MPI before the engine uses it)

from ._parnet import Error, InputError
from .model import Model
from .builder import Builder, uniform, normal, lognormal, one_to_one, fixed_indegree, pairwise, explicit
from .running import run, Result, Trace

__all__ = ["Error", "InputError", "Model", "Builder", "uniform", "normal", "lognormal", "one_to_one",
           "fixed_indegree", "pairwise", "explicit", "run", "Result", "Trace"]
