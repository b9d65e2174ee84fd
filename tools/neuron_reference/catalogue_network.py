"""NEURON 8.2 reference for a small network of catalogue cells: five ball-and-stick cells carrying
the ten mechanisms of catalogue_mechanisms.py (NEURON's demo HHna, HHk, cachan1, capump, cachan
read from /usr/share/nrn/demo/release, parnet's test cad, cahva, kca, ih, and pas) on the soma and
five on the dendrite (catalogue_mechanisms.py's dendrite with a fifth of its kca, so that the cells
fire repeatedly), connected cell to cell through a StdpSyn on each dendrite
(tests/mechanisms/mods/stdpsyn.mod: NET_RECEIVE(w, A, tpre), a weight vector per connection).
Only cell 0 is clamped; the others fire from their synapses, so every spike after cell 0's first
travels through a connection, and two or three connections share each synapse. Spike times,
the soma voltage and cai and the dendrite's voltage of every cell (raw doubles every 0.5 ms),
and each connection's final weight. The model is stored as parnet's model file too
(tests/mechanisms/catalogue_network_run.py runs it with the engine).

    /usr/bin/python3 tools/neuron_reference/catalogue_network.py
writes tests/data/neuron/catalogue_network.json."""
import os

from neuron import h

import catalogue_mechanisms as cells
import common
import nrnmech

MOD_FILES = cells.MOD_FILES + [os.path.join(common.REPO, 'tests', 'mechanisms', 'mods', 'stdpsyn.mod')]
DT, TSTOP, EVERY, CELSIUS, V_INIT = cells.DT, 100.0, 20, cells.CELSIUS, cells.V_INIT
COUNT = 5
SYNAPSE = {'tau': 2.0, 'e': 0.0, 'tau_a': 15.0, 'dw': 0.004}
DEND = dict(cells.DEND, kca={'gbar': 2e-4})
SYNAPSE_X = 0.55   # the centre of the dendrite's sixth segment of ten
CLAMP = {'cell': 0, 'delay': 5.0, 'duration': 80.0, 'amplitude': 0.3}
# (source, target, weight uS, delay ms): a ring and three chords onto the same synapses
CONNECTIONS = [[0, 1, 0.04, 2.0], [1, 2, 0.035, 1.5], [2, 3, 0.04, 2.5], [3, 4, 0.045, 1.2],
               [4, 0, 0.02, 3.0], [0, 2, 0.015, 4.0], [1, 3, 0.01, 3.3], [2, 4, 0.012, 2.2],
               [3, 1, 0.008, 1.7]]


def section_json(name, length, diam, nseg, mechanisms, parent=None):
    s = {'name': name, 'length': length, 'diam': diam, 'ncomp': nseg,
         'mechanisms': {m: dict(p) for m, p in mechanisms.items()}}
    if parent:
        s.update({'parent': parent, 'parent_x': 1})
    return s


def model(catalogues):
    """The same network as parnet's model file (the test fills in the catalogue paths)."""
    trace = {'population': 'net', 'interval': DT * EVERY, 'dtype': 'float64'}
    return {
        'description': 'tools/neuron_reference/catalogue_network.py: ten-mechanism cells through StdpSyn',
        'run': {'tstop': TSTOP, 'dt': DT},
        'catalogues': catalogues,
        'cell_templates': {'cell': {
            'Ra': 100, 'cm': 1, 'v_init': V_INIT, 'celsius': CELSIUS,
            'sections': [section_json('soma', 20, 20, 1, cells.SOMA),
                         section_json('dend', 200, 1, 10, DEND, parent='soma')],
            'synapses': [{'name': 'stdp', 'type': 'StdpSyn', 'section': 'dend', 'x': SYNAPSE_X,
                          'params': SYNAPSE}],
            'detector': {'section': 'soma', 'x': 0.5, 'threshold': 10}}},
        'populations': [{'name': 'net', 'count': COUNT, 'kind': 'cable', 'cell': 'cell'}],
        'projections': [{'source': 'net', 'target': 'net', 'synapse': 'stdp',
                         'rule': {'type': 'explicit', 'connections': [c + ['stdp'] for c in CONNECTIONS]}}],
        'stimuli': [{'type': 'current_clamp', 'population': 'net', 'cells': [CLAMP['cell']],
                     'delay': CLAMP['delay'], 'duration': CLAMP['duration'], 'amplitude': CLAMP['amplitude'],
                     'section': 'soma', 'x': 0.5}],
        'recordings': {'spikes': 'all', 'traces': [
            dict(trace, name='soma_v', variable='v', section='soma', x=0.5),
            dict(trace, name='soma_cai', variable='cai', section='soma', x=0.5),
            dict(trace, name='dend_v', variable='v', section='dend', x=SYNAPSE_X)]}}


def simulate():
    somas, dends, synapses, stims, detectors = [], [], [], [], []
    records = {'soma_v': [], 'soma_cai': [], 'dend_v': [], 'spikes': []}
    for k in range(COUNT):
        soma = h.Section(name=f'soma{k}')
        soma.L = soma.diam = 20
        soma.Ra = 100
        cells.place(soma, cells.SOMA)
        dend = h.Section(name=f'dend{k}')
        dend.L, dend.diam, dend.nseg, dend.Ra = 200, 1, 10, 100
        dend.connect(soma(1))
        cells.place(dend, DEND)
        syn = h.StdpSyn(dend(SYNAPSE_X))
        for p, value in SYNAPSE.items():
            setattr(syn, p, value)
        for name, ref in (('soma_v', soma(0.5)._ref_v), ('soma_cai', soma(0.5)._ref_cai),
                          ('dend_v', dend(SYNAPSE_X)._ref_v)):
            vec = h.Vector()
            vec.record(ref, DT * EVERY)
            records[name].append(vec)
        fired = h.Vector()
        detector = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
        detector.threshold = 10
        detector.record(fired)
        records['spikes'].append(fired)
        somas.append(soma)
        dends.append(dend)
        synapses.append(syn)
        detectors.append(detector)
    stim = h.IClamp(somas[CLAMP['cell']](0.5))
    stim.delay, stim.dur, stim.amp = CLAMP['delay'], CLAMP['duration'], CLAMP['amplitude']
    stims.append(stim)
    connections = []
    for source, target, weight, delay in CONNECTIONS:
        nc = h.NetCon(somas[source](0.5)._ref_v, synapses[target], sec=somas[source])
        nc.threshold, nc.weight[0], nc.delay = 10, weight, delay
        connections.append(nc)
    common.run(TSTOP, V_INIT)
    out = {name: [list(v) for v in vectors] for name, vectors in records.items()}
    out['final_weights'] = [nc.weight[0] for nc in connections]
    return out


def main():
    nrnmech.load(MOD_FILES)
    common.fixed_step_settings(DT, CELSIUS)
    data = common.header(__file__, 'Ten-mechanism ball-and-stick cells connected through StdpSyn in NEURON')
    data.update({'dt': DT, 'tstop': TSTOP, 'sample_interval': DT * EVERY, 'celsius': CELSIUS, 'v_init': V_INIT,
                 'mod_files': [os.path.relpath(f, common.REPO) if f.startswith(common.REPO) else f for f in MOD_FILES],
                 'model': model(['CATALOGUE']), 'network': simulate()})
    common.write('catalogue_network.json', data)


if __name__ == '__main__':
    main()
