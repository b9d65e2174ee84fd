"""The real engine with catalogue mechanisms from the model file: the cable ring of
tests/runs/cable_ring.json with (a) its synapse as the built-in catalogue's ExpSyn instead of the
hand-written expsyn, and (b) NEURON's demo HHna/HHk channels from a parnet-modcc catalogue named
in "catalogues" in place of hh's Na and K. (a) must give the very spikes of the hand-written run;
(b) must run on 1 and 2 ranks with identical spikes, and the same with the catalogue given by
--catalogue on the command line; a missing catalogue is an error naming the
model file and the field, on every rank.

    python3 engine_catalogue_run.py --engine ENGINE --catalogue testmods.so --work DIR"""
import argparse
import copy
import json
import os
import sys

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'runs'))
from engine_runs import run  # noqa: E402


def spikes(engine, model, work, name, ranks=1):
    path = os.path.join(work, name + '.json')
    with open(path, 'w') as f:
        json.dump(model, f)
    out = os.path.join(work, name)
    run(['mpirun', '--oversubscribe', '-n', str(ranks), engine, '--quiet', '--output', out, path])
    with h5py.File(os.path.join(out, 'spikes.h5'), 'r') as f:
        g = f['spikes/ring']
        return sorted(zip(g['node_ids'][()].tolist(), g['timestamps'][()].tolist()))


def engine_arguments():
    """--engine, --catalogue, --work (made if missing): the arguments of the catalogue runs."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--engine', required=True)
    parser.add_argument('--catalogue', required=True)
    parser.add_argument('--work', required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    return args


def main():
    args = engine_arguments()
    with open(os.path.join(HERE, '..', 'runs', 'cable_ring.json')) as f:
        ring = json.load(f)
    cell = ring['cell_templates']['ball_and_stick']

    hand = spikes(args.engine, ring, args.work, 'hand_written')
    expsyn = copy.deepcopy(ring)
    syn = expsyn['cell_templates']['ball_and_stick']['synapses'][0]
    expsyn['cell_templates']['ball_and_stick']['synapses'][0] = {
        'name': syn['name'], 'type': 'ExpSyn', 'section': syn['section'], 'x': syn['x'],
        'params': {'tau': syn['tau'], 'e': syn['e']}}
    generated = spikes(args.engine, expsyn, args.work, 'catalogue_expsyn')
    if not hand or generated != hand:
        sys.exit(f'FAIL: ExpSyn from the catalogue: {len(generated)} spikes, hand-written {len(hand)}')
    print(f'ok: catalogue ExpSyn gives the hand-written run\'s {len(hand)} spikes exactly')

    demo = copy.deepcopy(expsyn)
    demo['catalogues'] = [os.path.abspath(args.catalogue)]
    demo['cell_templates']['ball_and_stick']['sections'][0]['mechanisms'] = {
        'HHna': {'gnabar': 0.12}, 'HHk': {'gkbar': 0.036}, 'pas': {'g': 0.0003, 'e': -54.3}}
    one = spikes(args.engine, demo, args.work, 'demo_1rank')
    two = spikes(args.engine, demo, args.work, 'demo_2ranks', ranks=2)
    if not one or one != two:
        sys.exit(f'FAIL: demo channels: {len(one)} spikes on 1 rank, {len(two)} on 2, or they differ')
    print(f'ok: HHna/HHk from {os.path.basename(args.catalogue)}: {len(one)} spikes, the same on 1 and 2 ranks')

    # The same catalogue named on the command line instead of in the model.
    plain = copy.deepcopy(demo)
    del plain['catalogues']
    path = os.path.join(args.work, 'command_line.json')
    with open(path, 'w') as f:
        json.dump(plain, f)
    out = os.path.join(args.work, 'command_line')
    run(['mpirun', '--oversubscribe', '-n', '2', args.engine, '--quiet', '--catalogue', os.path.abspath(args.catalogue),
         '--output', out, path])
    with h5py.File(os.path.join(out, 'spikes.h5'), 'r') as f:
        g = f['spikes/ring']
        command_line = sorted(zip(g['node_ids'][()].tolist(), g['timestamps'][()].tolist()))
    if command_line != one:
        sys.exit(f'FAIL: --catalogue: {len(command_line)} spikes, with the model\'s "catalogues" {len(one)}')
    print('ok: --catalogue on the command line gives the same spikes')

    missing = copy.deepcopy(demo)
    missing['catalogues'] = ['no_such_catalogue.so']
    path = os.path.join(args.work, 'missing.json')
    with open(path, 'w') as f:
        json.dump(missing, f)
    done = run(['mpirun', '--oversubscribe', '-n', '2', args.engine, '--quiet', '--output',
                os.path.join(args.work, 'missing'), path], expect_ok=False)
    message = done.stdout + done.stderr
    if done.returncode == 0 or 'catalogues[0]' not in message or message.count('engine: error') != 1:
        sys.exit(f'FAIL: a missing catalogue: exit {done.returncode}, output {message!r}')
    print('ok: a missing catalogue is one error naming the field:', message.strip().splitlines()[0][:200])


if __name__ == '__main__':
    main()
