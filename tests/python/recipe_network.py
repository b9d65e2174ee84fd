"""tests/python/recipe_network.json three ways: builder calls (build), a recipe answering per gid
in NEURON's style (PerGidRecipe), and one answering in bulk with numpy (BulkRecipe). Both recipes
draw what the JSON model's rules draw, from the same gid-keyed Random123 streams
(docs/model-format.md, random streams), so all three are one network bit for bit."""
import math

import numpy as np

import parnet

RUNID = 11
POPULATIONS = [("drive", 12, "spike_source"), ("exc", 40, "lif"), ("inh", 10, "intfire"), ("rep", 3, "spike_source")]
FIRST = {"drive": 0, "exc": 12, "inh": 52, "rep": 62}
COUNT = {name: n for name, n, _ in POPULATIONS}
INH_PAIRS = [[0, 0], [1, 5], [2, 10], [3, 15], [4, 20], [5, 25], [6, 30], [7, 35], [8, 1], [9, 2]]
REP_PAIRS = [[0, 3], [1, 4], [2, 3]]
REPLAY = [[3, 9.5], [4.25], [20, 30, 41]]
RECORDINGS = {"spikes": "all",
              "traces": [{"name": "exc_v", "population": "exc", "cells": [0, 1, 2, 3], "variable": "v",
                          "interval": 0.1, "dtype": "float64"},
                         {"name": "inh_m", "population": "inh", "variable": "m", "interval": 0.5}]}


def build(builder=None):
    net = builder or parnet.Builder("recipe_network", tstop=80, dt=0.025, runid=RUNID,
                                    description="The network of tests/python/recipe_network.py's recipe and builder "
                                                "(the same bit for bit)")
    drive = net.population("drive", 12, "spike_source", model="poisson", params={"rate": 60})
    exc = net.population("exc", 40, "lif", params={"tau_m": 15, "v_init": parnet.uniform(-65, -55)})
    inh = net.population("inh", 10, "intfire", params={"tau": 8, "refrac": 2})
    rep = net.population("rep", 3, "spike_source", model="replay", times=REPLAY)
    net.projection(drive, exc, parnet.fixed_indegree(3), weight=0.6, delay=parnet.uniform(1, 2))
    net.projection(exc, exc, parnet.fixed_indegree(5), weight=0.08, delay=1.5)
    net.projection(exc, inh, parnet.pairwise(0.3), weight=0.3, delay=1.0)
    net.projection(inh, exc, parnet.explicit(np.array(INH_PAIRS)), weight=0.5, delay=1.2, synapse="inh")
    net.projection(rep, exc, parnet.explicit(REP_PAIRS), weight=1.5, delay=1)
    net.current_clamp(exc, delay=5, duration=10, amplitude=0.3, cells=np.array([0, 1]))
    net.record_spikes("all")
    net.record_trace("exc_v", exc, variable="v", cells=[0, 1, 2, 3], interval=0.1)
    net.document["recordings"]["traces"][-1]["dtype"] = "float64"
    net.record_trace("inh_m", inh, variable="m", interval=0.5)
    return net


# The JSON model's rules, as engine/network.cpp draws them.
def sample_distinct(rng, n, k):
    """k distinct integers of [0, n), Floyd's algorithm, ascending."""
    seen, chosen = set(), []
    for j in range(n - k, n):
        t = rng.below(j + 1)
        pick = j if t in seen else t
        seen.add(pick)
        chosen.append(pick)
    return sorted(chosen)


def incoming(gid):
    """(sources, weights, delays, synapses) onto gid, in projection order, then draw order."""
    sources, weights, delays, synapses = [], [], [], []
    if FIRST["exc"] <= gid < FIRST["inh"]:
        local = gid - FIRST["exc"]
        # projection 0: drive -> exc, fixed indegree 3, delays uniform(1, 2)
        conn = parnet.RandomStream("conn", gid, 0, RUNID)
        delay = parnet.RandomStream("delay", gid, 0, RUNID)
        for s in sample_distinct(conn, COUNT["drive"], 3):
            sources.append(FIRST["drive"] + s), weights.append(0.6), delays.append(delay.uniform(1, 2)), synapses.append("exc")
        # projection 1: exc -> exc, fixed indegree 5 without autapses
        conn = parnet.RandomStream("conn", gid, 1, RUNID)
        for s in sample_distinct(conn, COUNT["exc"] - 1, 5):
            s += 1 if s >= local else 0
            sources.append(FIRST["exc"] + s), weights.append(0.08), delays.append(1.5), synapses.append("exc")
        # projection 3: inh -> exc, explicit, synapse inh
        for s, t in INH_PAIRS:
            if t == local:
                sources.append(FIRST["inh"] + s), weights.append(0.5), delays.append(1.2), synapses.append("inh")
        # projection 4: rep -> exc, explicit
        for s, t in REP_PAIRS:
            if t == local:
                sources.append(FIRST["rep"] + s), weights.append(1.5), delays.append(1.0), synapses.append("exc")
    elif FIRST["inh"] <= gid < FIRST["rep"]:
        # projection 2: exc -> inh, pairwise 0.3, by geometric skips
        conn = parnet.RandomStream("conn", gid, 2, RUNID)
        log_fail = math.log1p(-0.3)
        nxt = -1.0
        while True:
            nxt += 1.0 + math.floor(math.log(conn.uniform01()) / log_fail)
            if nxt >= COUNT["exc"]:
                break
            sources.append(FIRST["exc"] + int(nxt)), weights.append(0.3), delays.append(1.0), synapses.append(0)
    return sources, weights, delays, synapses


V_INIT_STREAM = parnet.parameter_names("lif").index("v_init")  # one sub-stream per parameter of the kind


def v_init(gid):
    return parnet.RandomStream("param", gid, V_INIT_STREAM, RUNID).uniform(-65, -55)


class PerGidRecipe(parnet.Recipe):
    """The network asked one gid at a time (the bulk methods' defaults loop over these)."""

    def populations(self):
        return POPULATIONS

    def settings(self):
        return {"tstop": 80, "dt": 0.025, "runid": RUNID}

    def recordings(self):
        return RECORDINGS

    def origin(self):
        return "recipe_network"

    def source_model(self, gid):
        return "replay" if gid >= FIRST["rep"] else "poisson"

    def parameter(self, gid, name):
        if gid < FIRST["exc"]:
            return 60.0 if name == "rate" else None
        if gid < FIRST["inh"]:
            return {"tau_m": 15.0, "v_init": v_init(gid)}.get(name)
        if gid < FIRST["rep"]:
            return {"tau": 8.0, "refrac": 2.0}.get(name)
        return None

    def replay_times(self, gid):
        return REPLAY[gid - FIRST["rep"]]

    def clamps_on(self, gid):
        return [(5.0, 10.0, 0.3)] if gid - FIRST["exc"] in (0, 1) else []

    def incoming(self, gid):
        return incoming(gid)


class BulkRecipe(PerGidRecipe):
    """The same network answered in bulk: numpy arrays for all of a rank's gids at once."""

    def kinds(self, gids):
        codes = np.repeat([parnet.KINDS[k] for _, _, k in POPULATIONS], [n for _, n, _ in POPULATIONS])
        return codes[gids]

    def source_models(self, gids):
        return np.where(gids >= FIRST["rep"], parnet.SOURCE_MODELS["replay"], parnet.SOURCE_MODELS["poisson"])

    def parameters(self, gids, name):
        if name == "v_init":
            return np.array([v_init(int(g)) for g in gids])
        values = {"rate": 60.0, "tau_m": 15.0, "tau": 8.0, "refrac": 2.0}
        return values.get(name)  # one number for all the gids, or None: the default

    def replay_times_on(self, gids):
        return [np.array(REPLAY[g - FIRST["rep"]]) for g in gids]

    def clamps(self, gids):
        return [(g, 5.0, 10.0, 0.3) for g in (FIRST["exc"], FIRST["exc"] + 1) if g in set(gids.tolist())]

    def connections_on(self, gids):
        # Targets in descending order: the adapter sorts by target, keeping each target's order.
        parts = [(g, incoming(int(g))) for g in gids[::-1]]
        targets = np.concatenate([np.full(len(c[0]), g) for g, c in parts])
        sources = np.concatenate([np.array(c[0], dtype=np.int64) for _, c in parts])
        weights = np.concatenate([np.array(c[1], dtype=float) for _, c in parts])
        delays = np.concatenate([np.array(c[2], dtype=float) for _, c in parts])
        synapses = np.concatenate([[1 if s == "inh" else 0 for s in c[3]] for _, c in parts]).astype(np.uint8)
        return targets, sources, weights, delays, synapses
