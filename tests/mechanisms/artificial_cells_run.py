"""ARTIFICIAL_CELL mechanisms as cells (docs/mechanisms.md, "Artificial cells") in the real engine,
against NEURON: the network of tools/neuron_reference/artificial_cells.py (NEURON's demo
IntervalFire, parnet's test BurstFire and CountFire (a weight vector per connection), replay sources, an hh cell driven by them and driving
them back) at 1-3 ranks x 1-2 threads. Every layout must give the same spikes and float64 traces
bit for bit; the artificial cells' spikes must equal NEURON's to 1e-13 ms (they are not
step-quantized), the hh cell's fall in NEURON's steps; m of two artificial cells equals NEURON's
Vector.record at every sample whose step window (t - dt/2, t + dt/2] holds no event of the cell
(at such a step NEURON records after the step's events, parnet before them). A run cut by a
checkpoint at 60 ms and restored on other layouts goes on as the whole run (fields and pending
self events are saved), a METIS plan gives the same spikes, and bad model fields are refused.

    python3 artificial_cells_run.py --engine ENGINE --catalogue artificial.so --work DIR"""
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'runs'))
from engine_runs import datasets, run, same_on_layouts  # noqa: E402
from engine_catalogue_run import engine_arguments  # noqa: E402

REFERENCE = os.path.join(HERE, '..', 'data', 'neuron', 'artificial_cells.json')
LAYOUTS = [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2)]
SPIKE_TOLERANCE = 1e-13   # ms; achieved: see the printed figure
TRACE_TOLERANCE = 1e-13


def engine_run(args, name, ranks, threads, extra=(), model='model.json'):
    out = os.path.join(args.work, name)
    run(['mpirun', '--oversubscribe', '-n', str(ranks), args.engine, '--quiet', '--threads', str(threads),
         '--output', out, *extra, os.path.join(args.work, model)])
    data = datasets(os.path.join(out, 'spikes.h5'))
    spikes = {}
    for key, values in data.items():
        if key.endswith('/timestamps'):
            spikes[key.split('/')[1]] = sorted(values.tolist())
    traces = {}
    for f in sorted(os.listdir(out)):
        if f.endswith('_m.h5'):
            traces[f] = datasets(os.path.join(out, f))
    return spikes, traces


def quiet_rows(reference, name, count):
    """Rows k whose step window (t_k - dt/2, t_k + dt/2] holds no event of cell `name`: no own
    spike (its self events and its input change m at its spikes only) and no arrival."""
    dt, interval = reference['dt'], reference['dt'] * 8
    spikes = reference['network']['spikes']
    times = list(spikes[name])
    sources = {p['name']: p for p in reference['model']['populations']}
    for p in reference['model']['projections']:
        if p['target'] != name:
            continue
        for s, _, _, delay in p['rule']['connections']:
            src = sources[p['source']]
            fired = src['times'][s] if src['kind'] == 'spike_source' else spikes[p['source']]
            times += [t + delay for t in fired]
    steps = {math.ceil(t / dt - 0.5) for t in times}   # NEURON's delivery rule
    return [k for k in range(count) if round(k * interval / dt) not in steps]


def main():
    args = engine_arguments()
    with open(REFERENCE) as f:
        reference = json.load(f)
    model = reference['model']
    model['catalogues'] = [os.path.abspath(args.catalogue)]
    with open(os.path.join(args.work, 'model.json'), 'w') as f:
        json.dump(model, f)
    dt = reference['dt']

    first = same_on_layouts(LAYOUTS, lambda ranks, threads: engine_run(args, f'run_{ranks}x{threads}', ranks, threads))
    spikes, traces = first
    print(f'ok: {sum(len(s) for s in spikes.values())} spikes and {len(traces)} traces bit-identical '
          f'on {len(LAYOUTS)} layouts')

    neuron = reference['network']['spikes']
    worst = 0.0
    for name, times in neuron.items():
        got = spikes.get(name, [])
        if name == 'pyr':   # NEURON reports the step's end + 1e-10 (check_thresh's teps)
            if [round(t / dt) for t in got] != [round((t - 1e-10) / dt) for t in times]:
                sys.exit(f'FAIL: pyr spikes in steps {[round(t / dt) for t in got]}, NEURON '
                         f'{[round((t - 1e-10) / dt) for t in times]}')
            continue
        if len(got) != len(times):
            sys.exit(f'FAIL: {name}: {len(got)} spikes, NEURON {len(times)}: {got} / {times}')
        worst = max([worst] + [abs(a - b) for a, b in zip(got, times)])
    if not worst <= SPIKE_TOLERANCE:
        sys.exit(f'FAIL: artificial cells\' spikes differ from NEURON\'s by {worst} ms (allowed {SPIKE_TOLERANCE})')
    count = sum(len(neuron[n]) for n in neuron if n != 'pyr')
    print(f'ok: {count} spikes of {len(neuron) - 1} artificial cells within {worst:.1e} ms of NEURON\'s; '
          f'{len(neuron["pyr"])} hh spikes in NEURON\'s steps')

    worst, compared = 0.0, 0
    for name, values in reference['network']['m'].items():
        data = traces[f'{name}_m.h5'][f'report/{name}/data'][:, 0]
        rows = quiet_rows(reference, name, min(len(values), len(data)))
        if len(rows) < 0.9 * len(data):
            sys.exit(f'FAIL: {name}: only {len(rows)} of {len(data)} rows are compared')
        compared += len(rows)
        worst = max(worst, float(np.max(np.abs(data[rows] - np.array(values)[rows]))))
    if not worst <= TRACE_TOLERANCE:
        sys.exit(f'FAIL: m differs from NEURON\'s by {worst} (allowed {TRACE_TOLERANCE})')
    print(f'ok: m of 2 cells within {worst:.1e} of NEURON\'s at {compared} samples')

    # Checkpoint at 60 ms on 1 x 1, restored on 2 x 2 and 3 x 1: the rest of the run as before.
    cut = 60.0
    ck = os.path.join(args.work, 'ck')
    engine_run(args, 'cut', 1, 1, ['--tstop', str(cut), '--checkpoint', ck, '--checkpoint-at', str(cut)])
    later = {n: [t for t in s if t >= cut] for n, s in spikes.items()}
    for ranks, threads in [(2, 2), (3, 1)]:
        restored, _ = engine_run(args, f'restored_{ranks}x{threads}', ranks, threads, ['--restore', ck])
        restored = {n: [t for t in s if t >= cut] for n, s in restored.items()}
        if restored != later:
            sys.exit(f'FAIL: restored on {ranks} x {threads}: spikes after {cut} ms {restored}, whole run {later}')
    print(f'ok: restored from {cut} ms on 2 x 2 and 3 x 1: the whole run\'s '
          f'{sum(len(s) for s in later.values())} later spikes')

    planner = os.path.join(os.path.dirname(args.engine), 'plan')
    plan = os.path.join(args.work, 'plan.h5')
    done = run([planner, os.path.join(args.work, 'model.json'), '--ranks', '2', '-o', plan])
    planned, _ = engine_run(args, 'planned', 2, 1, ['--plan', plan])
    if planned != spikes:
        sys.exit('FAIL: the planned run gives other spikes')
    if 'artificial' not in done.stdout + done.stderr:
        sys.exit(f'FAIL: the plan\'s summary names no artificial configuration:\n{done.stdout}')
    print('ok: a METIS plan (artificial cells measured as a configuration of their own) gives the same spikes')

    refusals(args, model)


def refusals(args, model):
    """Bad model fields for artificial cells: exit 1 on 2 ranks, the file, the field and what was
    expected said once."""
    def mutated(change):
        doc = json.loads(json.dumps(model))
        change(doc)
        return doc

    def population(doc, name):
        return next(p for p in doc['populations'] if p['name'] == name)

    def projection(doc, target):
        return next(p for p in doc['projections'] if p['target'] == target)

    invl = next(i for i, p in enumerate(model['populations']) if p['name'] == 'invl_a')
    cases = [
        (lambda d: population(d, 'invl_a').update(mechanism='Nope'),
         f'populations[{invl}].mechanism: expected the name of an ARTIFICIAL_CELL of the model\'s catalogues '
         '(IntervalFire, BurstFire, ClampedTimes, CountFire)'),
        (lambda d: population(d, 'invl_a').update(mechanism='ExpSyn'),
         f'populations[{invl}].mechanism: expected the name of an ARTIFICIAL_CELL'),
        (lambda d: population(d, 'invl_a').pop('mechanism'), f'populations[{invl}].mechanism'),
        (lambda d: population(d, 'invl_a')['params'].update(gap=1.0),
         f'populations[{invl}].params.gap: expected a PARAMETER of IntervalFire: tau, invl'),
        (lambda d: population(d, 'src').update(mechanism='IntervalFire'),
         'populations[0].mechanism: expected no "mechanism" field: it belongs to artificial populations'),
        (lambda d: projection(d, 'invl_a').update(synapse='syn'),
         'synapse: expected no synapse name: artificial cells have one input'),
        (lambda d: d['recordings']['traces'][0].update(variable='v'),
         'recordings.traces[0].variable: expected a PARAMETER, ASSIGNED or STATE of IntervalFire'),
        (lambda d: d['cell_templates']['hh_soma']['sections'][0]['mechanisms'].update(BurstFire={}),
         'mechanisms.BurstFire: expected hh, pas, cahva, sk or a density mechanism of the catalogues'),
    ]
    for k, (change, expected) in enumerate(cases):
        name = f'bad_{k}.json'
        with open(os.path.join(args.work, name), 'w') as f:
            json.dump(mutated(change), f)
        done = run(['mpirun', '--oversubscribe', '-n', '2', args.engine, '--quiet', '--output',
                    os.path.join(args.work, f'bad_{k}'), os.path.join(args.work, name)], expect_ok=False)
        said = done.stdout + done.stderr
        if done.returncode != 1 or said.count(expected) != 1 or said.count(name + ': ') != 1:
            sys.exit(f'FAIL: {name}: exit {done.returncode}, expected {expected!r} once, got {said.strip()[:400]!r}')
    print(f'ok: {len(cases)} bad artificial-cell fields refused on 2 ranks with file, field and expectation')


if __name__ == '__main__':
    main()
