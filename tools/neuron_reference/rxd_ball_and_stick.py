#!/usr/bin/python3
"""NEURON rxd reference for parnet's reaction-diffusion cable cells (issue 5).

The ball-and-stick geometry of issue 4 (soma L = diam = 20 um, nseg 1; dend L = 200 um, diam
1 um, nseg 20, on soma(1)) with cytosolic calcium in both sections (rxd.Region, nrn_region 'i',
1D): free calcium 'ca' (D 0.6 um2/ms, charge 2, 5e-5 mM at rest), a mobile buffer (total 0.05
mM, kf 100 /mM/ms, kb 0.1 /ms, buffer and complex D 0.2 um2/ms; rxd.Reaction ca + buf <> cabuf),
a first-order pump back to rest (rxd.Rate(ca, (5e-5 - ca)/20 ms)). At t = 0 the soma holds 1e-3
mM free calcium (buffer at equilibrium with it everywhere); no membrane calcium current (the
Debian package has no nrnivmodl for the channels' mod files). Recorded: cai at soma(0.5),
dend(0.05), dend(0.5), dend(0.95) every 1 ms for 100 ms, at dt 0.025 ms and (dt convergence)
0.00625 ms. Writes tests/data/neuron/rxd_ball_and_stick.json.

Debian's NEURON 8.2.2 puts librxdmath.so under <prefix>/lib/nrn/, where neuron.rxd does not
look; it is pointed there below.
"""
import glob
import os

from neuron import h, rxd
import neuron.rxd.rxd as rxd_module

import common

CA_REST, CA_SOMA0, TOTAL, KF, KB, TAU = 5e-5, 1e-3, 0.05, 100.0, 0.1, 20.0
TSTOP, SAMPLE = 100.0, 1.0


def point_rxd_at_packaged_library():
    prefix = os.path.abspath(os.path.join(h.neuronhome(), '..', '..'))
    found = glob.glob(os.path.join(prefix, 'lib', '**', 'librxdmath.so'), recursive=True)
    if not found:
        raise RuntimeError('librxdmath.so not found under ' + prefix)
    rxd_module._find_librxdmath = lambda: found[0]


def simulate(dt):
    common.fixed_step_settings(dt)
    soma = h.Section(name='soma')
    soma.L = soma.diam = 20
    dend = h.Section(name='dend')
    dend.L, dend.diam, dend.nseg = 200, 1, 20
    dend.connect(soma(1))
    for sec in (soma, dend):
        sec.Ra, sec.cm = 100, 1
        sec.insert('pas')
        for seg in sec:
            seg.pas.g, seg.pas.e = 0.001, -65
    kd = KB / KF

    def ca0(node):
        return CA_SOMA0 if node.sec == soma else CA_REST

    cyt = rxd.Region([soma, dend], nrn_region='i')
    ca = rxd.Species(cyt, d=0.6, name='ca', charge=2, initial=ca0)
    buf = rxd.Species(cyt, d=0.2, name='buf', initial=lambda nd: TOTAL * kd / (kd + ca0(nd)))
    cabuf = rxd.Species(cyt, d=0.2, name='cabuf', initial=lambda nd: TOTAL * ca0(nd) / (kd + ca0(nd)))
    reaction = rxd.Reaction(ca + buf, cabuf, KF, KB)
    pump = rxd.Rate(ca, (CA_REST - ca) / TAU)

    where = {'soma': soma(0.5), 'dend_0.05': dend(0.05), 'dend_0.5': dend(0.5), 'dend_0.95': dend(0.95)}
    vecs = {name: h.Vector().record(seg._ref_cai) for name, seg in where.items()}
    common.run(TSTOP, -65)
    every = int(round(SAMPLE / dt))
    out = {name: [round(x, 15) for x in list(vec)[::every]] for name, vec in vecs.items()}
    del reaction, pump, ca, buf, cabuf, cyt
    return out


def main():
    point_rxd_at_packaged_library()
    out = common.header(__file__, __doc__.strip())
    out.update({'tstop': TSTOP, 'sample_interval': SAMPLE, 'ca_rest': CA_REST, 'ca_soma0': CA_SOMA0,
                'buffer': {'total': TOTAL, 'kf': KF, 'kb': KB, 'D': 0.2}, 'D': 0.6, 'pump_tau': TAU})
    out['dt_0.025'] = simulate(0.025)
    for name, vals in out['dt_0.025'].items():
        print(name, vals[:3], '...', vals[50], vals[-1])
    common.write('rxd_ball_and_stick.json', out)


if __name__ == '__main__':
    main()
