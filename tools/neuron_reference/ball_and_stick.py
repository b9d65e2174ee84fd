#!/usr/bin/python3
"""NEURON reference for parnet's cable cells: the ball-and-stick cell of issue 4.

soma L = diam = 20 um, hh (defaults); dend L = 200 um, diam = 1 um, nseg = 20, pas g = 0.001
S/cm2, e = -65 mV; Ra = 100 ohm*cm, cm = 1 uF/cm2 everywhere; dend(0) on soma(1); IClamp at
soma(0.5), delay 5 ms, dur 50 ms, amp 0.2 nA; dt = 0.025 ms, v_init = -65 mV, celsius = 6.3,
tstop = 60 ms. Spikes: NetCon on soma(0.5) v, threshold 10 mV. Run twice: hh with its rate
TABLE (NEURON's default, usetable_hh = 1) and with exact rates (usetable_hh = 0); a third run
('tip_clamp', table rates) moves the IClamp to the dendrite's tip, dend(1), with 0.6 nA (a
zero-area node that parnet leaves out: the current must reach the same compartment).
Writes tests/data/neuron/ball_and_stick.json.
"""
from neuron import h

import common

TSTOP, DT, V_INIT, SAMPLE_EVERY = 60.0, 0.025, -65.0, 20   # samples every 0.5 ms


def build():
    soma = h.Section(name='soma')
    soma.L = soma.diam = 20
    soma.insert('hh')
    dend = h.Section(name='dend')
    dend.L, dend.diam, dend.nseg = 200, 1, 20
    dend.insert('pas')
    for seg in dend:
        seg.pas.g, seg.pas.e = 0.001, -65
    dend.connect(soma(1))
    for sec in (soma, dend):
        sec.Ra, sec.cm = 100, 1
    return soma, dend


def simulate(soma, dend, usetable, at_tip=False):
    h.usetable_hh = usetable
    stim = h.IClamp(dend(1) if at_tip else soma(0.5))
    stim.delay, stim.dur, stim.amp = 5, 50, 0.6 if at_tip else 0.2
    nc = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    nc.threshold = 10
    spikes = h.Vector()
    nc.record(spikes)
    probes = {'t': h._ref_t, 'soma': soma(0.5)._ref_v, 'dend_mid': dend(0.5)._ref_v,
              'dend_end': dend(1)._ref_v}
    vecs = {}
    for name, ref in probes.items():
        vecs[name] = h.Vector()
        vecs[name].record(ref)
    common.run(TSTOP, V_INIT)
    return {
        'spike_times': list(spikes),
        'samples': {name: common.sampled(vec, SAMPLE_EVERY) for name, vec in vecs.items()},
    }


def main():
    common.fixed_step_settings(DT)
    soma, dend = build()
    out = common.header(__file__, __doc__.strip())
    out.update({'dt': DT, 'tstop': TSTOP, 'v_init': V_INIT, 'sample_interval': DT * SAMPLE_EVERY})
    out['table'] = simulate(soma, dend, 1)
    out['exact'] = simulate(soma, dend, 0)
    out['tip_clamp'] = simulate(soma, dend, 1, at_tip=True)
    common.write('ball_and_stick.json', out)
    print('spikes (table):', out['table']['spike_times'])
    print('spikes (exact):', out['exact']['spike_times'])
    print('spikes (tip clamp):', out['tip_clamp']['spike_times'])


if __name__ == '__main__':
    main()
