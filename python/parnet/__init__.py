"""parnet from Python: describe a network (a JSON model file, a SONATA circuit, builder calls or a
recipe written in Python), plan it, run it with the engine under mpirun on an mpi4py
communicator, and get its spikes and traces as numpy arrays. See docs/python.md."""
from mpi4py import MPI  # noqa: F401  (initialises MPI before the engine uses it)

from ._parnet import Error, InputError, RandomStream, id32
from .recipe import Recipe, RecipeError, KINDS, SOURCE_MODELS, parameter_names
from .model import Model
from .builder import Builder, uniform, normal, lognormal, one_to_one, fixed_indegree, pairwise, explicit
from .running import run, plan, Result, Trace

import sys as _sys
if not getattr(_sys.excepthook, "parnet", False):
    from .recipe import _excepthook
    _sys.excepthook = _excepthook(_sys.excepthook)

__all__ = ["Error", "InputError", "RecipeError", "Recipe", "RandomStream", "id32", "KINDS", "SOURCE_MODELS", "parameter_names",
           "plan", "Model", "Builder", "uniform", "normal", "lognormal", "one_to_one",
           "fixed_indegree", "pairwise", "explicit", "run", "Result", "Trace"]
