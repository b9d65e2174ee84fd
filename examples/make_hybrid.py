#!/usr/bin/python3
"""Writes examples/hybrid.json: the planner's bundled example (docs/planning.md).

A network of several thousand mixed cells laid out as models often are: shared populations
(Poisson sources, LIF cells, IntFire1 gates, 20-compartment cable cells, 20-compartment cable cells
with reaction-diffusion calcium, a buffer, a pump, HVA and SK channels), then `columns`
columns each created in turn as [one 200-compartment pyramidal cell, one IntFire1 gate]. Every
heavy pyramidal cell therefore gets an even gid, and NEURON's round-robin (gid % 2) puts all of
them on rank 0 of 2: a badly balanced run that `plan` fixes.

Usage: /usr/bin/python3 examples/make_hybrid.py [--columns 150] [-o examples/hybrid.json]
"""
import argparse
import json


def section(name, length, diam, ncomp=1, parent=None, hh=False, pas=False):
    s = {"name": name, "length": length, "diam": diam, "ncomp": ncomp}
    if parent:
        s["parent"] = parent
    mech = {}
    if hh:
        mech["hh"] = {}
    if pas:
        mech["pas"] = {"g": 0.0001, "e": -65}
    if mech:
        s["mechanisms"] = mech
    return s


def pyramidal():
    """200 compartments: hh soma and axon, passive apical and basal dendrites."""
    return {
        "Ra": 100, "cm": 1,
        "sections": [
            section("soma", 20, 20, 1, hh=True),
            section("axon", 400, 1, 19, "soma", hh=True),
            section("apical", 600, 2, 100, "soma", pas=True),
            section("basal1", 200, 1.5, 40, "soma", pas=True),
            section("basal2", 200, 1.5, 40, "soma", pas=True),
        ],
        "synapses": [
            {"name": "exc", "type": "expsyn", "section": "apical", "x": 0.3, "tau": 2, "e": 0},
            {"name": "inh", "type": "exp2syn", "section": "soma", "x": 0.5, "tau1": 0.5, "tau2": 8, "e": -80},
        ],
        "detector": {"section": "soma", "x": 0.5, "threshold": 0},
    }


def basket():
    """20 compartments: hh soma and a passive dendrite."""
    return {
        "Ra": 100, "cm": 1,
        "sections": [
            section("soma", 15, 15, 1, hh=True),
            section("dend", 200, 1, 19, "soma", pas=True),
        ],
        "synapses": [{"name": "exc", "type": "expsyn", "section": "dend", "x": 0.5, "tau": 2, "e": 0}],
        "detector": {"section": "soma", "x": 0.5, "threshold": 0},
    }


def calcium_basket():
    """The basket cell with intracellular calcium (docs/reaction-diffusion.md): the heaviest kind per
    compartment."""
    cell = basket()
    cell["sections"][0]["mechanisms"].update({"cahva": {"gbar": 0.002}, "sk": {"gbar": 0.005}})
    cell["sections"][1]["mechanisms"]["cahva"] = {"gbar": 0.0005}
    cell["calcium"] = {"initial": 5e-5, "D": 0.6, "cao": 2,
                       "buffers": [{"name": "calbindin", "total": 0.05, "kf": 100, "kb": 0.1, "D": 0.2}],
                       "pump": {"type": "decay", "tau": 20, "rest": 5e-5}}
    return cell


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--columns", type=int, default=150)
    parser.add_argument("--rxd", type=int, default=60, help="reaction-diffusion cells")
    parser.add_argument("-o", "--output", default="examples/hybrid.json")
    args = parser.parse_args()

    def uniform(low, high):
        return {"dist": "uniform", "low": low, "high": high}

    pops = [
        {"name": "ext", "count": 2000, "kind": "spike_source", "model": "poisson", "params": {"rate": 10}},
        {"name": "exc", "count": 2000, "kind": "lif",
         "params": {"tau_m": 20, "C_m": 0.25, "v_thresh": -50, "t_ref": 2, "v_init": uniform(-65, -55)}},
        {"name": "gate", "count": 1000, "kind": "intfire", "params": {"tau": 10, "refrac": 5}},
        {"name": "basket", "count": 400, "kind": "cable", "cell": "basket"},
        {"name": "rxd_basket", "count": args.rxd, "kind": "cable", "cell": "calcium_basket"},
    ]
    projs = [
        {"source": "ext", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 50},
         "weight": 0.2, "delay": uniform(1, 2), "synapse": "exc"},
        {"source": "exc", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 20},
         "weight": 0.02, "delay": uniform(1, 3), "synapse": "exc"},
        {"source": "exc", "target": "gate", "rule": {"type": "fixed_indegree", "indegree": 10},
         "weight": 0.15, "delay": 1.5},
        {"source": "ext", "target": "basket", "rule": {"type": "fixed_indegree", "indegree": 40},
         "weight": 0.002, "delay": uniform(1, 2), "synapse": "exc"},
        {"source": "gate", "target": "basket", "rule": {"type": "fixed_indegree", "indegree": 10},
         "weight": 0.002, "delay": 1, "synapse": "exc"},
        {"source": "ext", "target": "rxd_basket", "rule": {"type": "fixed_indegree", "indegree": 40},
         "weight": 0.002, "delay": uniform(1, 2), "synapse": "exc"},
    ]
    for c in range(args.columns):
        pyr, col_gate = f"col{c}_pyr", f"col{c}_gate"
        pops.append({"name": pyr, "count": 1, "kind": "cable", "cell": "pyramidal"})
        pops.append({"name": col_gate, "count": 1, "kind": "intfire", "params": {"tau": 10, "refrac": 5}})
        projs += [
            {"source": "ext", "target": pyr, "rule": {"type": "fixed_indegree", "indegree": 100},
             "weight": 0.004, "delay": uniform(1, 2), "synapse": "exc"},
            {"source": "basket", "target": pyr, "rule": {"type": "fixed_indegree", "indegree": 20},
             "weight": 0.002, "delay": 1, "synapse": "inh"},
            {"source": pyr, "target": col_gate, "rule": {"type": "one_to_one"}, "weight": 2.0, "delay": 1},
        ]

    model = {
        "name": "hybrid",
        "description": (
            "The planner's example (docs/planning.md), written by examples/make_hybrid.py: 2000 Poisson sources, "
            "2000 LIF cells, 1000 IntFire1 gates, 400 basket cable cells of 20 compartments, "
            f"{args.rxd} of them with reaction-diffusion calcium, then "
            f"{args.columns} columns of [one 200-compartment pyramidal cable cell, one IntFire1 gate]. The "
            "pyramidal cells all have even gids, so round-robin (gid % 2) puts them all on rank 0 of 2."),
        "run": {"tstop": 500, "dt": 0.025, "runid": 1, "output": "out/hybrid"},
        "cell_templates": {"pyramidal": pyramidal(), "basket": basket(), "calcium_basket": calcium_basket()},
        "populations": pops,
        "projections": projs,
        "recordings": {"spikes": "all"},
    }
    with open(args.output, "w") as f:
        json.dump(model, f, indent=1)
        f.write("\n")
    cells = sum(p["count"] for p in pops)
    print(f"{args.output}: {cells} cells in {len(pops)} populations, {len(projs)} projections")


if __name__ == "__main__":
    main()
