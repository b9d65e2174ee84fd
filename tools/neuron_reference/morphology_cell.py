#!/usr/bin/python3
"""NEURON reference for parnet's reconstructed cells: examples/morphologies/small_pyramid.swc read
by NEURON's Import3d (Import3d_SWC_read + Import3d_GUI.instantiate), biophysics placed by region
as a NEURON script does, and a run driven by an IClamp and ExpSyn synapses.

all      Ra 100 ohm cm, cm 1 uF/cm2; then nseg by d_lambda: int((L/(0.1*lambda_f(100))+0.9)/2)*2+1
soma     hh (defaults)
axon     hh, gnabar 0.25
dend     pas g 5e-5 S/cm2, e -65 mV
apic     pas e -65 mV, g = 2e-5 + 3e-5*exp(0.006*d) S/cm2 with d = h.distance(seg) from soma[0](0.5)
synapses 'apical' ExpSyn tau 2 e 0 at apic[10](0.5); 'basal' ExpSyn tau 3 e 0 at dend[5](0.8)
IClamp soma[0](0.5): delay 5 ms, dur 30 ms, amp 0.3 nA. Events (time ms, synapse, weight uS) as in
'events' (NetCon.event, as a NetStim's spikes would arrive). Detector axon[0](1) v, threshold 0 mV.
dt 0.025 ms, v_init -65 mV, celsius 6.3, tstop 60 ms, hh rate tables (NEURON's default).
Values written raw (repr of the doubles): per apical segment its pas g and distance, per section
its nseg, the spike times and the voltages at 'probes' every 4 steps (t = 0, 0.1, ...).
Writes tests/data/neuron/morphology_cell.json.
"""
import math
import os

from neuron import h

import common

TSTOP, DT, V_INIT, EVERY = 60.0, 0.025, -65.0, 4
SWC = os.path.join(common.REPO, 'examples', 'morphologies', 'small_pyramid.swc')
EVENTS = [(8.0, 'apical', 0.002), (12.5, 'basal', 0.003), (20.0, 'apical', 0.004),
          (40.0, 'apical', 0.01), (40.2, 'basal', 0.01), (47.5, 'basal', 0.02)]
PROBES = [('soma[0]', 0.5), ('axon[0]', 1.0), ('apic[10]', 0.5), ('dend[5]', 0.8), ('apic[22]', 1.0)]


def main():
    common.fixed_step_settings(DT)
    h.load_file('import3d.hoc')
    reader = h.Import3d_SWC_read()
    reader.input(SWC)
    h.Import3d_GUI(reader, 0).instantiate(None)
    secs = {s.name(): s for s in h.allsec()}
    for s in secs.values():
        s.Ra, s.cm = 100, 1
    for s in secs.values():
        s.nseg = int((s.L / (0.1 * h.lambda_f(100, sec=s)) + 0.9) / 2) * 2 + 1
    soma = secs['soma[0]']
    h.distance(0, soma(0.5))
    apical_g = []
    for name, s in secs.items():
        kind = name.split('[')[0]
        if kind in ('soma', 'axon'):
            s.insert('hh')
            if kind == 'axon':
                for seg in s:
                    seg.hh.gnabar = 0.25
        elif kind == 'dend':
            s.insert('pas')
            for seg in s:
                seg.pas.g, seg.pas.e = 5e-5, -65
        elif kind == 'apic':
            s.insert('pas')
            for seg in s:
                d = h.distance(seg)
                seg.pas.g, seg.pas.e = 2e-5 + 3e-5 * math.exp(0.006 * d), -65
                apical_g.append({'section': name, 'x': seg.x, 'distance': d, 'g': seg.pas.g})

    syns = {'apical': h.ExpSyn(secs['apic[10]'](0.5)), 'basal': h.ExpSyn(secs['dend[5]'](0.8))}
    syns['apical'].tau, syns['apical'].e = 2, 0
    syns['basal'].tau, syns['basal'].e = 3, 0
    netcons = []
    for t, name, w in EVENTS:
        nc = h.NetCon(None, syns[name])
        nc.weight[0] = w
        netcons.append((nc, t))

    def queue_events():
        for nc, t in netcons:
            nc.event(t)
    fih = h.FInitializeHandler(queue_events)
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 5, 30, 0.3
    axon = secs['axon[0]']
    det = h.NetCon(axon(1)._ref_v, None, sec=axon)
    det.threshold = 0
    spikes = h.Vector()
    det.record(spikes)
    vecs = []
    for name, x in PROBES:
        v = h.Vector()
        v.record(secs[name](x)._ref_v)
        vecs.append(v)
    common.run(TSTOP, V_INIT)

    out = common.header(__file__, __doc__.strip())
    out.update({'dt': DT, 'tstop': TSTOP, 'v_init': V_INIT, 'sample_every_steps': EVERY,
                'morphology': 'examples/morphologies/small_pyramid.swc',
                'events': [{'time': t, 'synapse': n, 'weight': w} for t, n, w in EVENTS],
                'sections': [{'name': n, 'nseg': s.nseg} for n, s in secs.items()],
                'apical_pas_g': apical_g,
                'spike_times': list(spikes),
                'probes': [{'section': n, 'x': x, 'v': [vec[i] for i in range(0, len(vec), EVERY)]}
                           for (n, x), vec in zip(PROBES, vecs)]})
    common.write('morphology_cell.json', out)
    print('spikes:', out['spike_times'], 'compartments:', sum(s.nseg for s in secs.values()))
    del fih


if __name__ == '__main__':
    main()
