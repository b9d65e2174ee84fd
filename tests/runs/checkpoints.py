#!/usr/bin/env python3
"""Portable checkpoints (docs/checkpoints.md): a run cut at a checkpoint and restored under another
layout ends with spikes and traces bit-identical to one uninterrupted run; a SIGTERM during a run
writes a checkpoint on every rank together and stops with exit status 75; and every refusal.

The model is tests/runs/mixed_network.json (Poisson sources, lif, intfire, cable and
reaction-diffusion cells, delays up to 4 ms with epochs of 0.5 ms: events in flight across every
checkpoint) plus noisy NetStims (random streams part-way through a Philox block), cable cells
with catalogue mechanisms (HHna, HHk, cachan1 and the calcium accumulation cad: ion
concentrations as state; an Exp2Syn point process) and current clamps spanning the checkpoint.

Usage: checkpoints.py --engine BIN --plan BIN --catalogue testmods.so --work DIR
"""
import argparse
import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

from engine_runs import MPI_ENV, datasets, run

HERE = os.path.dirname(os.path.abspath(__file__))
T1, T2 = 30.0, 60.0        # the cut, the end
FAILURES = []


def fail(message):
    print("FAIL: " + message)
    FAILURES.append(message)


def build_model(catalogue, work):
    with open(os.path.join(HERE, "mixed_network.json")) as f:
        m = json.load(f)
    m["run"]["tstop"] = T2
    m["catalogues"] = [os.path.abspath(catalogue)]
    m["cell_templates"]["catalogue_cell"] = {
        "Ra": 100, "cm": 1, "v_init": -65, "celsius": 6.3,
        "sections": [
            {"name": "soma", "length": 20, "diam": 20,
             "mechanisms": {"HHna": {"gnabar": 0.12}, "HHk": {"gkbar": 0.036}, "pas": {"g": 0.0003, "e": -54.3},
                            "cachan1": {}, "cad": {}}},
            {"name": "dend", "parent": "soma", "parent_x": 1, "length": 150, "diam": 1, "ncomp": 10,
             "mechanisms": {"pas": {"g": 0.001, "e": -65}}}],
        "synapses": [{"name": "syn", "type": "Exp2Syn", "section": "dend", "x": 0.5,
                      "params": {"tau1": 0.5, "tau2": 3, "e": 0}}],
        "detector": {"section": "soma", "x": 0.5, "threshold": 10}}
    m["populations"] += [
        {"name": "ns", "count": 10, "kind": "spike_source", "model": "regular",
         "params": {"interval": 7, "start": 2, "number": 1000, "noise": 0.6}},
        {"name": "cat", "count": 5, "kind": "cable", "cell": "catalogue_cell"}]
    m["projections"] += [
        {"source": "ns", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 2}, "weight": 0.2,
         "delay": {"dist": "uniform", "low": 2, "high": 6}},
        {"source": "ext", "target": "cat", "rule": {"type": "fixed_indegree", "indegree": 25}, "weight": 0.004,
         "delay": {"dist": "uniform", "low": 1, "high": 5}, "synapse": "syn"},
        {"source": "cat", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 1}, "weight": 0.3,
         "delay": 3.0}]
    m["stimuli"] = [
        {"type": "current_clamp", "population": "exc", "cells": [0, 1, 2, 3], "delay": 20, "duration": 25,
         "amplitude": 0.4},
        {"type": "current_clamp", "population": "cat", "cells": [0, 2], "delay": 25, "duration": 20,
         "amplitude": 0.05, "section": "soma", "x": 0.5}]
    m["recordings"]["traces"] += [
        {"name": "cat_v", "population": "cat", "variable": "v", "section": "soma", "interval": 0.025},
        {"name": "cat_cai", "population": "cat", "variable": "cai", "section": "soma", "interval": 0.1}]
    path = os.path.join(work, "checkpoint_model.json")
    with open(path, "w") as f:
        json.dump(m, f, indent=1)
    return m, path


def write_model(m, work, name):
    path = os.path.join(work, name + ".json")
    with open(path, "w") as f:
        json.dump(m, f)
    return path


def engine(args, model, ranks, threads, out, extra=(), expect_ok=True):
    cmd = ["mpirun", "--oversubscribe", "-n", str(ranks), args.engine, "--quiet", "-t", str(threads), "-o", out,
           *extra, model]
    return run(cmd, expect_ok=expect_ok)


def outputs(folder):
    """spikes.h5 and every report: file -> {dataset: array}."""
    return {f: datasets(os.path.join(folder, f)) for f in sorted(os.listdir(folder)) if f.endswith(".h5")}


def same_outputs(got, reference):
    return sorted(got) == sorted(reference) and all(
        sorted(got[f]) == sorted(sets) and all(a.dtype == got[f][k].dtype and a.shape == got[f][k].shape and
                                               a.tobytes() == got[f][k].tobytes() for k, a in sets.items())
        for f, sets in reference.items())


def compare(label, reference, folder):
    got = outputs(folder)
    if sorted(got) != sorted(reference):
        fail(f"{label}: files {sorted(got)}, expected {sorted(reference)}")
        return
    spikes = sum(len(v) for k, v in reference["spikes.h5"].items() if k.endswith("timestamps"))
    rows = 0
    for f, sets in reference.items():
        for key, a in sets.items():
            b = got[f].get(key)
            if b is None or a.shape != b.shape or a.dtype != b.dtype or a.tobytes() != b.tobytes():
                fail(f"{label}: {f}:{key} differs from the uninterrupted run")
                return
            if key.endswith("/data"):
                rows += a.shape[0]
    leftovers = [f for f in os.listdir(folder) if f.endswith(".interrupted") or f.endswith(".part")]
    if leftovers:
        fail(f"{label}: left {leftovers}")
    with open(os.path.join(folder, "report.json")) as f:
        report = json.load(f)
    if "restored" not in report:
        fail(f"{label}: report.json does not say the run was restored")
    print(f"ok: {label}: {spikes} spikes and {len(reference) - 1} reports ({rows} rows) bit-identical to the "
          f"uninterrupted run")


def metis_plan(args, model, ranks, threads, work):
    path = os.path.join(work, f"metis-{ranks}x{threads}.h5")
    run([args.plan, model, "-n", str(ranks), "-t", str(threads), "--static-costs", "-o", path])
    return path


def refused(args, label, model, out, extra, message, ranks=2):
    done = engine(args, model, ranks, 1, out, extra, expect_ok=False)
    text = done.stdout + done.stderr
    if done.returncode == 0 or message not in text:
        fail(f"refusal {label}: exit {done.returncode}, expected 1 with '{message}'\n{text}")
        return
    if text.count(message) != 1:
        fail(f"refusal {label}: message printed {text.count(message)} times, expected once\n{text}")
        return
    line = next(l for l in text.splitlines() if message in l)
    print(f"ok: refused {label}: {line.strip()}")


def engine_ranks(mpirun_pid):
    """Pids of the engine processes mpirun started."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")[0].decode()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == mpirun_pid and os.path.basename(cmd) == "engine":
            out.append(int(pid))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--engine", required=True)
    p.add_argument("--plan", required=True)
    p.add_argument("--catalogue", required=True)
    p.add_argument("--work", required=True)
    args = p.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    model, model_file = build_model(args.catalogue, args.work)
    w = lambda *names: os.path.join(args.work, *names)

    # The uninterrupted run, 0..T2 in one go. Writing a checkpoint on the way (at a time that is
    # not an epoch boundary, so at the end of the epoch holding it) changes nothing.
    engine(args, model_file, 2, 1, w("full"))
    reference = outputs(w("full"))
    engine(args, model_file, 2, 1, w("full-checkpointed"), ["--checkpoint", w("mid-ck"), "--checkpoint-at", "27.3"])
    if not same_outputs(outputs(w("full-checkpointed")), reference):
        fail("a run writing a checkpoint differs from one that does not")
    with h5py.File(os.path.join(w("mid-ck"), "checkpoint.h5"), "r") as f:
        if f.attrs["time"] != 27.5:
            fail(f"--checkpoint-at 27.3 wrote a checkpoint at t = {f.attrs['time']}, expected 27.5 (the epoch end)")
        events = len(f["events/target"])
    print(f"ok: a checkpoint at 27.3 ms went to the end of its epoch (27.5 ms) with {events} events pending; the run's "
          f"outputs are unchanged")

    # Cut at T1 (the interrupted run's tstop), then restored to T2 under other layouts and plans.
    # A cut at 30.01 ms ends after step 1201, one step into an epoch: the restored run's epochs
    # count from there.
    cases = [
        ("1x1 -> 3x2", T1, (1, 1, []), (3, 2, [])),
        ("4x1 -> 1x2, cut at 30.01 ms (step 1201, inside an epoch)", 30.01, (4, 1, []), (1, 2, [])),
        ("2x1 METIS plan -> 3x1 METIS plan", T1, (2, 1, ["--plan", metis_plan(args, model_file, 2, 1, args.work)]),
         (3, 1, ["--plan", metis_plan(args, model_file, 3, 1, args.work)])),
        ("2x1 overlap -> 3x1 overlap, targeted exchange", T1, (2, 1, ["--overlap"]),
         (3, 1, ["--overlap", "--exchange", "targeted"])),
        ("2x1 overlap cut at 30.01 ms -> 2x1 without overlap", 30.01, (2, 1, ["--overlap"]), (2, 1, [])),
    ]
    for i, (label, cut_at, (r1, t1, x1), (r2, t2, x2)) in enumerate(cases):
        cut, ck = w(f"cut{i}"), w(f"ck{i}")
        engine(args, model_file, r1, t1, cut, [*x1, "--tstop", str(cut_at), "--checkpoint", ck, "--checkpoint-at", str(cut_at)])
        restored = w(f"restored{i}")
        shutil.copytree(cut, restored)
        engine(args, model_file, r2, t2, restored, [*x2, "--tstop", str(T2), "--restore", ck])
        compare(label, reference, restored)

    # SIGTERM to one rank during a longer run: every rank checkpoints at the same epoch boundary,
    # the run stops with status 75, and the restore ends as the uninterrupted run.
    long_model = copy.deepcopy(model)
    long_model["run"]["tstop"] = 4000.0   # seconds on 2 ranks: the signal 1 s after start lands well inside it
    long_file = write_model(long_model, args.work, "long_model")
    engine(args, long_file, 2, 1, w("long-full"))
    long_reference = outputs(w("long-full"))
    cmd = ["mpirun", "--oversubscribe", "-n", "2", args.engine, "--quiet", "-o", w("long-cut"), "--checkpoint",
           w("long-ck"), long_file]
    job = subprocess.Popen(cmd, env=MPI_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ranks = []
    deadline = time.time() + 60
    while time.time() < deadline and len(ranks) < 2:
        time.sleep(0.1)
        ranks = engine_ranks(job.pid)
    time.sleep(1.0)   # well into the run (it takes several seconds)
    try:
        os.kill(ranks[-1], signal.SIGTERM)
    except (IndexError, ProcessLookupError):
        fail("SIGTERM: the run ended (or never started) before the signal could be sent")
    out, err = job.communicate(timeout=300)
    if job.returncode != 75:
        fail(f"SIGTERM: exit {job.returncode}, expected 75\n{out}\n{err}")
    else:
        with open(os.path.join(w("long-cut"), "report.json")) as f:
            stopped = json.load(f).get("stopped_at_ms")
        kept = sorted(f for f in os.listdir(w("long-cut")) if f.endswith(".interrupted"))
        print(f"ok: SIGTERM to one of 2 ranks: checkpoint at t = {stopped} ms on both, exit 75, outputs kept as "
              f"{len(kept)} .interrupted files")
        engine(args, long_file, 3, 2, w("long-cut"), ["--restore", w("long-ck")])
        compare(f"SIGTERM at {stopped} ms, restored 2x1 -> 3x2", long_reference, w("long-cut"))

    # SIGUSR1 to mpirun (which forwards it to every rank; what sbatch --signal=USR1@T delivers).
    cmd = ["mpirun", "--oversubscribe", "-n", "2", args.engine, "--quiet", "-o", w("usr1-cut"), "--checkpoint",
           w("usr1-ck"), long_file]
    job = subprocess.Popen(cmd, env=MPI_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and len(engine_ranks(job.pid)) < 2:
        time.sleep(0.1)
    time.sleep(1.0)
    job.send_signal(signal.SIGUSR1)
    out, err = job.communicate(timeout=300)
    if job.returncode != 75:
        fail(f"SIGUSR1 to mpirun: exit {job.returncode}, expected 75\n{out}\n{err}")
    else:
        engine(args, long_file, 1, 1, w("usr1-cut"), ["--restore", w("usr1-ck")])
        compare("SIGUSR1 to mpirun, restored 2x1 -> 1x1", long_reference, w("usr1-cut"))

    # Refusals: one clear message, every rank exits 1.
    ck = w("ck0")
    def interrupted_copy(name):
        target = w(name)
        shutil.copytree(w("cut0"), target)
        return target
    other = copy.deepcopy(model)
    other["run"]["runid"] = 5
    refused(args, "another runid", write_model(other, args.work, "other_runid"), interrupted_copy("r-runid"),
            ["--tstop", str(T2), "--restore", ck], "the checkpoint is of runid 4 but this run has runid 5")
    other = copy.deepcopy(model)
    other["run"]["dt"] = 0.0125
    refused(args, "another dt", write_model(other, args.work, "other_dt"), interrupted_copy("r-dt"),
            ["--tstop", str(T2), "--restore", ck], "the checkpoint was taken with dt 0.025")
    other = copy.deepcopy(model)
    other["projections"][0]["weight"] = 0.26
    refused(args, "another model", write_model(other, args.work, "other_model"), interrupted_copy("r-model"),
            ["--tstop", str(T2), "--restore", ck], "the checkpoint is of another model")

    def damaged(name, change):
        folder = w(name)
        shutil.copytree(ck, folder)
        change(os.path.join(folder, "checkpoint.h5"))
        return folder
    def tamper(path):
        with h5py.File(path, "r+") as f:
            words = f["cells/words"]
            words[17] = words[17] ^ np.uint64(1 << 40)
    def truncate(path):
        size = os.path.getsize(path)
        with open(path, "r+b") as f:
            f.truncate(size // 2)
    def drop_gid(path):
        with h5py.File(path, "r+") as f:
            gids = f["cells/gids"]
            gids[3] = gids[4]
    refused(args, "a tampered file", model_file, interrupted_copy("r-tampered"),
            ["--tstop", str(T2), "--restore", damaged("ck-tampered", tamper)],
            "the checksum does not match the content")
    refused(args, "a truncated file", model_file, interrupted_copy("r-truncated"),
            ["--tstop", str(T2), "--restore", damaged("ck-truncated", truncate)], "not a readable checkpoint")
    refused(args, "a missing gid", model_file, interrupted_copy("r-gid"),
            ["--tstop", str(T2), "--restore", damaged("ck-gid", drop_gid)], "the checkpoint holds no state for gid")
    refused(args, "no checkpoint", model_file, interrupted_copy("r-none"),
            ["--tstop", str(T2), "--restore", w("no-such-folder")], "no checkpoint here")
    # Outputs that are not those of the checkpoint: the run checkpointed at 27.5 ms went on to
    # the end, so its folder holds more spikes than were written at the checkpoint.
    refused(args, "outputs of a later point", model_file, w("r-later"), ["--tstop", str(T2), "--restore", w("mid-ck")],
            "are not those of the checkpointed run")
    # The outputs the checkpoint needs are missing (removed from the interrupted run's folder).
    gone = w("ck-gone")
    shutil.copytree(ck, gone)
    shutil.copytree(w("cut0"), w("cut0-moved"))
    for f in os.listdir(w("cut0")):
        if f.endswith(".h5"):
            os.rename(os.path.join(w("cut0"), f), os.path.join(w("cut0"), f + ".old"))
    refused(args, "missing outputs", model_file, w("r-empty"), ["--tstop", str(T2), "--restore", gone],
            "restoring appends to the interrupted run's outputs")
    for f in os.listdir(w("cut0")):
        if f.endswith(".h5.old"):
            os.rename(os.path.join(w("cut0"), f), os.path.join(w("cut0"), f[:-4]))

    # Restored into another folder: the interrupted run's outputs are read where they are and left
    # alone; the new folder gets the complete files.
    elsewhere = w("restored-elsewhere")
    engine(args, model_file, 2, 2, elsewhere, ["--tstop", str(T2), "--restore", ck])
    compare("restored into another folder, 1x1 -> 2x2", reference, elsewhere)
    if sorted(os.listdir(w("cut0"))) != sorted(os.listdir(w("cut0-moved"))):
        fail("restoring into another folder changed the interrupted run's folder")

    if FAILURES:
        sys.exit(f"{len(FAILURES)} failure(s)")
    print("all checkpoint checks passed")


if __name__ == "__main__":
    main()
