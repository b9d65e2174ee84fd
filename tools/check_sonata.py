#!/usr/bin/python3
"""Check that SONATA spike and report files have exactly parnet's layout (docs/file-formats.md).

    /usr/bin/python3 tools/check_sonata.py --spikes out/spikes.h5 --report out/voltage.h5

Prints a summary of every population, or the first deviation found in each file, and exits
with status 1 if any file deviates (2 if a file cannot be opened at all).
"""
import argparse
import math
import sys

import h5py
import numpy as np

SORTING = {"none": 0, "by_id": 1, "by_time": 2}
ROWS_PER_READ = 4096


class Deviation(Exception):
    """A file differs from the documented layout; the message says where and how."""


def require(condition, where, message):
    if not condition:
        raise Deviation(f"{where}: {message}")


def string_attribute(obj, name, where):
    require(name in obj.attrs, where, f"missing attribute '{name}'")
    value = obj.attrs[name]
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    require(isinstance(value, str), where, f"attribute '{name}' should be a string, got {type(value).__name__}")
    return value


def dataset(group, name, dtype, ndim, where):
    path = f"{where}/{name}"
    require(name in group, where, f"missing dataset '{name}'")
    item = group[name]
    require(isinstance(item, h5py.Dataset), path, "should be a dataset")
    require(item.dtype == np.dtype(dtype), path, f"dtype should be {np.dtype(dtype).str}, got {item.dtype.str}")
    require(item.ndim == ndim, path, f"should have {ndim} dimension(s), got shape {item.shape}")
    return item


def only_members(group, allowed, where):
    extra = sorted(set(group.keys()) - set(allowed))
    require(not extra, where, f"unexpected member(s) {extra}; expected only {sorted(allowed)}")


def check_spike_population(group, where):
    only_members(group, ["timestamps", "node_ids"], where)
    timestamps = dataset(group, "timestamps", "<f8", 1, where)
    node_ids = dataset(group, "node_ids", "<u8", 1, where)
    units = string_attribute(timestamps, "units", f"{where}/timestamps")
    require(units == "ms", f"{where}/timestamps", f"attribute units should be 'ms', got '{units}'")
    require(timestamps.shape == node_ids.shape, where,
            f"timestamps {timestamps.shape} and node_ids {node_ids.shape} differ in length")

    require("sorting" in group.attrs, where, "missing attribute 'sorting'")
    sorting_type = group.attrs.get_id("sorting").dtype
    members = h5py.check_enum_dtype(sorting_type)
    require(members is not None, where, f"attribute sorting should be an HDF5 enum, got {sorting_type}")
    require(dict(members) == SORTING, where, f"attribute sorting should have members {SORTING}, got {dict(members)}")
    require(sorting_type == np.dtype("u1"), where, f"attribute sorting should be an enum on uint8, got base {sorting_type}")
    sorting_value = int(group.attrs["sorting"])
    names = {value: name for name, value in SORTING.items()}
    require(sorting_value in names, where, f"attribute sorting has value {sorting_value}, not a member")
    sorting = names[sorting_value]

    times = timestamps[()]
    ids = node_ids[()]
    require(np.all(np.isfinite(times)), f"{where}/timestamps", "holds values that are not finite")
    if sorting == "by_time" and len(times) > 1:
        step_back = np.flatnonzero(np.diff(times) < 0)
        require(step_back.size == 0, f"{where}/timestamps",
                f"sorting is by_time but entry {step_back[:1]} is followed by an earlier time")
        ties = np.flatnonzero((np.diff(times) == 0) & (np.diff(ids.astype(np.int64)) < 0))
        require(ties.size == 0, f"{where}/node_ids",
                f"equal times are not in ascending node_id order at entry {ties[:1]} (parnet sorts by time, node_id)")
    if sorting == "by_id" and len(ids) > 1:
        require(np.all(np.diff(ids.astype(np.int64)) >= 0), f"{where}/node_ids", "sorting is by_id but ids decrease")
    summary = f"{len(times)} spikes from {len(np.unique(ids))} nodes, sorting {sorting}"
    if len(times):
        summary += f", t in [{times.min():g}, {times.max():g}] ms, node_ids in [{ids.min()}, {ids.max()}]"
    return summary


def check_spike_file(path):
    lines = []
    with h5py.File(path, "r") as f:
        require("spikes" in f and isinstance(f["spikes"], h5py.Group), path, "missing group /spikes")
        spikes = f["spikes"]
        require(len(spikes) > 0, f"{path}: /spikes", "has no population")
        for name, group in spikes.items():
            where = f"{path}: /spikes/{name}"
            require(isinstance(group, h5py.Group), where, "should be a group (one per population)")
            lines.append(f"  /spikes/{name}: {check_spike_population(group, where)}")
    return lines


def report_rows(start, stop, step):
    """Rows of [start, stop) at step: ceil((stop - start) / step) by division, a quotient within
    rounding of a whole number counting as that number (engine/step_count.hpp). libsonata adds
    step up instead, which drifts by a row in runs of millions of rows."""
    q = (stop - start) / step
    if not q > 0:
        return 0
    nearest = round(q)
    if abs(q - nearest) <= max(1e-9, 1e-12 * q):
        return int(nearest)
    return math.ceil(q)


def check_report_population(group, where):
    only_members(group, ["data", "mapping"], where)
    data = dataset(group, "data", "<f4", 2, where)
    units = string_attribute(data, "units", f"{where}/data")
    require(units != "", f"{where}/data", "attribute units is empty")
    require("mapping" in group and isinstance(group["mapping"], h5py.Group), where, "missing group 'mapping'")
    mapping = group["mapping"]
    mwhere = f"{where}/mapping"
    only_members(mapping, ["node_ids", "index_pointers", "element_ids", "time"], mwhere)
    node_ids = dataset(mapping, "node_ids", "<u8", 1, mwhere)
    pointers = dataset(mapping, "index_pointers", "<u8", 1, mwhere)
    element_ids = dataset(mapping, "element_ids", "<u4", 1, mwhere)
    time = dataset(mapping, "time", "<f8", 1, mwhere)

    rows, columns = data.shape
    nodes = node_ids[()]
    index = pointers[()]
    require(len(index) == len(nodes) + 1, f"{mwhere}/index_pointers",
            f"should have one more entry than node_ids ({len(nodes) + 1}), got {len(index)}")
    require(index[0] == 0, f"{mwhere}/index_pointers", f"should start at 0, got {index[0]}")
    require(np.all(np.diff(index.astype(np.int64)) >= 0), f"{mwhere}/index_pointers", "decreases")
    require(index[-1] == columns, f"{mwhere}/index_pointers",
            f"should end at the number of data columns ({columns}), got {index[-1]}")
    require(element_ids.shape == (columns,), f"{mwhere}/element_ids",
            f"should have one entry per data column ({columns}), got {element_ids.shape}")
    require(np.all(np.diff(nodes.astype(np.int64)) > 0), f"{mwhere}/node_ids",
            "should be strictly ascending (parnet orders columns by node id)")
    require("sorted" in node_ids.attrs and int(node_ids.attrs["sorted"]) == 1, f"{mwhere}/node_ids",
            "should carry attribute sorted = 1")

    require(time.shape == (3,), f"{mwhere}/time", f"should be [start, stop, step], got shape {time.shape}")
    start, stop, step = (float(x) for x in time[()])
    time_units = string_attribute(time, "units", f"{mwhere}/time")
    require(time_units == "ms", f"{mwhere}/time", f"attribute units should be 'ms', got '{time_units}'")
    require(np.isfinite([start, stop, step]).all() and step > 0 and stop > start, f"{mwhere}/time",
            f"needs start < stop and step > 0, got {start}, {stop}, {step}")
    expected_rows = report_rows(start, stop, step)
    require(rows == expected_rows, f"{where}/data",
            f"has {rows} rows but time [{start}, {stop}) at step {step} needs {expected_rows}")

    not_finite = 0
    low, high = np.inf, -np.inf
    for first in range(0, rows, ROWS_PER_READ):
        block = data[first:first + ROWS_PER_READ]
        finite = np.isfinite(block)
        not_finite += int(block.size - finite.sum())
        if finite.any():
            low, high = min(low, float(block[finite].min())), max(high, float(block[finite].max()))
    summary = f"{len(nodes)} nodes, {columns} elements, {rows} rows ({start:g} to {stop:g} ms step {step:g})"
    if rows and columns:
        summary += f", values in [{low:g}, {high:g}] {units}"
    if not_finite:
        summary += f", {not_finite} values not finite"
    return summary


def check_report_file(path):
    lines = []
    with h5py.File(path, "r") as f:
        require("report" in f and isinstance(f["report"], h5py.Group), path, "missing group /report")
        report = f["report"]
        require(len(report) > 0, f"{path}: /report", "has no population")
        for name, group in report.items():
            where = f"{path}: /report/{name}"
            require(isinstance(group, h5py.Group), where, "should be a group (one per population)")
            lines.append(f"  /report/{name}: {check_report_population(group, where)}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spikes", action="append", default=[], metavar="FILE", help="a SONATA spike file")
    parser.add_argument("--report", action="append", default=[], metavar="FILE", help="a SONATA report file")
    args = parser.parse_args()
    if not args.spikes and not args.report:
        parser.error("give at least one --spikes or --report file")

    status = 0
    for kind, paths, check in (("spikes", args.spikes, check_spike_file), ("report", args.report, check_report_file)):
        for path in paths:
            try:
                lines = check(path)
            except Deviation as deviation:
                print(f"check_sonata: FAILED: {deviation}", file=sys.stderr)
                status = max(status, 1)
                continue
            except OSError as error:
                print(f"check_sonata: cannot read {path}: {error}", file=sys.stderr)
                status = 2
                continue
            print(f"{path}: {kind} file OK")
            for line in lines:
                print(line)
    return status


if __name__ == "__main__":
    sys.exit(main())
