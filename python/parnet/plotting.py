"""Rasters a person can read: populations grouped by name, one colour and one legend entry a group.

Networks built in a loop name populations by an index ("col17_pyr", "col17_gate", ...): the
hybrid example has 305 of them, and a legend of one entry each (or of the first few, with ten
colours repeated) says nothing. Names that differ only in their numbers form one group
("col*_pyr", 150 populations). Pure Python and matplotlib (no engine): tools/plot_run.py loads
this file by path."""
import re
from dataclasses import dataclass, field


@dataclass
class PopulationGroup:
    name: str                 # the populations' common name, numbers as "*"
    members: list = field(default_factory=list)  # indices into the populations given
    cells: int = 0
    spikes: int = 0


def group_populations(populations):
    """populations: [{'name', 'cells' (or 'count'), 'spikes' (optional)}] in gid order. Groups in
    order of first appearance; a name with no number is a group of its own."""
    groups, by_key = [], {}
    for i, p in enumerate(populations):
        key = re.sub(r"\d+", "*", p["name"])
        if key not in by_key:
            by_key[key] = len(groups)
            groups.append(PopulationGroup(key))
        g = groups[by_key[key]]
        g.members.append(i)
        g.cells += int(p.get("cells", p.get("count", 0)))
        g.spikes += int(p.get("spikes", 0))
    # A group of one keeps its own name.
    for g in groups:
        if len(g.members) == 1:
            g.name = populations[g.members[0]]["name"]
    return groups


def group_colours(count):
    """Distinct colours for `count` groups (tab10, tab20, then a sampled colour map)."""
    import matplotlib
    if count <= 10:
        return [matplotlib.colormaps["tab10"](i) for i in range(count)]
    if count <= 20:
        return [matplotlib.colormaps["tab20"](i) for i in range(count)]
    cmap = matplotlib.colormaps["turbo"]
    return [cmap(i / max(1, count - 1)) for i in range(count)]


def draw_raster(ax, populations, spikes_of, tstop, max_cells=2000, tmax=None):
    """Draws a raster on a matplotlib axis. populations as for group_populations;
    spikes_of(i) -> (node ids within population i, times) or None. Each group shows at most
    max_cells cells (its populations' cells in order, the first ones of each), stacked in gid order."""
    import numpy as np
    groups = group_populations(populations)
    colours = group_colours(len(groups))
    offset = 0
    ticks = []
    marker = [None]  # dot size: visible for a few thousand spikes, fine for millions
    for g, colour in zip(groups, colours):
        shown_total, xs, ys = 0, [], []
        per_member = max(1, max_cells // len(g.members))
        for i in g.members:
            cells = int(populations[i].get("cells", populations[i].get("count", 0)))
            shown = min(cells, per_member, max_cells - shown_total)
            if shown <= 0:
                break
            got = spikes_of(i)
            if got is not None:
                ids, times = got
                keep = ids < shown
                if tmax:
                    keep &= times <= tmax
                xs.append(times[keep])
                ys.append(ids[keep] + offset + shown_total)
            shown_total += shown
        rate = 1000.0 * g.spikes / (g.cells * tstop) if g.cells and tstop else 0.0
        members = f"{len(g.members)} populations, " if len(g.members) > 1 else ""
        label = f"{g.name} ({members}{g.cells:,} cells, {rate:.1f} Hz)"
        x = np.concatenate(xs) if xs else np.empty(0)
        y = np.concatenate(ys) if ys else np.empty(0)
        if marker[0] is None:
            total = sum(int(p.get("spikes", 0)) for p in populations)
            marker[0] = 2.0 if total < 20000 else 0.3
        ax.scatter(x, y, s=marker[0], color=colour, label=label, rasterized=True)
        ticks.append(offset + shown_total / 2)
        offset += shown_total
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("cell (by population group)")
    ax.set_xlim(0, tmax or tstop)
    ax.set_ylim(0, max(offset, 1))
    # Outside the axes, on the right: a raster has spikes everywhere.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), markerscale=3.0 / (marker[0] or 1.0) ** 0.5, fontsize=8,
              frameon=False)
    return groups


def raster(result, path=None, max_cells=2000, tmax=None, title=None):
    """A raster of a parnet.Result (its spikes in memory); saved to `path` when given. Returns the figure."""
    import matplotlib
    if path is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    gids, times = result.spikes
    pops = result.populations

    def spikes_of(i):
        p = pops[i]
        mine = (gids >= p["first"]) & (gids < p["first"] + p["cells"])
        return (gids[mine] - p["first"]).astype(np.int64), times[mine]

    fig, ax = plt.subplots(figsize=(12, 6))
    draw_raster(ax, pops, spikes_of, result.tstop, max_cells=max_cells, tmax=tmax)
    ax.set_title(title or f"{len(gids):,} spikes on {result.ranks} ranks")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
