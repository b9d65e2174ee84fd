"""tests/python/small_network.json (regular NetStims, lif cells, three ball-and-stick cable cells
with an expsyn synapse, normal and lognormal draws, pairwise and explicit rules, clamps at a
section, a dendrite trace) as a recipe answering per gid, drawing what the JSON model's rules
draw (engine/network.cpp, engine/distribution.cpp) from the same gid-keyed Random123 streams."""
import json
import math
import os

import parnet
from recipe_network import sample_distinct

HERE = os.path.dirname(os.path.abspath(__file__))
RUNID = 7
FIRST = {"src": 0, "exc": 10, "pyr": 30}
with open(os.path.join(HERE, "small_network.json")) as f:
    BALL_AND_STICK = json.load(f)["cell_templates"]["ball_and_stick"]
V_INIT = parnet.parameter_names("lif").index("v_init")


def normal(rng, mean, std, low, high):
    return min(max(mean + std * rng.normal(), low), high)


def lognormal(rng, mean, std):
    sigma2 = math.log1p((std * std) / (mean * mean))
    mu = math.log(mean) - 0.5 * sigma2
    return math.exp(mu + math.sqrt(sigma2) * rng.normal())


class SmallNetwork(parnet.Recipe):
    def populations(self):
        return [("src", 10, "spike_source"), ("exc", 20, "lif"), ("pyr", 3, "cable")]

    def settings(self):
        return {"tstop": 50, "dt": 0.025, "runid": RUNID}

    def recordings(self):
        return {"spikes": ["exc", "pyr"],
                "traces": [{"name": "exc_v", "population": "exc", "cells": [0, 1, 2, 3], "interval": 0.1},
                           {"name": "pyr_dend_v", "population": "pyr", "section": "dend", "x": 0.9,
                            "interval": 0.05}]}

    def origin(self):
        return "small_network"

    def cell_description(self, gid):
        return BALL_AND_STICK  # one dict for the three cells: read once

    def source_model(self, gid):
        return "regular"

    def parameter(self, gid, name):
        if gid < FIRST["exc"]:
            return {"interval": 5.0, "start": 1.0, "number": 8.0, "noise": 0.5}.get(name)
        if gid < FIRST["pyr"]:
            if name == "tau_m":
                return 15.0
            if name == "v_init":
                return normal(parnet.RandomStream("param", gid, V_INIT, RUNID), -60, 3, -70, -51)
        return None

    def clamps_on(self, gid):
        if gid - FIRST["exc"] in (0, 1, 2):
            return [(5.0, 20.0, 0.4)]
        if gid == FIRST["pyr"]:
            return [(2.0, 3.0, 0.5, "soma", 0.5)]
        return []

    def incoming(self, gid):
        sources, weights, delays, synapses = [], [], [], []
        if FIRST["exc"] <= gid < FIRST["pyr"]:
            local = gid - FIRST["exc"]
            conn = parnet.RandomStream("conn", gid, 0, RUNID)
            weight = parnet.RandomStream("weight", gid, 0, RUNID)
            delay = parnet.RandomStream("delay", gid, 0, RUNID)
            for s in sample_distinct(conn, 10, 4):  # src -> exc, fixed indegree 4
                sources.append(FIRST["src"] + s), weights.append(lognormal(weight, 0.4, 0.1))
                delays.append(delay.uniform(0.5, 2)), synapses.append("exc")
            conn = parnet.RandomStream("conn", gid, 1, RUNID)  # exc -> exc, pairwise 0.2, no autapses
            log_fail, nxt = math.log1p(-0.2), -1.0
            while True:
                nxt += 1.0 + math.floor(math.log(conn.uniform01()) / log_fail)
                if nxt >= 20:
                    break
                if int(nxt) != local:
                    sources.append(FIRST["exc"] + int(nxt)), weights.append(0.05), delays.append(1.5), synapses.append(0)
        elif gid >= FIRST["pyr"]:
            local = gid - FIRST["pyr"]
            conn = parnet.RandomStream("conn", gid, 2, RUNID)  # exc -> pyr, fixed indegree 6
            for s in sample_distinct(conn, 20, 6):
                sources.append(FIRST["exc"] + s), weights.append(0.004), delays.append(1.0), synapses.append("syn")
            sources.append(FIRST["pyr"] + (local - 1) % 3), weights.append(0.01), delays.append(2.0)  # the ring
            synapses.append("syn")
        return sources, weights, delays, synapses
