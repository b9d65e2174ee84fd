#!/usr/bin/python3
"""NEURON reference for parnet's cable cells: a branched cell exercising what the
ball-and-stick does not.

soma     L = 15, diam = 15, nseg 1, hh (defaults), Ra 100, cm 1
axon     L = 300, diam 1, nseg 15, hh (gnabar 0.2), Ra 150, cm 0.8, on soma(0)   (keeps the root node)
dendA    L = 150, diam 2, nseg 10, pas g 0.0002 e -65, Ra 100, on soma(1)
dendB1   L = 100, diam 1, nseg 8, pas g 0.0002 e -65, on dendA(1)                  (branch point)
dendB2   L = 80, diam 0.8, nseg 5, hh (gnabar 0.05) + pas g 0.0001 e -70, on dendA(1)
dendC    L = 60, diam 0.7, nseg 6, pas g 0.0002 e -65, on dendA(0.5)               (interior attachment)
synapses: 'ampa' ExpSyn tau 2 e 0 at dendB1(0.8); 'nmda_like' Exp2Syn tau1 0.5 tau2 5 e 0 at
dendC(1) (a zero-area end node); 'gaba' ExpSyn tau 5 e -80 at soma(0.5).
IClamp on dendB2(0.5): delay 20 ms, dur 20 ms, amp 0.05 nA.
Events (time ms, synapse, weight uS) as listed in 'events'. Spike detector on axon(1) v,
threshold 0 mV. dt 0.025 ms, v_init -62 mV, celsius 16.3 (hh q10 = 3), tstop 80 ms.
Writes tests/data/neuron/branched_cell.json.
"""
from neuron import h

import common

TSTOP, DT, V_INIT, CELSIUS, SAMPLE_EVERY = 80.0, 0.025, -62.0, 16.3, 20
EVENTS = [(3.0, 'ampa', 0.004), (3.3, 'ampa', 0.004), (10.01, 'nmda_like', 0.003),
          (10.02, 'ampa', 0.006), (30.0, 'gaba', 0.01), (30.5, 'nmda_like', 0.004),
          (50.0, 'ampa', 0.01), (50.0, 'nmda_like', 0.004), (62.4, 'gaba', 0.002),
          (65.0, 'ampa', 0.012)]


def section(name, L, diam, nseg, Ra=100, cm=1):
    s = h.Section(name=name)
    s.L, s.diam, s.nseg, s.Ra, s.cm = L, diam, nseg, Ra, cm
    return s


def pas(sec, g, e):
    sec.insert('pas')
    for seg in sec:
        seg.pas.g, seg.pas.e = g, e


def main():
    common.fixed_step_settings(DT, CELSIUS)
    soma = section('soma', 15, 15, 1)
    soma.insert('hh')
    axon = section('axon', 300, 1, 15, Ra=150, cm=0.8)
    axon.insert('hh')
    for seg in axon:
        seg.hh.gnabar = 0.2
    axon.connect(soma(0))
    dendA = section('dendA', 150, 2, 10)
    pas(dendA, 0.0002, -65)
    dendA.connect(soma(1))
    dendB1 = section('dendB1', 100, 1, 8)
    pas(dendB1, 0.0002, -65)
    dendB1.connect(dendA(1))
    dendB2 = section('dendB2', 80, 0.8, 5)
    dendB2.insert('hh')
    for seg in dendB2:
        seg.hh.gnabar = 0.05
    pas(dendB2, 0.0001, -70)
    dendB2.connect(dendA(1))
    dendC = section('dendC', 60, 0.7, 6)
    pas(dendC, 0.0002, -65)
    dendC.connect(dendA(0.5))

    syns = {'ampa': h.ExpSyn(dendB1(0.8)), 'nmda_like': h.Exp2Syn(dendC(1)),
            'gaba': h.ExpSyn(soma(0.5))}
    syns['ampa'].tau, syns['ampa'].e = 2, 0
    syns['nmda_like'].tau1, syns['nmda_like'].tau2, syns['nmda_like'].e = 0.5, 5, 0
    syns['gaba'].tau, syns['gaba'].e = 5, -80
    netcons = []
    for t, name, w in EVENTS:
        nc = h.NetCon(None, syns[name])
        nc.weight[0] = w
        netcons.append((nc, t))

    def queue_events():
        for nc, t in netcons:
            nc.event(t)
    fih = h.FInitializeHandler(queue_events)

    stim = h.IClamp(dendB2(0.5))
    stim.delay, stim.dur, stim.amp = 20, 20, 0.05
    det = h.NetCon(axon(1)._ref_v, None, sec=axon)
    det.threshold = 0
    spikes = h.Vector()
    det.record(spikes)

    probes = {'t': h._ref_t, 'soma': soma(0.5)._ref_v, 'axon_end': axon(1)._ref_v,
              'dendB1': dendB1(0.8)._ref_v, 'dendB2': dendB2(0.5)._ref_v, 'dendC_end': dendC(1)._ref_v}
    vecs = {name: h.Vector() for name in probes}
    for name, ref in probes.items():
        vecs[name].record(ref)
    common.run(TSTOP, V_INIT)

    out = common.header(__file__, __doc__.strip())
    out.update({'dt': DT, 'tstop': TSTOP, 'v_init': V_INIT, 'celsius': CELSIUS,
                'sample_interval': DT * SAMPLE_EVERY,
                'events': [{'time': t, 'synapse': name, 'weight': w} for t, name, w in EVENTS],
                'spike_times': list(spikes),
                'samples': {name: common.sampled(vec, SAMPLE_EVERY) for name, vec in vecs.items()}})
    common.write('branched_cell.json', out)
    print('spikes:', out['spike_times'])
    del fih


if __name__ == '__main__':
    main()
