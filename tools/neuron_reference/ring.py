#!/usr/bin/python3
"""NEURON reference for parnet's cable cells: a ring of ball-and-stick cells under
ParallelContext (runs serially too: pc.nhost() == 1 gives the same spikes).

N = 5 ball-and-stick cells (soma L = diam = 20 um hh; dend L = 200, diam 1, nseg 20, pas g 0.001
e -65; Ra 100, cm 1), no clamps. Each has an ExpSyn 'syn' at dend(0.5), tau 2 ms, e 0 mV. Cell i
connects to cell (i+1) % N through pc.gid_connect with weight 0.02 uS and delay 1 ms, detected on
soma(0.5) v at threshold 10 mV. Cell 0 is kicked by one event at t = 1 ms on its synapse (same
weight). dt 0.025 ms, v_init -65 mV, celsius 6.3, tstop 100 ms, pc.set_maxstep(10), pc.psolve.
Writes tests/data/neuron/ring.json (spike gid and time, sorted by time then gid).
"""
from neuron import h

import common

N, WEIGHT, DELAY, KICK, TSTOP, DT = 5, 0.02, 1.0, 1.0, 100.0, 0.025


class BallAndStick:
    def __init__(self, gid):
        self.soma = h.Section(name='soma', cell=self)
        self.soma.L = self.soma.diam = 20
        self.soma.insert('hh')
        self.dend = h.Section(name='dend', cell=self)
        self.dend.L, self.dend.diam, self.dend.nseg = 200, 1, 20
        self.dend.insert('pas')
        for seg in self.dend:
            seg.pas.g, seg.pas.e = 0.001, -65
        self.dend.connect(self.soma(1))
        for sec in (self.soma, self.dend):
            sec.Ra, sec.cm = 100, 1
        self.syn = h.ExpSyn(self.dend(0.5))
        self.syn.tau, self.syn.e = 2, 0
        self.gid = gid


def main(ncell=N, tstop=TSTOP, write=True, cache_efficient=False):
    common.fixed_step_settings(DT)
    pc = h.ParallelContext()
    rank, nhost = int(pc.id()), int(pc.nhost())
    cells = {}
    for gid in range(rank, ncell, nhost):   # round-robin, as the ring examples do
        cell = BallAndStick(gid)
        cells[gid] = cell
        pc.set_gid2node(gid, rank)
        det = h.NetCon(cell.soma(0.5)._ref_v, None, sec=cell.soma)
        det.threshold = 10
        pc.cell(gid, det)
    netcons = []
    for gid, cell in cells.items():
        nc = pc.gid_connect((gid - 1) % ncell, cell.syn)
        nc.weight[0], nc.delay = WEIGHT, DELAY
        netcons.append(nc)
    kick = None
    if 0 in cells:
        kick = h.NetCon(None, cells[0].syn)
        kick.weight[0] = WEIGHT
    fih = h.FInitializeHandler(lambda: kick.event(KICK) if kick else None)
    tvec, idvec = h.Vector(), h.Vector()
    pc.spike_record(-1, tvec, idvec)
    if cache_efficient:
        h.CVode().cache_efficient(1)
    pc.set_maxstep(10)
    h.stdinit()
    pc.psolve(tstop)
    spikes = sorted(zip(tvec, idvec), key=lambda s: (s[0], s[1]))
    if write and rank == 0 and nhost == 1:
        out = common.header(__file__, __doc__.strip())
        out.update({'dt': DT, 'tstop': tstop, 'cells': ncell, 'weight': WEIGHT, 'delay': DELAY,
                    'kick_time': KICK, 'spikes': [{'gid': int(g), 'time': t} for t, g in spikes]})
        common.write('ring.json', out)
        print('spikes:', len(spikes), 'first:', spikes[:6])
    del fih
    return spikes


if __name__ == '__main__':
    main()
