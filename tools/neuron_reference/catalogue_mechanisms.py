"""NEURON 8.2 reference for parnet's catalogue mechanisms (tests/mechanisms/): the same .mod files
compiled for NEURON (nrnmech.py) and for parnet (parnet-modcc), on a single compartment carrying
ten mechanisms and on a ball-and-stick cell with calcium accumulation in the dendrite.

The mechanisms: NEURON's demo channels from /usr/share/nrn/demo/release (HHna and HHk with rate
FUNCTIONs and TABLE, cachan1 reading cai/cao with a TABLE, capump, cachan (camchan.mod: GHK with
FUNCTION TABLEs)) read where Debian installs them, and parnet's own test mechanisms in
tests/mechanisms/mods (cad: calcium accumulation writing cai in a DERIVATIVE block; cahva: a
calcium current on eca recomputed by Nernst; kca: a K current reading cai; ih: an h-current with
q10 temperature dependence). Values are raw doubles (json's repr), sampled every 0.5 ms.

    /usr/bin/python3 tools/neuron_reference/catalogue_mechanisms.py
writes tests/data/neuron/catalogue_mechanisms.json."""
import os

from neuron import h

import common
import nrnmech

DEMO = '/usr/share/nrn/demo/release'
OWN = os.path.join(common.REPO, 'tests', 'mechanisms', 'mods')
# The catalogue order (tests/CMakeLists.txt compiles parnet's catalogue in the same order).
MOD_FILES = [os.path.join(DEMO, f + '.mod') for f in ('nachan', 'khhchan', 'cachan1', 'capump', 'camchan')] + \
            [os.path.join(OWN, f + '.mod') for f in ('cad', 'cahva', 'kca', 'ih')]

DT, TSTOP, EVERY, CELSIUS, V_INIT = 0.025, 100.0, 20, 16.0, -65.0

# name -> {parameter: value}; the test builds the same placements.
SOMA = {'pas': {'g': 1e-4, 'e': -65.0}, 'HHna': {'gnabar': 0.12}, 'HHk': {'gkbar': 0.036},
        'cachan1': {'imax': 0.002}, 'capump': {'vmax': 0.001}, 'cachan': {'pcabar': 2e-7},
        'cad': {'depth': 0.1, 'taur': 80.0}, 'cahva': {'gbar': 5e-4}, 'kca': {'gbar': 2e-4},
        'ih': {'gbar': 2e-4}}
DEND = {'pas': {'g': 1e-4, 'e': -65.0}, 'ih': {'gbar': 4e-4}, 'cahva': {'gbar': 3e-4},
        'cad': {'depth': 0.2, 'taur': 50.0}, 'kca': {'gbar': 1e-3}}


def place(section, mechanisms):
    for name, params in mechanisms.items():
        section.insert(name)
        for p, value in params.items():
            for seg in section:
                setattr(seg, p + '_' + name, value)


def simulate(with_dendrite):
    soma = h.Section(name='soma')
    soma.L = soma.diam = 20
    soma.Ra = 100
    place(soma, SOMA)
    sections = [soma]
    if with_dendrite:
        dend = h.Section(name='dend')
        dend.L, dend.diam, dend.nseg, dend.Ra = 200, 1, 10, 100
        dend.connect(soma(1))
        place(dend, DEND)
        sections.append(dend)
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 5, 80, 0.3
    probes = {'v_soma': soma(0.5)._ref_v, 'cai_soma': soma(0.5)._ref_cai, 'eca_soma': soma(0.5)._ref_eca,
              'm_HHna_soma': soma(0.5)._ref_m_HHna, 'ica_soma': soma(0.5)._ref_ica}
    if with_dendrite:
        probes.update({'v_dend': dend(0.55)._ref_v, 'cai_dend': dend(0.55)._ref_cai})
    vectors = {}
    for name, ref in probes.items():
        vectors[name] = h.Vector()
        vectors[name].record(ref)
    spikes = h.Vector()
    detector = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    detector.threshold = 10
    detector.record(spikes)
    common.run(TSTOP, V_INIT)
    out = {'spike_times': list(spikes),
           'samples': {n: [vec[i] for i in range(0, len(vec), EVERY)] for n, vec in vectors.items()}}
    for s in sections:
        h.delete_section(sec=s)
    return out


def main():
    nrnmech.load(MOD_FILES)
    common.fixed_step_settings(DT, CELSIUS)
    data = common.header(__file__, 'Catalogue mechanisms (demo + tests/mechanisms/mods) in NEURON')
    data.update({'dt': DT, 'tstop': TSTOP, 'sample_interval': DT * EVERY, 'celsius': CELSIUS, 'v_init': V_INIT,
                 'mod_files': [os.path.relpath(f, common.REPO) if f.startswith(common.REPO) else f for f in MOD_FILES],
                 'soma_mechanisms': SOMA, 'dend_mechanisms': DEND,
                 'clamp': {'section': 'soma', 'x': 0.5, 'delay': 5, 'duration': 80, 'amplitude': 0.3},
                 'single_compartment': simulate(False), 'ball_and_stick': simulate(True)})
    common.write('catalogue_mechanisms.json', data)


if __name__ == '__main__':
    main()
