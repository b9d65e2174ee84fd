#!/usr/bin/python3
"""Prints a plan's predicted per-rank load next to what a run of it measured, and both imbalances.

    /usr/bin/python3 tools/plan_vs_run.py plan.h5 out/model/report.json [--plot load.png]

The plan (written by `plan`) stores predicted_load per rank in seconds of compute per simulated
second; the run report (written by `engine --plan plan.h5`) stores per_rank[].compute_s for the
whole run. Predicted seconds = predicted_load * tstop_ms / 1000. Exit status 1 when the files do
not belong together (another model or rank count) or cannot be read.
"""
import argparse
import json
import sys

import h5py
import numpy as np


def fail(message):
    print(f"plan_vs_run: {message}", file=sys.stderr)
    sys.exit(1)


def read_plan(path):
    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("format") not in ("parnet-plan", b"parnet-plan"):
                fail(f"{path}: not a parnet plan file (attribute format)")
            method = f.attrs["method"]
            return {
                "ranks": int(f.attrs["ranks"]),
                "threads": int(f.attrs["threads"]),
                "method": method.decode() if isinstance(method, bytes) else str(method),
                "fingerprint": int(f.attrs["model_fingerprint"]),
                "predicted_load": np.asarray(f["predicted_load"][...], dtype=float),
            }
    except (OSError, KeyError) as e:
        fail(f"{path}: cannot read the plan: {e}")


def imbalance(values):
    mean = float(np.mean(values))
    return float(np.max(values)) / mean if mean > 0 else 1.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("plan")
    parser.add_argument("report")
    parser.add_argument("--plot", help="also draw predicted and measured load per rank into this PNG")
    args = parser.parse_args()

    plan = read_plan(args.plan)
    try:
        with open(args.report) as f:
            report = json.load(f)
        per_rank = report["per_rank"]
        tstop_ms = float(report["tstop_ms"])
    except (OSError, ValueError, KeyError) as e:
        fail(f"{args.report}: cannot read the run report: {e}")

    if len(per_rank) != plan["ranks"]:
        fail(f"the plan is for {plan['ranks']} ranks but the run had {len(per_rank)}")
    fingerprint = report.get("fingerprint")
    if fingerprint is not None and int(str(fingerprint), 16) != plan["fingerprint"]:
        fail(f"the run was of another model (fingerprint {fingerprint}, the plan's is {plan['fingerprint']:016x})")
    run_plan = (report.get("plan") or {}).get("method")
    if run_plan is None:
        print("note: the report says the run used no plan (round-robin); comparing anyway")

    predicted = plan["predicted_load"] * tstop_ms / 1000.0
    measured = np.array([float(r["compute_s"]) for r in per_rank])
    cpu = [r.get("compute_cpu_s") for r in per_rank]
    has_cpu = all(c is not None for c in cpu)
    if not np.any(predicted > 0):
        fail(f"{args.plan}: the plan has no prediction (predicted_load is 0; method {plan['method']})")

    print(f"plan {args.plan} ({plan['method']}, {plan['ranks']} ranks x {plan['threads']} threads) "
          f"vs run {args.report} ({tstop_ms:g} ms simulated)")
    header = f"  {'rank':>4} {'predicted s':>12} {'measured s':>11} {'measured/predicted':>19}"
    if has_cpu:
        header += f" {'cpu s':>9}"
    print(header)
    for r in range(plan["ranks"]):
        line = f"  {r:>4} {predicted[r]:>12.3f} {measured[r]:>11.3f} {measured[r] / predicted[r]:>19.3f}"
        if has_cpu:
            line += f" {float(cpu[r]):>9.3f}"
        print(line)
    def summary(label, values):
        error = np.abs(values / predicted - 1.0)
        print(f"  {label}: imbalance {imbalance(values):.3f} (predicted {imbalance(predicted):.3f}); "
              f"per-rank error max {100 * error.max():.1f}%, mean {100 * error.mean():.1f}% "
              f"(total {values.sum():.3f} s, predicted {predicted.sum():.3f} s)")

    summary("measured wall", measured)
    if has_cpu:
        # On a shared or oversubscribed machine wall time includes time other processes took;
        # CPU time is what the plan predicts.
        summary("measured cpu ", np.array([float(c) for c in cpu]))

    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        ranks = np.arange(plan["ranks"])
        series = [("predicted (plan)", predicted), ("measured wall", measured)]
        if has_cpu:
            series.append(("measured cpu", np.array([float(c) for c in cpu])))
        width = 0.8 / len(series)
        fig, ax = plt.subplots(figsize=(max(6, 0.8 * plan["ranks"] + 3), 4))
        for k, (label, values) in enumerate(series):
            ax.bar(ranks + (k - (len(series) - 1) / 2) * width, values, width, label=label)
        ax.set_xlabel("rank")
        ax.set_ylabel("compute time (s)")
        ax.set_xticks(ranks)
        title = f"{plan['method']} plan, {plan['ranks']} ranks\nimbalance: predicted {imbalance(predicted):.2f}, " \
                f"measured wall {imbalance(measured):.2f}"
        if has_cpu:
            title += f", cpu {imbalance(series[2][1]):.2f}"
        ax.set_title(title, fontsize=10)
        ax.legend(loc="lower right", fontsize=8)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)
        print(f"  plot: {args.plot}")


if __name__ == "__main__":
    main()
