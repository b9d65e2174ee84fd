#!/usr/bin/python3
"""NEURON reference for several spike detectors on one cable cell: each cell has two NetCon
sources, one on soma(0.5) at 10 mV and one on the axon's far end, axon(1), at -20 mV, each its
own gid under ParallelContext (soma: gid i, axon end: gid 100 + i), as NEURON users port them.

N = 4 cells: soma L = diam = 20 um hh; dend L = 200, diam 1, nseg 20, pas g 0.001 e -65, on
soma(1); axon L = 400, diam 1, nseg 20, hh, on soma(0); Ra 100, cm 1. ExpSyn 'syn' at dend(0.5),
tau 2 ms, e 0 mV. Cell 0 has an IClamp at soma(0.5), 0.3 nA from 5 to 45 ms. Connections (weight
0.02 uS): soma of 0 -> cell 1 (delay 1 ms), axon end of 0 -> cell 2 (1.5 ms), axon end of 1 ->
cell 3 (2 ms), soma of 2 -> cell 3 (1 ms). dt 0.025 ms, v_init -65 mV, celsius 6.3, tstop 80 ms.
Writes tests/data/neuron/two_detectors.json (every spike's gid and time, sorted by time then gid).
"""
from neuron import h

import common

N, WEIGHT, TSTOP, DT = 4, 0.02, 80.0, 0.025
AXON_GID = 100
# (source cell, 'soma' or 'axon_end', target cell, delay)
CONNECTIONS = [(0, 'soma', 1, 1.0), (0, 'axon_end', 2, 1.5), (1, 'axon_end', 3, 2.0), (2, 'soma', 3, 1.0)]


class Cell:
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
        self.axon = h.Section(name='axon', cell=self)
        self.axon.L, self.axon.diam, self.axon.nseg = 400, 1, 20
        self.axon.insert('hh')
        self.axon.connect(self.soma(0))
        for sec in (self.soma, self.dend, self.axon):
            sec.Ra, sec.cm = 100, 1
        self.syn = h.ExpSyn(self.dend(0.5))
        self.syn.tau, self.syn.e = 2, 0
        self.gid = gid


def main():
    common.fixed_step_settings(DT)
    pc = h.ParallelContext()
    cells = [Cell(i) for i in range(N)]
    detectors = []
    for i, cell in enumerate(cells):
        for gid, seg, sec, threshold in ((i, cell.soma(0.5), cell.soma, 10), (AXON_GID + i, cell.axon(1), cell.axon, -20)):
            pc.set_gid2node(gid, 0)
            det = h.NetCon(seg._ref_v, None, sec=sec)
            det.threshold = threshold
            pc.cell(gid, det)
            detectors.append(det)
    netcons = []
    for source, detector, target, delay in CONNECTIONS:
        nc = pc.gid_connect(source if detector == 'soma' else AXON_GID + source, cells[target].syn)
        nc.weight[0], nc.delay = WEIGHT, delay
        netcons.append(nc)
    stim = h.IClamp(cells[0].soma(0.5))
    stim.delay, stim.dur, stim.amp = 5, 40, 0.3
    tvec, idvec = h.Vector(), h.Vector()
    pc.spike_record(-1, tvec, idvec)
    pc.set_maxstep(10)
    h.stdinit()
    pc.psolve(TSTOP)
    spikes = sorted(zip(tvec, idvec), key=lambda s: (s[0], s[1]))
    out = common.header(__file__, __doc__.strip())
    out.update({'dt': DT, 'tstop': TSTOP, 'axon_gid_offset': AXON_GID, 'connections': CONNECTIONS,
                'spikes': [{'gid': int(g), 'time': t} for t, g in spikes]})
    common.write('two_detectors.json', out)
    print('spikes:', len(spikes), [(int(g), round(t, 3)) for t, g in spikes])


if __name__ == '__main__':
    main()
