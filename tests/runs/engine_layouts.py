#!/usr/bin/env python3
"""End-to-end: the real `engine` under mpirun writes bit-identical SONATA spike files for every
rank count (1-4) and thread count (1-2), every exchange method with and without overlap, the files pass tools/check_sonata.py, and the run report
holds one entry per rank with consistent totals.

Usage: engine_layouts.py --engine BIN --model MODEL --work DIR [--ranks 1 2 3 4] [--threads 1 2]
"""
import argparse
import json
import os
import subprocess
import sys

import h5py
import numpy as np

from engine_runs import MPI_ENV, datasets

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write_shuffled_plan(path, fingerprint_hex, cells, ranks, threads, seed=5):
    """A plan file (docs/file-formats.md) assigning gids to ranks and threads at random."""
    rng = np.random.default_rng(seed)
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "parnet-plan"
        f.attrs["format_version"] = np.uint32(1)
        f.attrs["model_fingerprint"] = np.uint64(int(fingerprint_hex, 16))
        f.attrs["ranks"] = np.uint32(ranks)
        f.attrs["threads"] = np.uint32(threads)
        f.attrs["method"] = "shuffled"
        f["rank_of_gid"] = rng.integers(0, ranks, cells).astype(np.uint32)
        f["thread_of_gid"] = rng.integers(0, threads, cells).astype(np.uint16)
        f["predicted_load"] = np.zeros(ranks)


def run_engine(args, ranks, threads, out, extra=(), expect_ok=True):
    env = dict(MPI_ENV, OMP_NUM_THREADS=str(threads))
    cmd = ["mpirun", "--oversubscribe", "-n", str(ranks), args.engine, "--progress", "0",
           "--threads", str(threads), "--output", out, *extra, args.model]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if not expect_ok:
        return done
    if done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def reports(folder):
    """Every SONATA report file of a run: name -> {dataset path: array}."""
    out = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".h5") or name == "spikes.h5":
            continue
        out[name] = datasets(os.path.join(folder, name))
    return out


def check_probe_trace(folder):
    """probe_v: a lif cell under a constant subthreshold current follows
    v(t) = v_rest + R I (1 - exp(-t / tau_m)) exactly (to float32 rounding)."""
    with h5py.File(os.path.join(folder, "probe_v.h5"), "r") as f:
        data = f["report/probe/data"][()]
        start, stop, step = f["report/probe/mapping/time"][()]
    t = start + step * np.arange(data.shape[0])
    expected = -65.0 + 40.0 * 0.1 * (1.0 - np.exp(-t / 10.0))
    error = np.abs(data - expected[:, None]).max()
    return error, data.shape


def expected_element_ids(model_file):
    """Per trace of a cable population: the compartment its values are read at, numbered over the
    cell (sections in order, floor(x * ncomp), x = 1 in the last segment), as SONATA element ids."""
    model = json.load(open(model_file))
    templates = model.get("cell_templates", {})
    out = {}
    for rec in model.get("recordings", {}).get("traces", []):
        pop = next(p for p in model["populations"] if p["name"] == rec["population"])
        if pop["kind"] != "cable":
            continue
        cell = templates[pop["cell"]] if isinstance(pop["cell"], str) else pop["cell"]
        first = 0
        for section in cell["sections"]:
            n = section.get("ncomp", 1)
            if section["name"] == rec.get("section", "soma"):
                out[rec["name"] + ".h5"] = first + min(int(rec.get("x", 0.5) * n), n - 1)
            first += n
    return out


def spike_datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        for pop in f["spikes"]:
            g = f["spikes"][pop]
            out[pop] = (g["timestamps"][:], g["node_ids"][:], int(g.attrs["sorting"]))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--engine", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2, 3, 4])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--min-spikes", type=int, default=1000)
    args = p.parse_args()

    reference = None
    fingerprint = cells = None  # from the reference run's report, for the shuffled plan
    failures = 0
    layouts = [(r, t, None, ()) for r in args.ranks for t in args.threads]
    top = max(args.ranks)
    layouts += [(top, 1, None, ("--exchange", "targeted")), (top, 2, None, ("--exchange", "targeted", "--overlap")),
                (top, 1, None, ("--overlap",))]
    layouts.append((top, max(args.threads), "shuffled", ()))
    layouts.append((top, max(args.threads), "shuffled", ("--exchange", "targeted", "--overlap")))
    for ranks, threads, plan, exchange in layouts:
        tag = "".join(x.lstrip("-")[0] for x in exchange)
        out = os.path.join(args.work, f"r{ranks}t{threads}" + (f"-{plan}" if plan else "") + (f"-{tag}" if tag else ""))
        extra = list(exchange)
        if plan:
            plan_file = os.path.join(args.work, "shuffled_plan.h5")
            write_shuffled_plan(plan_file, fingerprint, cells, ranks, threads)
            extra += ["--plan", plan_file]
        stdout = run_engine(args, ranks, threads, out, extra)
        spikes = os.path.join(out, "spikes.h5")
        check = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "check_sonata.py"), "--spikes", spikes],
                               capture_output=True, text=True)
        if check.returncode != 0:
            print(f"FAIL r{ranks}t{threads}: check_sonata: {check.stdout}{check.stderr}")
            failures += 1
        report = json.load(open(os.path.join(out, "report.json")))
        if report["ranks"] != ranks or len(report["per_rank"]) != ranks or report["threads"] != threads:
            print(f"FAIL r{ranks}t{threads}: report layout {report['ranks']} ranks, {len(report['per_rank'])} entries")
            failures += 1
        data = spike_datasets(spikes)
        traces = reports(out)
        for name in traces:
            check = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "check_sonata.py"), "--report",
                                    os.path.join(out, name)], capture_output=True, text=True)
            if check.returncode != 0:
                print(f"FAIL r{ranks}t{threads}: check_sonata {name}: {check.stdout}{check.stderr}")
                failures += 1
        total = sum(len(t) for t, _, _ in data.values())
        if total != report["spikes"] or f"{total:,}" not in stdout:
            print(f"FAIL r{ranks}t{threads}: file holds {total} spikes, report says {report['spikes']}")
            failures += 1
        if reference is None:
            reference, reference_traces = data, traces
            if "probe_v.h5" in traces:
                error, shape = check_probe_trace(out)
                print(f"probe_v {shape}: max |v - analytic| = {error:.2e} mV")
                if not error < 1e-4:
                    print("FAIL: the recorded lif trace departs from the analytic solution")
                    failures += 1
            for name, element in expected_element_ids(args.model).items():
                with h5py.File(os.path.join(out, name), "r") as f:
                    pop = next(iter(f["report"]))
                    ids = f["report"][pop]["mapping/element_ids"][()]
                if not (ids == element).all():
                    print(f"FAIL: {name} element_ids {ids}, expected compartment {element}")
                    failures += 1
                else:
                    print(f"{name}: element_ids = compartment {element}")
            fingerprint, cells = report["fingerprint"], report["cells"]
            if total < args.min_spikes:
                sys.exit(f"FAIL: only {total} spikes; the comparison needs an active network")
            print(f"reference r{ranks}t{threads}: {total} spikes in {len(data)} populations")
            continue
        same = data.keys() == reference.keys() and all(
            np.array_equal(data[k][0].view(np.uint64), reference[k][0].view(np.uint64))
            and np.array_equal(data[k][1], reference[k][1]) and data[k][2] == reference[k][2]
            for k in data)
        same_traces = traces.keys() == reference_traces.keys() and all(
            traces[n].keys() == reference_traces[n].keys()
            and all(np.array_equal(traces[n][k], reference_traces[n][k]) for k in traces[n]) for n in traces)
        same = same and same_traces
        print(f"r{ranks}t{threads}{' ' + plan + ' plan' if plan else ''}{' ' + ' '.join(exchange) if exchange else ''}: {total} spikes, {len(traces)} reports, "
              f"{'bit-identical' if same else 'DIFFERENT'}")
        failures += 0 if same else 1

    # A plan made for another rank count is refused by every rank with one clear message.
    if max(args.ranks) > 1:
        ranks = max(args.ranks)
        done = run_engine(args, ranks - 1, 1, os.path.join(args.work, "wrong-plan"), ["--plan", plan_file], expect_ok=False)
        message = f"the plan is for {ranks} ranks but this run has {ranks - 1}"
        if done.returncode == 0 or (done.stdout + done.stderr).count(message) != 1:
            print(f"FAIL: plan for {ranks} ranks at {ranks - 1} ranks: exit {done.returncode}\n{done.stdout}{done.stderr}")
            failures += 1
        else:
            print(f"plan for {ranks} ranks refused at {ranks - 1} ranks: ok")
    print(f"{'PASS' if failures == 0 else 'FAIL'}: {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
