"""NEURON 8.2 reference for NMODL ARTIFICIAL_CELL mechanisms as cells (docs/mechanisms.md,
"Artificial cells"): NEURON's demo invlfire.mod (IntervalFire: net_send, net_move, net_event, a
FUNCTION reading t), read where Debian installs it, and parnet's test burstfire.mod (BurstFire:
a refractory period and a second spike by self events with flags 1 and 2, a PROCEDURE) and
countfire.mod (CountFire: a weight vector per connection, emptied by a self event that carries
it), compiled for NEURON (nrnmech.py). A small network: spike sources (listed times, NetCon(None).event as
weight_vectors.py does) drive two IntervalFire and two BurstFire cells, which drive an hh
compartment through an ExpSyn; the compartment drives two of the artificial cells back, and one
BurstFire inhibits an IntervalFire. Delays are no multiples of dt. Each artificial cell is a
population of its own (its own parameters). NEURON reports the hh cell's spikes 1e-10 ms late
(see simulate); its outgoing delays are shortened by as much. The model is stored as parnet's model file too (the
test runs it with the engine). Spike times of every cell and m of two, raw doubles.

    /usr/bin/python3 tools/neuron_reference/artificial_cells.py
writes tests/data/neuron/artificial_cells.json."""
import os

from neuron import h

import common
import nrnmech

MOD_FILES = ['/usr/share/nrn/demo/release/invlfire.mod',
             os.path.join(common.REPO, 'tests', 'mechanisms', 'mods', 'burstfire.mod'),
             os.path.join(common.REPO, 'tests', 'mechanisms', 'mods', 'countfire.mod')]
# dt = 2^-5 ms: NEURON adds dt/2 to t twice a step, exact for this dt, so its t is n*dt as parnet's
# (with 0.025 its t drifts by 1e-11 ms in 100 ms, which the artificial cells driven by the hh cell
# would inherit).
DT, TSTOP, CELSIUS, V_INIT = 0.03125, 200.0, 6.3, -65.0
TEPS = 1e-10   # ms
EVERY = 8      # steps between samples of the traced cells' m
TRACED = ['invl_a', 'burst_b']
# source spike times (ms), no multiples of dt
SOURCES = [[2.013, 9.31, 17.777, 24.4, 40.05, 61.3, 62.9, 64.41, 110.2, 150.001],
           [5.5, 6.6, 7.7, 33.3, 70.07, 71.17, 72.27, 130.13],
           [12.345, 13.579, 50.5, 51.6, 52.7, 95.95, 140.4, 170.17]]
# the artificial cells: population name -> (mechanism, parameters); one cell each
ARTIFICIAL = {'invl_a': ('IntervalFire', {'tau': 5.0, 'invl': 10.0}),
              'invl_b': ('IntervalFire', {'tau': 8.0, 'invl': 13.7}),
              'burst_a': ('BurstFire', {}),
              'burst_b': ('BurstFire', {'thresh': 0.8, 'gap': 1.3, 'refrac': 6.1}),
              'count_a': ('CountFire', {})}
SYNAPSE = {'tau': 2.0, 'e': 0.0}
# (source population, target population, [[source, target, weight, delay], ...])
PROJECTIONS = [
    ('src', 'invl_a', [[0, 0, 0.3, 1.1]]),
    ('src', 'invl_b', [[1, 0, 0.5, 2.3], [2, 0, 0.35, 0.77]]),
    ('src', 'burst_a', [[0, 0, 0.6, 0.9], [2, 0, 0.55, 1.7]]),
    ('src', 'burst_b', [[1, 0, 0.3, 3.03]]),
    ('invl_a', 'burst_b', [[0, 0, 0.6, 1.37]]),
    ('invl_b', 'burst_b', [[0, 0, 0.45, 0.63]]),
    ('burst_b', 'invl_a', [[0, 0, -0.3, 1.9]]),
    ('burst_a', 'pyr', [[0, 0, 0.02, 1.0]]),
    ('burst_b', 'pyr', [[0, 0, 0.01, 2.45]]),
    ('invl_a', 'pyr', [[0, 0, 0.015, 2.1]]),
    ('pyr', 'burst_b', [[0, 0, 0.7, 1.5]]),
    ('pyr', 'invl_b', [[0, 0, 0.4, 0.8]]),
    # a weight vector (w, n, last) per connection onto CountFire
    ('src', 'count_a', [[0, 0, 0.45, 1.3], [1, 0, 0.6, 0.55]]),
    ('invl_b', 'count_a', [[0, 0, 0.35, 2.2]]),
]


def model(catalogue):
    """The same network as parnet's model file (the test fills in the catalogue path)."""
    projections = []
    for source, target, connections in PROJECTIONS:
        p = {'source': source, 'target': target, 'rule': {'type': 'explicit', 'connections': connections}}
        if target == 'pyr':
            p['synapse'] = 'syn'
        projections.append(p)
    return {
        'description': 'tools/neuron_reference/artificial_cells.py: IntervalFire and BurstFire cells with an hh cell',
        'run': {'tstop': TSTOP, 'dt': DT},
        'catalogues': [catalogue],
        'cell_templates': {'hh_soma': common.hh_soma_template(
            V_INIT, CELSIUS, {'name': 'syn', 'type': 'ExpSyn', 'section': 'soma', 'x': 0.5, 'params': SYNAPSE})},
        'populations': [{'name': 'src', 'count': len(SOURCES), 'kind': 'spike_source', 'model': 'replay',
                         'times': SOURCES}] +
                       [{'name': name, 'count': 1, 'kind': 'artificial', 'mechanism': mechanism, 'params': params}
                        for name, (mechanism, params) in ARTIFICIAL.items()] +
                       [{'name': 'pyr', 'count': 1, 'kind': 'cable', 'cell': 'hh_soma'}],
        'projections': projections,
        'recordings': {'spikes': 'all', 'traces': [
            {'name': f'{name}_m', 'population': name, 'variable': 'm', 'interval': DT * EVERY, 'dtype': 'float64'}
            for name in TRACED]}}


def simulate():
    cells = {}
    for name, (mechanism, params) in ARTIFICIAL.items():
        c = getattr(h, mechanism)()
        for k, value in params.items():
            setattr(c, k, value)
        cells[name] = [c]
    soma, syn = common.hh_soma('soma', 'ExpSyn', SYNAPSE)
    cells['pyr'] = [syn]

    def source_netcon(population, index, target):
        if population == 'pyr':
            nc = h.NetCon(soma(0.5)._ref_v, target, sec=soma)
            nc.threshold = 10
            return nc
        return h.NetCon(cells[population][index], target)

    netcons, direct, onto_count = [], [], []
    for source, target, connections in PROJECTIONS:
        for s, t, w, d in connections:
            goal = cells[target][t]
            if source == 'src':   # parnet's replay sources: their spikes + delay as direct events
                nc = h.NetCon(None, goal)
                direct.append((nc, [x + d for x in SOURCES[s]]))
            else:
                nc = source_netcon(source, s, goal)
            # NEURON's fixed step reports a threshold crossing at t + 1e-10 (check_thresh's teps in
            # netcvode.cpp), parnet at t: the hh cell's connections are 1e-10 ms shorter here, so
            # that both deliver its spikes at the same time (its recorded spikes keep the 1e-10).
            nc.weight[0], nc.delay = w, d - (TEPS if source == 'pyr' else 0.0)
            netcons.append(nc)
            if target == 'count_a':
                onto_count.append(nc)
    recorded = {}
    for name in list(ARTIFICIAL) + ['pyr']:
        v = h.Vector()
        nc = source_netcon(name, 0, None)
        nc.record(v)
        netcons.append(nc)
        recorded[name] = v

    traces = {}
    for name in TRACED:
        traces[name] = h.Vector()
        traces[name].record(cells[name][0]._ref_m, DT * EVERY)

    def queue():
        for nc, arrivals in direct:
            for t in arrivals:
                nc.event(t)
    handler = h.FInitializeHandler(queue)  # noqa: F841 - kept alive through the run
    common.run(TSTOP, V_INIT)
    return {'spikes': {name: list(v) for name, v in recorded.items()},
            'm': {name: list(v) for name, v in traces.items()},
            'burst_spike_counts': {name: cells[name][0].spikes for name in ARTIFICIAL if name.startswith('burst')},
            'count_a_final_sums': [nc.weight[1] for nc in onto_count]}


def main():
    nrnmech.load(MOD_FILES)
    common.fixed_step_settings(DT, CELSIUS)
    data = common.header(__file__, 'ARTIFICIAL_CELL mechanisms (IntervalFire, BurstFire) with an hh cell in NEURON')
    data.update({'dt': DT, 'tstop': TSTOP,
                 'mod_files': [f if f.startswith('/usr') else os.path.relpath(f, common.REPO) for f in MOD_FILES],
                 'model': model('CATALOGUE'), 'network': simulate()})
    common.write('artificial_cells.json', data)


if __name__ == '__main__':
    main()
