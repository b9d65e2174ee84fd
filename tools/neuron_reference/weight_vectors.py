"""NEURON 8.2 reference for NET_RECEIVE weight vectors in parnet-modcc (docs/mechanisms.md,
"Weight vectors"): tests/mechanisms/mods/stdpsyn.mod, NET_RECEIVE(w, A, tpre) with INITIAL,
compiled for NEURON (nrnmech.py). A small network: spike sources (listed times) connect
with different weights and delays onto one StdpSyn of each of a few hh compartments, so several
connections share a synapse and each keeps its own trace A, time tpre and learnt weight w. The
model is stored as parnet's model file too (the test runs it with the engine). Spike times and
the soma voltage of each target (raw doubles, every 0.5 ms) and the connections' final weights.

    /usr/bin/python3 tools/neuron_reference/weight_vectors.py
writes tests/data/neuron/weight_vectors.json."""
import os

from neuron import h

import common
import nrnmech

MOD_FILES = [os.path.join(common.REPO, 'tests', 'mechanisms', 'mods', 'stdpsyn.mod')]
DT, TSTOP, EVERY, CELSIUS, V_INIT = 0.025, 120.0, 20, 6.3, -65.0
SYNAPSE = {'tau': 2.0, 'e': 0.0, 'tau_a': 15.0, 'dw': 0.002}
# source spike times (ms)
SOURCES = [[5.0, 12.0, 19.0, 26.0, 33.0, 60.0, 64.0, 68.0],
           [7.5, 9.0, 10.5, 40.0, 41.0, 42.0, 43.0, 90.0],
           [3.0, 30.0, 31.0, 32.0, 75.0, 76.5, 78.0, 100.0],
           [50.0, 51.0, 52.0, 53.0, 54.0, 95.0, 96.0]]
TARGETS = 3
# (source, target, weight uS, delay ms): three or four connections onto each target's synapse
CONNECTIONS = [[0, 0, 0.004, 1.0], [1, 0, 0.003, 2.5], [2, 0, 0.005, 1.7], [3, 0, 0.002, 3.1],
               [0, 1, 0.003, 4.0], [1, 1, 0.005, 1.2], [3, 1, 0.004, 2.0],
               [1, 2, 0.002, 1.5], [2, 2, 0.004, 3.3], [3, 2, 0.006, 1.1], [0, 2, 0.003, 2.2]]


def model(catalogue):
    """The same network as parnet's model file (the test fills in the catalogue path)."""
    return {
        'description': 'tools/neuron_reference/weight_vectors.py: StdpSyn weight vectors',
        'run': {'tstop': TSTOP, 'dt': DT},
        'catalogues': [catalogue],
        'cell_templates': {'hh_soma': common.hh_soma_template(
            V_INIT, CELSIUS, {'name': 'stdp', 'type': 'StdpSyn', 'section': 'soma', 'x': 0.5, 'params': SYNAPSE})},
        'populations': [{'name': 'src', 'count': len(SOURCES), 'kind': 'spike_source', 'model': 'replay',
                         'times': SOURCES},
                        {'name': 'pyr', 'count': TARGETS, 'kind': 'cable', 'cell': 'hh_soma'}],
        'projections': [{'source': 'src', 'target': 'pyr', 'synapse': 'stdp',
                         'rule': {'type': 'explicit', 'connections': [c + ['stdp'] for c in CONNECTIONS]}}],
        'recordings': {'spikes': 'all', 'traces': [
            {'name': 'soma_v', 'population': 'pyr', 'variable': 'v', 'section': 'soma', 'x': 0.5,
             'interval': DT * EVERY, 'dtype': 'float64'}]}}


def simulate():
    cells, synapses, traces, spikes, detectors = [], [], [], [], []
    for k in range(TARGETS):
        soma, syn = common.hh_soma(f'soma{k}', 'StdpSyn', SYNAPSE)
        trace = h.Vector()
        trace.record(soma(0.5)._ref_v, DT * EVERY)
        fired = h.Vector()
        detector = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
        detector.threshold = 10
        detector.record(fired)
        cells.append(soma)
        synapses.append(syn)
        traces.append(trace)
        spikes.append(fired)
        detectors.append(detector)
    # Each connection is a NetCon of its own (its own weight vector) into the target's StdpSyn,
    # fed the source's spike times + delay by NetCon.event at finitialize: the events a NetCon
    # from a spike source would deliver (parnet's replay sources).
    connections = []
    for source, target, weight, delay in CONNECTIONS:
        nc = h.NetCon(None, synapses[target])
        nc.weight[0], nc.delay = weight, delay
        connections.append((nc, [t + delay for t in SOURCES[source]]))

    def queue():
        for nc, arrivals in connections:
            for t in arrivals:
                nc.event(t)
    handler = h.FInitializeHandler(queue)  # noqa: F841 - kept alive through the run
    common.run(TSTOP, V_INIT)
    out = {'spikes': [list(f) for f in spikes],
           'soma_v': [list(t) for t in traces],
           'final_weights': [nc.weight[0] for nc, _ in connections],
           'final_traces': [nc.weight[1] for nc, _ in connections],
           'events': [syn.events for syn in synapses]}
    return out


def main():
    nrnmech.load(MOD_FILES)
    common.fixed_step_settings(DT, CELSIUS)
    data = common.header(__file__, 'NET_RECEIVE weight vectors (StdpSyn) in a small network in NEURON')
    data.update({'dt': DT, 'tstop': TSTOP, 'sample_interval': DT * EVERY,
                 'mod_files': [os.path.relpath(f, common.REPO) for f in MOD_FILES],
                 'model': model('CATALOGUE'), 'network': simulate()})
    common.write('weight_vectors.json', data)


if __name__ == '__main__':
    main()
