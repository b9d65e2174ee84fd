#!/usr/bin/python3
"""Times NEURON 8.2 on the ten mechanisms of catalogue_mechanisms.py (the same .mod files) and
prints ns per compartment-step, plain and with h.CVode().cache_efficient(1); parnet's
counterparts are bench/mechanism_bench's TenMechanismCompartment and TenMechanismCable (run them
with --parnet-bench).

    /usr/bin/python3 tools/neuron_reference/time_catalogue_cell.py --parnet-bench build/bench/mechanism_bench

Two cells: 'compartment', 1000 single-compartment cells (soma 20 x 20 um) each clamped with
0.3 nA from 5 ms; 'cable', 100 cells of one 2000 x 20 um section with nseg 100 (each segment the
compartment's size) carrying the ten mechanisms, clamped with 3 nA at 0.5 from 5 ms. 40 ms of dt
0.025; CPU time (time.process_time) of the fadvance loop only, one process per case."""
import argparse
import json
import subprocess
import sys
import time

TSTOP = 40.0
# cell: (cells, length um, nseg, clamp nA, parnet benchmark)
CELLS = {'compartment': (1000, 20.0, 1, 0.3, 'TenMechanismCompartment'),
         'cable': (100, 2000.0, 100, 3.0, 'TenMechanismCable')}


def neuron_case(cell, cache_efficient):
    from neuron import h
    import catalogue_mechanisms as ref
    import common
    import nrnmech
    nrnmech.load(ref.MOD_FILES)
    common.fixed_step_settings(ref.DT, ref.CELSIUS)
    count, length, nseg, amp, _ = CELLS[cell]
    cells, stims = [], []
    for i in range(count):
        soma = h.Section(name=f'soma{i}')
        soma.L, soma.diam, soma.nseg = length, 20, nseg
        ref.place(soma, ref.SOMA)
        stim = h.IClamp(soma(0.5))
        stim.delay, stim.dur, stim.amp = 5, 1e9, amp
        cells.append(soma)
        stims.append(stim)
    h.CVode().cache_efficient(1 if cache_efficient else 0)
    h.finitialize(ref.V_INIT)
    start = time.process_time()
    while h.t < TSTOP - ref.DT / 2:
        h.fadvance()
    seconds = time.process_time() - start
    return 1e9 * seconds / (count * nseg * round(TSTOP / ref.DT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--case', choices=['plain', 'cache_efficient'])
    parser.add_argument('--cell', choices=list(CELLS), action='append',
                        help='the cells to time (default: both)')
    parser.add_argument('--parnet-bench')
    args = parser.parse_args()
    cells = args.cell or list(CELLS)
    if args.case:
        print(json.dumps(neuron_case(cells[0], args.case == 'cache_efficient')))
        return
    for cell in cells:
        results = {}
        for case in ('plain', 'cache_efficient'):
            out = subprocess.run([sys.executable, __file__, '--case', case, '--cell', cell], capture_output=True,
                                 text=True, check=True, cwd=__file__.rsplit('/', 1)[0] or '.')
            results[case] = json.loads(out.stdout.strip().splitlines()[-1])
            print(f'{cell}: NEURON {case}: {results[case]:.1f} ns per compartment-step')
        if args.parnet_bench:
            out = subprocess.run([args.parnet_bench, f'--benchmark_filter={CELLS[cell][4]}$',
                                  '--benchmark_min_time=1', '--benchmark_format=json'],
                                 capture_output=True, text=True, check=True)
            rate = json.loads(out.stdout)['benchmarks'][0]['items_per_second']
            ns = 1e9 / rate
            print(f'{cell}: parnet: {ns:.1f} ns per compartment-step; NEURON / parnet: plain '
                  f'{results["plain"] / ns:.1f}x, cache_efficient {results["cache_efficient"] / ns:.1f}x')


if __name__ == '__main__':
    main()
