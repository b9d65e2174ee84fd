"""NEURON 8.2 reference for net_send in parnet-modcc (tests/mechanisms/): self events of a point
process (tests/mechanisms/mods/pulsesyn.mod: net_send from INITIAL and NET_RECEIVE, flags, t),
compiled for NEURON (nrnmech.py) and for parnet (parnet-modcc), on a compartment with hh (NEURON's
built-in; parnet's mechanisms/hh.mod) driven by a NetStim through a NetCon. The events the
NetCon delivers (the NetStim's times + delay, with the weight) are stored so that parnet's test
hands the same events to its cell. Values are raw doubles (json's repr), sampled every 0.5 ms.

    /usr/bin/python3 tools/neuron_reference/self_event_mechanisms.py
writes tests/data/neuron/self_event_mechanisms.json."""
import os

from neuron import h

import common
import nrnmech
from catalogue_mechanisms import place

OWN = os.path.join(common.REPO, 'tests', 'mechanisms', 'mods')
MOD_FILES = [os.path.join(OWN, 'pulsesyn.mod')]

DT, TSTOP, EVERY, CELSIUS, V_INIT = 0.025, 100.0, 20, 6.3, -65.0
SOMA = {'hh': {'gnabar': 0.12}}
SYNAPSE = {'name': 'pulse', 'type': 'PulseSyn', 'section': 'soma', 'x': 0.5,
           'params': {'tau': 2.0, 'start': 10.0, 'interval': 15.0, 'gpulse': 0.004, 'lag': 1.5}}
STIM = {'start': 3.0, 'interval': 7.3, 'number': 12, 'delay': 1.0, 'weight': 0.0015}


def simulate():
    soma = h.Section(name='soma')
    soma.L = soma.diam = 20
    soma.Ra = 100
    place(soma, SOMA)
    syn = h.PulseSyn(soma(SYNAPSE['x']))
    for p, value in SYNAPSE['params'].items():
        setattr(syn, p, value)
    stim = h.NetStim()
    stim.start, stim.interval, stim.number, stim.noise = STIM['start'], STIM['interval'], STIM['number'], 0
    connection = h.NetCon(stim, syn)
    connection.delay, connection.weight[0] = STIM['delay'], STIM['weight']
    fired = h.Vector()
    connection.record(fired)
    vectors = {'v_soma': h.Vector()}
    vectors['v_soma'].record(soma(0.5)._ref_v)
    spikes = h.Vector()
    detector = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    detector.threshold = 10
    detector.record(spikes)
    common.run(TSTOP, V_INIT)
    out = {'spike_times': list(spikes), 'probes': {'v_soma': ['v', 'soma', 0.5]},
           'events': [[t + STIM['delay'], STIM['weight'], 0] for t in fired],
           'samples': {n: [vec[i] for i in range(0, len(vec), EVERY)] for n, vec in vectors.items()}}
    h.delete_section(sec=soma)
    return out


def main():
    nrnmech.load(MOD_FILES)
    common.fixed_step_settings(DT, CELSIUS)
    data = common.header(__file__, 'Self events (net_send) of a point process in NEURON')
    data.update({'dt': DT, 'tstop': TSTOP, 'sample_interval': DT * EVERY, 'celsius': CELSIUS, 'v_init': V_INIT,
                 'mod_files': [os.path.relpath(f, common.REPO) for f in MOD_FILES],
                 'soma_mechanisms': SOMA, 'synapses': [SYNAPSE], 'stimulus': STIM,
                 'clamp': {'section': 'soma', 'x': 0.5, 'delay': 0, 'duration': 0, 'amplitude': 0},
                 'single_compartment': simulate()})
    common.write('self_event_mechanisms.json', data)


if __name__ == '__main__':
    main()
