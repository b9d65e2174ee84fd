"""Shared helpers for the NEURON reference scripts (run with /usr/bin/python3, NEURON 8.2)."""
import json
import os
import sys

from neuron import h

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATA = os.path.join(REPO, 'tests', 'data', 'neuron')


def fixed_step_settings(dt=0.025, celsius=6.3):
    """NEURON's default fixed step: implicit Euler (secondorder 0), no CVode."""
    h.load_file('stdrun.hoc')
    h.CVode().active(0)
    h.secondorder = 0
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.celsius = celsius


def run(tstop, v_init):
    """finitialize, then fadvance until tstop (as run() does on the fixed step)."""
    h.finitialize(v_init)
    while h.t < tstop - h.dt / 2:
        h.fadvance()


def hh_soma_template(v_init, celsius, synapse):
    """parnet's cell template of the hh compartment below: 20 x 20 um, Ra 100, one synapse (a
    model file's synapse object), a detector at 10 mV."""
    return {'Ra': 100, 'cm': 1, 'v_init': v_init, 'celsius': celsius,
            'sections': [{'name': 'soma', 'length': 20, 'diam': 20, 'mechanisms': {'hh': {}}}],
            'synapses': [synapse],
            'detector': {'section': 'soma', 'x': 0.5, 'threshold': 10}}


def hh_soma(name, synapse_type, synapse_params):
    """In NEURON: a 20 x 20 um section with hh and Ra 100, and a point process at its middle."""
    soma = h.Section(name=name)
    soma.L = soma.diam = 20
    soma.Ra = 100
    soma.insert('hh')
    syn = getattr(h, synapse_type)(soma(0.5))
    for p, value in synapse_params.items():
        setattr(syn, p, value)
    return soma, syn


def sampled(vec, every):
    """Every `every`-th recorded value (Vector.record records at t = 0 and after each step)."""
    return [round(vec[i], 9) for i in range(0, len(vec), every)]


def header(script, description):
    return {
        'made_by': 'tools/neuron_reference/' + os.path.basename(script),
        'command': '/usr/bin/python3 tools/neuron_reference/' + os.path.basename(script),
        'neuron_version': h.nrnversion(),
        'description': description,
    }


def write(name, data):
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, name)
    with open(path, 'w') as f:
        json.dump(data, f, indent=1)
        f.write('\n')
    print('wrote', os.path.relpath(path, REPO), file=sys.stderr)
