#!/usr/bin/python3
"""Plots of a finished run: a spike raster (spikes.h5) and the per-rank load (report.json: compute,
waiting, exchange and output seconds per rank, with the plan's prediction when there was one).

    tools/plot_run.py OUTPUT_FOLDER [--max-cells 2000] [--tmax MS]

Writes OUTPUT_FOLDER/raster.png and OUTPUT_FOLDER/load.png and prints their paths.
"""
import argparse
import importlib.util
import json
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _plotting():
    """python/parnet/plotting.py (pure Python: no built module needed), loaded by path."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python", "parnet", "plotting.py")
    spec = importlib.util.spec_from_file_location("parnet_plotting", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def raster(folder, max_cells, tmax):
    """Populations grouped by name (col0_pyr, col1_pyr, ... as col*_pyr): one colour and one
    legend entry a group (python/parnet/plotting.py)."""
    report = json.load(open(os.path.join(folder, "report.json")))
    fig, ax = plt.subplots(figsize=(12, 6))
    with h5py.File(os.path.join(folder, "spikes.h5"), "r") as f:
        pops = report["populations"]

        def spikes_of(i):
            name = pops[i]["name"]
            if name not in f["spikes"]:
                return None
            g = f["spikes"][name]
            return g["node_ids"][()], g["timestamps"][()]

        _plotting().draw_raster(ax, pops, spikes_of, report["tstop_ms"], max_cells=max_cells, tmax=tmax)
    ax.set_ylabel(f"cell (first {max_cells} of each population group)")
    ax.set_title(f"{os.path.basename(report['model'])}: {report['spikes']:,} spikes on {report['ranks']} ranks")
    path = os.path.join(folder, "raster.png")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def load(folder):
    report = json.load(open(os.path.join(folder, "report.json")))
    per = report["per_rank"]
    ranks = np.arange(len(per))
    fig, ax = plt.subplots(figsize=(max(6.5, 0.6 * len(per) + 3), 4.5))
    bottom = np.zeros(len(per))
    for key, label in [("compute_s", "compute"), ("waiting_s", "waiting"), ("exchange_s", "exchange"), ("output_s", "output")]:
        values = np.array([r[key] for r in per])
        ax.bar(ranks, values, bottom=bottom, label=label)
        bottom += values
    if any("predicted_load" in r and r["predicted_load"] > 0 for r in per):
        predicted = np.array([r.get("predicted_load", 0) * report["tstop_ms"] / 1000.0 for r in per])
        ax.scatter(ranks, predicted, color="black", marker="_", s=600, zorder=3, label="predicted compute")
    ax.set_xticks(ranks)
    ax.set_xlabel("rank")
    ax.set_ylabel("wall seconds")
    plan = report["plan"]["method"] if report.get("plan") else "round-robin"
    ax.set_title(f"per-rank load ({plan}): compute imbalance {report['imbalance']:.3f}", fontsize=10)
    ax.legend(fontsize=8)
    path = os.path.join(folder, "load.png")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", help="the run's output folder (holds spikes.h5 and report.json)")
    p.add_argument("--max-cells", type=int, default=2000, help="cells shown per population")
    p.add_argument("--tmax", type=float, default=0, help="last ms shown (default: the whole run)")
    args = p.parse_args()
    for name in ("spikes.h5", "report.json"):
        if not os.path.exists(os.path.join(args.folder, name)):
            sys.exit(f"plot_run.py: {os.path.join(args.folder, name)}: no such file (is this a finished run's output folder?)")
    print(raster(args.folder, args.max_cells, args.tmax))
    print(load(args.folder))


if __name__ == "__main__":
    main()
