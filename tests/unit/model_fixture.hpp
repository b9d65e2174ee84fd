#pragma once
// A small valid model document that tests mutate into malformed ones.
#include <nlohmann/json.hpp>

inline nlohmann::json small_model() {
    return nlohmann::json::parse(R"({
      "run": {"tstop": 100, "dt": 0.1, "runid": 1, "output": "out/test"},
      "populations": [
        {"name": "ext", "count": 20, "kind": "spike_source", "model": "poisson", "params": {"rate": 10}},
        {"name": "exc", "count": 40, "kind": "lif", "params": {"tau_m": {"dist": "uniform", "low": 10, "high": 20}}},
        {"name": "inh", "count": 10, "kind": "intfire", "params": {"tau": 5}}
      ],
      "projections": [
        {"source": "ext", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 5},
         "weight": 0.1, "delay": {"dist": "uniform", "low": 1, "high": 3}, "synapse": "exc"},
        {"source": "exc", "target": "exc", "rule": {"type": "pairwise", "probability": 0.2},
         "weight": {"dist": "normal", "mean": 0.05, "std": 0.01}, "delay": 1.5},
        {"source": "exc", "target": "inh", "rule": {"type": "fixed_indegree", "indegree": 8},
         "weight": 0.3, "delay": 2.0},
        {"source": "inh", "target": "exc", "rule": {"type": "pairwise", "probability": 0.5},
         "weight": -0.2, "delay": 1.0, "synapse": "inh"}
      ],
      "stimuli": [{"type": "current_clamp", "population": "exc", "cells": [0, 3], "delay": 10, "duration": 50, "amplitude": 0.5}],
      "recordings": {"spikes": "all"}
    })");
}
