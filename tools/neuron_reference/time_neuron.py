#!/usr/bin/python3
"""Times NEURON 8.2 on the cells of bench/cable_bench.cpp and prints ns per compartment-step,
with and without h.CVode().cache_efficient(1); with --parnet-bench it also runs parnet's
cable_bench on the same cells and prints the ratios.

    /usr/bin/python3 tools/neuron_reference/time_neuron.py --parnet-bench build/bench/cable_bench

Each case runs in its own NEURON process (a fresh model every time); times are wall-clock of
CPU time (time.process_time) of the integration only (psolve), on one core
(nhost 1), as parnet's benchmark reports CPU time. The cells (all dt 0.025 ms, Ra 100):
  ball_and_stick  issue 4's cell (21 compartments), clamp 0.2 nA at soma(0.5) from 1..1.9 ms
  branched_200    soma hh + binary tree of 7 pas dendrites (200 compartments)
  hh_axon_200     one hh section, L 2000 um, diam 1 um, 200 compartments, clamp 0.05 nA
  hh_point        one hh compartment (soma 20 x 20 um), clamp 0.2 nA
  ring            tools/neuron_reference/ring.py with 1000 cells (pc.gid_connect, 1 ms delay)
  pyramid_1000    examples/morphologies/small_pyramid.swc through Import3d (54 sections), nseg
                  1 + 2*int(L/9) (1,062 compartments), hh on soma and axon, pas g 5e-5 e -65
                  elsewhere, clamp 0.2 nA at soma[0](0.5); copies of the first cell's pt3d
  rxd_ball_and_stick  ball_and_stick with cytosolic calcium (rxd 1D, D 0.6 um2/ms) and a mobile
                  buffer (0.05 mM, kf 100 /mM/ms, kb 0.1 /ms, D 0.2) in every section
--only NAME restricts the run to the cases of that name.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [  # name, cells, parnet benchmark name
    ('ball_and_stick', 1000, 'CableBallAndStick/cells:1000/exact:0'),
    ('branched_200', 64, 'CableBranched200/cells:64/exact:0'),
    ('hh_axon_200', 64, 'CableHHAxon200/cells:64/exact:0'),
    ('hh_point', 1000, 'CableHHPoint/cells:1000/exact:0'),
    ('hh_point', 10000, 'CableHHPoint/cells:10000/exact:0'),
    ('ring', 1000, 'CableRing/cells:1000'),
    ('rxd_ball_and_stick', 1000, 'CableRxdBallAndStick/cells:1000/exact:0'),
    ('pyramid_1000', 8, 'CablePyramid1000/cells:8/exact:0'),
]


def pyramid_cells(ncell):
    """small_pyramid.swc read once by Import3d, then copied section by section (pt3d, parents)."""
    from neuron import h
    h.load_file('import3d.hoc')
    reader = h.Import3d_SWC_read()
    reader.quiet = 1
    reader.input(os.path.join(HERE, '..', '..', 'examples', 'morphologies', 'small_pyramid.swc'))
    h.Import3d_GUI(reader, 0).instantiate(None)
    first = list(h.allsec())
    cells = []
    for i in range(ncell):
        if i == 0:
            secs = first
        else:
            copy = {}
            secs = []
            for s in first:
                c = h.Section(name='%s_%d' % (s.name(), i))
                for k in range(s.n3d()):
                    h.pt3dadd(s.x3d(k), s.y3d(k), s.z3d(k), s.diam3d(k), sec=c)
                copy[s.name()] = c
                ps = s.parentseg()
                if ps is not None:
                    c.connect(copy[ps.sec.name()](ps.x), s.orientation())
                secs.append(c)
        for s, orig in zip(secs, first):
            s.Ra = 100
            s.nseg = 1 + 2 * int(s.L / 9)
            kind = orig.name().split('[')[0]
            if kind in ('soma', 'axon'):
                s.insert('hh')
            else:
                s.insert('pas')
                for seg in s:
                    seg.pas.g, seg.pas.e = 5e-5, -65
        stim = h.IClamp(secs[0](0.5))
        stim.delay, stim.dur, stim.amp = 1.0 + 0.1 * (i % 10), 1e9, 0.2
        cells.append((secs, stim))
    return cells


def add_calcium(cells):
    """rxd calcium and a mobile buffer in every section of every cell (as bench's CableRxdBallAndStick)."""
    sys.path.insert(0, HERE)
    from rxd_ball_and_stick import point_rxd_at_packaged_library
    point_rxd_at_packaged_library()
    from neuron import rxd
    kd = 0.1 / 100.0
    sections = [s for secs, _ in cells for s in secs]
    cyt = rxd.Region(sections, nrn_region='i')
    ca = rxd.Species(cyt, d=0.6, name='ca', charge=2, initial=5e-5)
    buf = rxd.Species(cyt, d=0.2, name='buf', initial=0.05 * kd / (kd + 5e-5))
    cabuf = rxd.Species(cyt, d=0.2, name='cabuf', initial=0.05 * 5e-5 / (kd + 5e-5))
    return [cyt, ca, buf, cabuf, rxd.Reaction(ca + buf, cabuf, 100.0, 0.1)]


def build(kind, ncell):
    from neuron import h
    if kind == 'pyramid_1000':
        return pyramid_cells(ncell)
    cells = []
    for i in range(ncell):
        secs = []
        if kind in ('ball_and_stick', 'rxd_ball_and_stick', 'branched_200', 'hh_point'):
            soma = h.Section(name='soma_%d' % i)
            soma.L = soma.diam = 20
            soma.insert('hh')
            secs.append(soma)
            if kind in ('ball_and_stick', 'rxd_ball_and_stick'):
                dend = h.Section(name='dend_%d' % i)
                dend.L, dend.diam, dend.nseg = 200, 1, 20
                dend.insert('pas')
                for seg in dend:
                    seg.pas.g, seg.pas.e = 0.001, -65
                dend.connect(soma(1))
                secs.append(dend)
            elif kind == 'branched_200':
                ncomp = [29, 28, 28, 29, 28, 28, 29]
                for d in range(7):
                    dend = h.Section(name='d%d_%d' % (d, i))
                    dend.L, dend.diam, dend.nseg = 200, 2.0 / (1 + d // 3), ncomp[d]
                    dend.insert('pas')
                    for seg in dend:
                        seg.pas.g, seg.pas.e = 0.0001, -65
                    dend.connect(secs[0 if d == 0 else 1 + (d - 1) // 2](1))
                    secs.append(dend)
        else:
            axon = h.Section(name='axon_%d' % i)
            axon.L, axon.diam, axon.nseg = 2000, 1, 200
            axon.insert('hh')
            secs.append(axon)
        for s in secs:
            s.Ra = 100
        stim = h.IClamp(secs[0](0.5))
        stim.delay, stim.dur = 1.0 + 0.1 * (i % 10), 1e9
        stim.amp = 0.05 if kind == 'hh_axon_200' else 0.2
        cells.append((secs, stim))
    return cells


def run_case(kind, ncell, cache_efficient, tstop):
    """One case in this process; returns ns per compartment-step."""
    from neuron import h
    sys.path.insert(0, HERE)
    import common
    common.fixed_step_settings(0.025)
    if kind == 'ring':
        import ring
        cells = None
        t0 = time.process_time()
        ring.main(ncell=ncell, tstop=tstop, write=False, cache_efficient=cache_efficient)
        wall = time.process_time() - t0   # includes building the ring: small next to 4000 steps
        compartments = 21 * ncell
    else:
        cells = build(kind, ncell)
        keep = add_calcium(cells) if kind.startswith('rxd') else None
        compartments = sum(s.nseg for secs, _ in cells for s in secs)
        pc = h.ParallelContext()
        h.CVode().cache_efficient(1 if cache_efficient else 0)
        pc.set_maxstep(10)
        h.stdinit()
        t0 = time.process_time()
        pc.psolve(tstop)
        wall = time.process_time() - t0
    steps = round(tstop / 0.025)
    return 1e9 * wall / (steps * compartments)


def parnet_ns(bench, names):
    out = subprocess.run([bench, '--benchmark_filter=^(' + '|'.join(n.replace('/', '/') for n in names) + ')$',
                          '--benchmark_format=json', '--benchmark_min_time=0.5'],
                         check=True, capture_output=True, text=True).stdout
    result = {}
    for b in json.loads(out)['benchmarks']:
        result[b['name']] = 1e9 / b['items_per_second']
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--parnet-bench', help='path of parnet\'s cable_bench for the ratios')
    ap.add_argument('--tstop', type=float, default=100.0, help='simulated ms per case (default 100)')
    ap.add_argument('--only', help='run only the cases of this name')
    ap.add_argument('--case', help=argparse.SUPPRESS)
    ap.add_argument('--cells', type=int, help=argparse.SUPPRESS)
    ap.add_argument('--cache-efficient', type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:   # child process: one measurement
        print(run_case(args.case, args.cells, bool(args.cache_efficient), args.tstop))
        return
    cases = [c for c in CASES if not args.only or c[0] == args.only]
    parnet = parnet_ns(args.parnet_bench, [c[2] for c in cases]) if args.parnet_bench else {}
    print('%-16s %6s %12s %12s %12s %8s %8s' % ('cell', 'cells', 'NEURON', 'NEURON ce', 'parnet',
                                               'ratio', 'ratio ce'))
    for kind, ncell, bench_name in cases:
        ns = []
        for ce in (0, 1):
            out = subprocess.run([sys.executable, os.path.abspath(__file__), '--case', kind, '--cells',
                                  str(ncell), '--cache-efficient', str(ce), '--tstop', str(args.tstop)],
                                 check=True, capture_output=True, text=True).stdout
            ns.append(float(out.strip().splitlines()[-1]))
        p = parnet.get(bench_name)
        print('%-16s %6d %10.1f ns %10.1f ns %10s %8s %8s' % (
            kind, ncell, ns[0], ns[1], '%.1f ns' % p if p else '-',
            '%.1fx' % (ns[0] / p) if p else '-', '%.1fx' % (ns[1] / p) if p else '-'))
    print('ns per compartment-step (lower is better); ratio = NEURON / parnet; ce = cache_efficient(1)')


if __name__ == '__main__':
    main()
