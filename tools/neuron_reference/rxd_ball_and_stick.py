#!/usr/bin/python3
"""NEURON rxd reference for parnet's reaction-diffusion cable cells (issue 5).

The ball-and-stick geometry of issue 4 (soma L = diam = 20 um, nseg 1; dend L = 200 um, diam
1 um, nseg 20, on soma(1)) with cytosolic calcium in both sections (rxd.Region, nrn_region 'i',
1D): free calcium 'ca' (D 0.6 um2/ms, charge 2, 5e-5 mM at rest), a mobile buffer (total 0.05
mM, kf 100 /mM/ms, kb 0.1 /ms, buffer and complex D 0.2 um2/ms; rxd.Reaction ca + buf <> cabuf),
a first-order pump back to rest (rxd.Rate(ca, (5e-5 - ca)/20 ms)). At t = 0 the soma holds 1e-3
mM free calcium (buffer at equilibrium with it everywhere), no membrane current ('dt_0.025').
Recorded: cai at soma(0.5), dend(0.05), dend(0.5), dend(0.95) every 1 ms for 100 ms.

'coupled_dt_0.025' and 'coupled_dt_0.00625' (dt convergence): issue 4's ball-and-stick cell (hh
soma, pas dendrite, IClamp 0.2 nA 5-55 ms at soma(0.5), 60 ms) with the same calcium, buffer and
pump starting at rest, plus the membrane written in rxd (Debian's package has no nrnivmodl for
mod files): cahva (ica = gbar m^2 (v - eca), minf = 1/(1 + exp(-(v + 20)/5)), tau 1 ms; gbar
2e-3 S/cm2 soma, 5e-4 dendrite; eca Nernst from ca[ecs]/ca[cyt]) and SK on the soma (ik = 5e-3
z (v + 77), zinf = ca^4/(ca^4 + (5e-4)^4), tau 5 ms) as rxd.MultiCompartmentReaction with
membrane_flux (rates in molecules/um2/ms: current * 1e4/(zF) * molecules_per_mM_um3), gates
as rxd.State + rxd.Rate on rxd.v; extracellular calcium 2 mM in a region 1e4 times the
cytosol's volume (so it stays constant); SK's ion is a dummy 'kx' so hh's ek stays -77 mV.
Recorded: spike times (NetCon on soma(0.5) v, threshold 10), cai at soma(0.5) and dend(0.5)
every 0.5 ms. Writes tests/data/neuron/rxd_ball_and_stick.json.

Debian's NEURON 8.2.2 puts librxdmath.so under <prefix>/lib/nrn/, where neuron.rxd does not
look; it is pointed there below.
"""
import glob
import math
import json
import os
import subprocess
import sys

from neuron import h, rxd
import neuron.rxd.rxd as rxd_module

import common

CA_REST, CA_SOMA0, TOTAL, KF, KB, TAU = 5e-5, 1e-3, 0.05, 100.0, 0.1, 20.0
TSTOP, SAMPLE = 100.0, 1.0


def point_rxd_at_packaged_library():
    prefix = os.path.abspath(os.path.join(h.neuronhome(), '..', '..'))
    found = glob.glob(os.path.join(prefix, 'lib', 'nrn', 'librxdmath.so')) + \
        glob.glob(os.path.join(prefix, 'lib', '*', 'nrn', 'librxdmath.so'))
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


def hh_ball_and_stick():
    """Issue 4's ball-and-stick: hh soma (L = diam = 20 um), pas dendrite (200 x 1 um, nseg 20)."""
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


def simulate_coupled(dt):
    from neuron.rxd import v
    from neuron.rxd.rxdmath import exp, log
    common.fixed_step_settings(dt)
    soma, dend = hh_ball_and_stick()
    cyt = rxd.Region([soma, dend], nrn_region='i')
    ecs = rxd.Region([soma, dend], nrn_region='o', geometry=rxd.FractionalVolume(1e4, surface_fraction=1))
    mem = rxd.Region([soma, dend], geometry=rxd.membrane())
    per_mM_um3 = rxd.constants.molecules_per_mM_um3()
    faraday = h.FARADAY
    kd = KB / KF
    ca = rxd.Species([cyt, ecs], d=0.6, name='ca', charge=2,
                     initial=lambda nd: CA_REST if nd.region == cyt else 2.0)
    buf = rxd.Species(cyt, d=0.2, name='buf', initial=TOTAL * kd / (kd + CA_REST))
    cabuf = rxd.Species(cyt, d=0.2, name='cabuf', initial=TOTAL * CA_REST / (kd + CA_REST))
    kx = rxd.Species([cyt, ecs], name='kx', charge=1, initial=100.0)
    m = rxd.State(cyt, initial=1 / (1 + math.exp(-(-65 + 20) / 5)))
    z = rxd.State(cyt, initial=CA_REST**4 / (CA_REST**4 + 5e-4**4))
    gca = rxd.Parameter(cyt, value=lambda nd: 2e-3 if nd.sec == soma else 5e-4)
    gsk = rxd.Parameter(cyt, value=lambda nd: 5e-3 if nd.sec == soma else 0.0)
    ktf2 = 1e3 * h.R * (h.celsius + 273.15) / faraday / 2
    eca = ktf2 * log(ca[ecs] / ca[cyt])
    keep = [
        rxd.Reaction(ca[cyt] + buf, cabuf, KF, KB),
        rxd.Rate(ca[cyt], (CA_REST - ca[cyt]) / TAU),
        rxd.Rate(m, (1 / (1 + exp(-(v + 20) / 5)) - m) / 1.0),
        rxd.Rate(z, (ca[cyt]**4 / (ca[cyt]**4 + 5e-4**4) - z) / 5.0),
    ]
    # NEURON 8.2's rxd adds a membrane_flux reaction's current for both of its sides (here the
    # same ion inside and outside), i.e. twice the charge the flux carries (checked: ica came out
    # 2x gbar m^2 (v - eca)). So each flux is split in halves, one with membrane_flux carrying the
    # (then correct) current, one without.
    ica_flux = gca[cyt] * m[cyt]**2 * (eca - v) * 1e4 / (2 * faraday) * per_mM_um3 / 2
    ik_flux = gsk[cyt] * z[cyt] * (-77.0 - v) * 1e4 / faraday * per_mM_um3 / 2
    for flux, sp in ((ica_flux, ca), (ik_flux, kx)):
        for carries_current in (True, False):
            keep.append(rxd.MultiCompartmentReaction(sp[ecs], sp[cyt], flux, mass_action=False, membrane=mem,
                                                     membrane_flux=carries_current))
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 5, 50, 0.2
    nc = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    nc.threshold = 10
    spikes = h.Vector()
    nc.record(spikes)
    vecs = {'soma': h.Vector().record(soma(0.5)._ref_cai), 'dend_0.5': h.Vector().record(dend(0.5)._ref_cai),
            'v_soma': h.Vector().record(soma(0.5)._ref_v)}
    common.run(60.0, -65)
    every = int(round(0.5 / dt))
    out = {'spike_times': list(spikes), 'sample_interval': 0.5, 'tstop': 60.0, 'dt': dt}
    out.update({name: [round(x, 15) for x in list(vec)[::every]] for name, vec in vecs.items()})
    del keep, buf, cabuf, kx, m, z, gca, gsk, ca
    return out


def main():
    point_rxd_at_packaged_library()
    if len(sys.argv) > 2 and sys.argv[1] == '--coupled':   # one run in a fresh process
        print(json.dumps(simulate_coupled(float(sys.argv[2]))))
        return
    out = common.header(__file__, __doc__.strip())
    out.update({'tstop': TSTOP, 'sample_interval': SAMPLE, 'ca_rest': CA_REST, 'ca_soma0': CA_SOMA0,
                'buffer': {'total': TOTAL, 'kf': KF, 'kb': KB, 'D': 0.2}, 'D': 0.6, 'pump_tau': TAU})
    out['dt_0.025'] = simulate(0.025)
    for name, vals in out['dt_0.025'].items():
        print(name, vals[:3], '...', vals[50], vals[-1])
    for dt in ('0.025', '0.00625'):
        run = subprocess.run([sys.executable, os.path.abspath(__file__), '--coupled', dt], check=True,
                             capture_output=True, text=True).stdout
        out['coupled_dt_' + dt] = json.loads(run.strip().splitlines()[-1])
        print('coupled dt', dt, 'spikes', out['coupled_dt_' + dt]['spike_times'])
    common.write('rxd_ball_and_stick.json', out)


if __name__ == '__main__':
    main()
