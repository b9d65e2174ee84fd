"""NEURON 8.2 reference for NEURON's implicit methods in parnet-modcc (tests/mechanisms/): KINETIC
schemes solved by sparse and DERIVATIVE blocks solved by derivimplicit, the same .mod files
compiled for NEURON (nrnmech.py) and for parnet (parnet-modcc), on a single compartment and on a
ball-and-stick cell.

The mechanisms: NEURON's demo release.mod (trel: a linear KINETIC scheme with a PARAMETER as a
reactant and rates from cai^power), read where Debian installs it, and parnet's test mechanisms
in tests/mechanisms/mods: kna (a five-state Markov Na channel, CONSERVE, STEADYSTATE sparse in
INITIAL), cabuf (calcium with a buffer: a second-order reaction, a flux, COMPARTMENT, writes cai),
cadi (calcium with a saturating pump by derivimplicit), kdi (an HH K gate by derivimplicit) and
cahva (a calcium current on eca by Nernst), coupled (two nonlinear coupled states by
derivimplicit). Values are raw doubles (json's repr), sampled every
0.5 ms.

    /usr/bin/python3 tools/neuron_reference/implicit_mechanisms.py
writes tests/data/neuron/implicit_mechanisms.json."""
import os

from neuron import h

import common
import nrnmech
from catalogue_mechanisms import place

DEMO = '/usr/share/nrn/demo/release'
OWN = os.path.join(common.REPO, 'tests', 'mechanisms', 'mods')
# The catalogue order (tests/CMakeLists.txt compiles parnet's catalogue in the same order).
MOD_FILES = [os.path.join(DEMO, 'release.mod')] + \
            [os.path.join(OWN, f + '.mod') for f in ('cahva', 'cabuf', 'cadi', 'kdi', 'kna', 'coupled')]

DT, TSTOP, EVERY, CELSIUS, V_INIT = 0.025, 100.0, 20, 16.0, -65.0

SOMA = {'pas': {'g': 1e-4, 'e': -65.0}, 'kna': {'gbar': 0.12}, 'kdi': {'gbar': 0.036},
        'cahva': {'gbar': 5e-4}, 'cabuf': {'depth': 0.2, 'Btot': 0.05}, 'trel': {}, 'coupled': {}}
DEND = {'pas': {'g': 1e-4, 'e': -65.0}, 'kna': {'gbar': 0.03}, 'kdi': {'gbar': 0.01},
        'cahva': {'gbar': 3e-4}, 'cadi': {'depth': 0.1, 'vmax': 1e-3}}
PROBES = {'v_soma': ('v', 'soma', 0.5), 'cai_soma': ('cai', 'soma', 0.5), 'O_kna_soma': ('O_kna', 'soma', 0.5),
          'n_kdi_soma': ('n_kdi', 'soma', 0.5), 'B_cabuf_soma': ('B_cabuf', 'soma', 0.5),
          'Ach_trel_soma': ('Ach_trel', 'soma', 0.5), 'p_coupled_soma': ('p_coupled', 'soma', 0.5),
          'q_coupled_soma': ('q_coupled', 'soma', 0.5)}
DEND_PROBES = {'v_dend': ('v', 'dend', 0.55), 'cai_dend': ('cai', 'dend', 0.55),
               'I_kna_dend': ('I_kna', 'dend', 0.55)}


def simulate(with_dendrite):
    soma = h.Section(name='soma')
    soma.L = soma.diam = 20
    soma.Ra = 100
    place(soma, SOMA)
    sections = {'soma': soma}
    probes = dict(PROBES)
    if with_dendrite:
        dend = h.Section(name='dend')
        dend.L, dend.diam, dend.nseg, dend.Ra = 200, 1, 10, 100
        dend.connect(soma(1))
        place(dend, DEND)
        sections['dend'] = dend
        probes.update(DEND_PROBES)
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 5, 80, 0.3
    vectors = {}
    for name, (variable, section, x) in probes.items():
        vectors[name] = h.Vector()
        vectors[name].record(getattr(sections[section](x), '_ref_' + variable))
    spikes = h.Vector()
    detector = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    detector.threshold = 10
    detector.record(spikes)
    common.run(TSTOP, V_INIT)
    out = {'spike_times': list(spikes), 'probes': {n: list(p) for n, p in probes.items()},
           'samples': {n: [vec[i] for i in range(0, len(vec), EVERY)] for n, vec in vectors.items()}}
    for s in sections.values():
        h.delete_section(sec=s)
    return out


def main():
    nrnmech.load(MOD_FILES)
    common.fixed_step_settings(DT, CELSIUS)
    data = common.header(__file__, 'KINETIC (sparse) and derivimplicit mechanisms in NEURON')
    data.update({'dt': DT, 'tstop': TSTOP, 'sample_interval': DT * EVERY, 'celsius': CELSIUS, 'v_init': V_INIT,
                 'mod_files': [os.path.relpath(f, common.REPO) if f.startswith(common.REPO) else f for f in MOD_FILES],
                 'soma_mechanisms': SOMA, 'dend_mechanisms': DEND,
                 'clamp': {'section': 'soma', 'x': 0.5, 'delay': 5, 'duration': 80, 'amplitude': 0.3},
                 'single_compartment': simulate(False), 'ball_and_stick': simulate(True)})
    common.write('implicit_mechanisms.json', data)


if __name__ == '__main__':
    main()
