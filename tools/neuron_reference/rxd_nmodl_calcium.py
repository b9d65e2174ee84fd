#!/usr/bin/python3
"""NEURON 8.2 reference for reaction-diffusion calcium as the writer of cai among NMODL mechanisms
(issue 10): NEURON's rxd reads the segments' total ica (summed over every mechanism writing it)
as its influx after nrn_state, and writes the free calcium back into cai, which mechanisms read
(and eca by Nernst, ion_style 3, 2, 1, 1, 1) in the next step.

The cell: issue 4's ball-and-stick (soma L = diam = 20 um with hh; dend L 200 um, diam 1 um,
nseg 20 with pas g 0.001, e -65; Ra 100, cm 1), IClamp 0.2 nA 5-55 ms at soma(0.5), 60 ms, 6.3
degC, v_init -65. Cytosolic calcium in both sections (rxd.Region nrn_region 'i', 1D): D 0.6
um2/ms, 5e-5 mM at rest (= cai0_ca_ion, what the mechanisms' INITIAL blocks see), a mobile buffer
(total 0.05 mM, kf 100 /mM/ms, kb 0.1 /ms, D 0.2) and a decay pump (rxd.Rate, tau 20 ms);
cao 2 mM (NEURON's default). Membrane mechanisms from .mod files compiled for NEURON
(nrnmech.py): NEURON's demo cachan1 (/usr/share/nrn/demo/release/cachan1.mod, read there: reads
cai and cao, writes ica; imax 0.002 mA/cm2) on the soma, parnet's built-in cahva
(mechanisms/cahva.mod: eca-driven, gbar 2e-3 soma, 5e-4 dendrite) on both sections, and parnet's
built-in sk (mechanisms/sk.mod: reads cai; gbar 5e-3, kd 5e-4 mM, tau 5 ms, ek -77) on the soma.
So the soma's ica is the sum of two writers, rxd integrates it, and sk and cachan1 read the cai
it writes. Recorded (raw doubles): spike times (NetCon on soma(0.5) v, threshold 10), v, cai,
ica at soma(0.5), cai at dend(0.5), every 0.5 ms; at dt 0.025 and 0.00625 ms (the tolerance's
time-step part); eca at soma(0.5) and dend(0.5) besides.

'no_eca_reader_dt_0.025': the same cell without cahva, so that no mechanism reads eca (cachan1
reads cai and cao, sk cai): NEURON still recomputes eca by Nernst every step (ion_style 3, 2, 1, 1,
1), which an eca probe shows (parnet recomputes it there only at probed nodes). cachan1's imax is
0.02 mA/cm2 there, for a larger calcium signal.

    /usr/bin/python3 tools/neuron_reference/rxd_nmodl_calcium.py
writes tests/data/neuron/rxd_nmodl_calcium.json."""
import json
import os
import subprocess
import sys

from neuron import h, rxd

import common
import nrnmech
import rxd_ball_and_stick

DEMO = '/usr/share/nrn/demo/release'
BUILTIN = os.path.join(common.REPO, 'mechanisms')
MOD_FILES = [os.path.join(DEMO, 'cachan1.mod'), os.path.join(BUILTIN, 'cahva.mod'), os.path.join(BUILTIN, 'sk.mod')]
CA_REST, TOTAL, KF, KB, TAU = 5e-5, 0.05, 100.0, 0.1, 20.0
TSTOP, SAMPLE = 60.0, 0.5


def simulate(dt, cahva=True):
    nrnmech.load(MOD_FILES)
    common.fixed_step_settings(dt)
    soma, dend = rxd_ball_and_stick.hh_ball_and_stick()
    for sec in (soma, dend) if cahva else ():
        sec.insert('cahva')
    soma.insert('cachan1')
    soma.insert('sk')
    for seg in soma:
        seg.cachan1.imax = 0.002 if cahva else 0.02   # without cahva: a larger calcium signal
        if cahva:
            seg.cahva.gbar = 2e-3
        seg.sk.gbar, seg.sk.kd, seg.sk.tau, seg.sk.ek = 5e-3, 5e-4, 5.0, -77.0
    for seg in dend if cahva else ():
        seg.cahva.gbar = 5e-4
    h.cai0_ca_ion, h.cao0_ca_ion = CA_REST, 2.0
    kd = KB / KF
    cyt = rxd.Region([soma, dend], nrn_region='i')
    ca = rxd.Species(cyt, d=0.6, name='ca', charge=2, initial=CA_REST)
    buf = rxd.Species(cyt, d=0.2, name='buf', initial=TOTAL * kd / (kd + CA_REST))
    cabuf = rxd.Species(cyt, d=0.2, name='cabuf', initial=TOTAL * CA_REST / (kd + CA_REST))
    reaction = rxd.Reaction(ca + buf, cabuf, KF, KB)
    pump = rxd.Rate(ca, (CA_REST - ca) / TAU)
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 5, 50, 0.2
    nc = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    nc.threshold = 10
    spikes = h.Vector()
    nc.record(spikes)
    refs = {'v_soma': soma(0.5)._ref_v, 'cai_soma': soma(0.5)._ref_cai, 'ica_soma': soma(0.5)._ref_ica,
            'z_sk_soma': soma(0.5)._ref_z_sk, 'cai_dend': dend(0.5)._ref_cai,
            'eca_soma': soma(0.5)._ref_eca, 'eca_dend': dend(0.5)._ref_eca}
    vecs = {name: h.Vector().record(ref) for name, ref in refs.items()}
    common.run(TSTOP, -65)
    every = int(round(SAMPLE / dt))
    out = {'spike_times': list(spikes), 'dt': dt}
    out.update({name: list(vec)[::every] for name, vec in vecs.items()})
    del reaction, pump, ca, buf, cabuf, cyt
    return out


def main():
    rxd_ball_and_stick.point_rxd_at_packaged_library()
    if len(sys.argv) > 2 and sys.argv[1] in ('--dt', '--no-cahva-dt'):   # one run in a fresh process
        print(json.dumps(simulate(float(sys.argv[2]), cahva=sys.argv[1] == '--dt')))
        return
    out = common.header(__file__, __doc__.strip())
    out.update({'tstop': TSTOP, 'sample_interval': SAMPLE})
    for key, flag, dt in (('dt_0.025', '--dt', '0.025'), ('dt_0.00625', '--dt', '0.00625'),
                          ('no_eca_reader_dt_0.025', '--no-cahva-dt', '0.025')):
        run = subprocess.run([sys.executable, os.path.abspath(__file__), flag, dt], check=True,
                             capture_output=True, text=True).stdout
        out[key] = json.loads(run.strip().splitlines()[-1])
        print(key, 'spikes', out[key]['spike_times'], 'peak cai soma', max(out[key]['cai_soma']),
              'eca soma', min(out[key]['eca_soma']), max(out[key]['eca_soma']))
    common.write('rxd_nmodl_calcium.json', out)


if __name__ == '__main__':
    main()
