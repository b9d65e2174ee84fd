#!/usr/bin/python3
"""What bounds the ten-mechanism cell's speed: times mechanism_bench's TenMechanismCompartment and
TenMechanismCable on the test catalogue as generated, and on copies of its generated C++ with
every exp replaced by 1 + x ("no exp"), every division by a multiplication ("no division"), and
both. The copies compute nonsense, quickly: their times are lower bounds of what kernels with the
arithmetic the .mod files prescribe can reach, so they show how far faster exp and division could
take parnet. Cases alternate, `--repeats` times each; the best of each is printed.

    /usr/bin/python3 bench/kernel_cost_bounds.py --build build

With --neuron-ns COMPARTMENT CABLE (NEURON's cache-efficient ns per compartment-step from
tools/neuron_reference/time_catalogue_cell.py) it also prints each bound as a ratio to NEURON."""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHMARKS = ('TenMechanismCompartment', 'TenMechanismCable')


def variants(source):
    no_exp = re.sub(r'parnet::cable::exp_inline\(', '(1.0 + ', source)
    no_div = source.replace(' / ', ' * ')
    return {'as generated': source, 'no exp': no_exp, 'no division': no_div,
            'no exp, no division': no_exp.replace(' / ', ' * ')}


def default_flags(modcc):
    out = subprocess.run([modcc, '--help'], capture_output=True, text=True, check=True).stdout
    found = re.search(r'^\s+--flags FLAGS.*?\(default:\s*(.*?)\)', out, re.S | re.M)
    if not found:
        sys.exit(f'{modcc} --help names no default --flags')
    return ' '.join(found.group(1).split())


def time_case(bench, library, min_time):
    env = dict(os.environ, PARNET_BENCH_CATALOGUE=library)
    out = subprocess.run([bench, '--benchmark_filter=^(' + '|'.join(BENCHMARKS) + ')$',
                          f'--benchmark_min_time={min_time}', '--benchmark_format=json'],
                         capture_output=True, text=True, check=True, env=env)
    return {b['name']: 1e9 / b['items_per_second'] for b in json.loads(out.stdout)['benchmarks']}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--build', default='build', help='the build folder')
    parser.add_argument('--repeats', type=int, default=3, help='runs of each case (alternating)')
    parser.add_argument('--min-time', type=float, default=1.0, help='benchmark_min_time of each run (s)')
    parser.add_argument('--neuron-ns', type=float, nargs=2, metavar=('COMPARTMENT', 'CABLE'),
                        help="NEURON's cache-efficient ns per compartment-step")
    args = parser.parse_args()
    source_path = os.path.join(args.build, 'tests', 'testmods_catalogue.cpp')
    bench = os.path.join(args.build, 'bench', 'mechanism_bench')
    modcc = os.path.join(args.build, 'bin', 'parnet-modcc')
    for path in (source_path, bench, modcc):
        if not os.path.exists(path):
            sys.exit(f'{path} is missing: build the tests, benchmarks and parnet-modcc first')
    with open(source_path) as f:
        source = f.read()
    flags = shlex.split(default_flags(modcc))
    work = tempfile.mkdtemp(prefix='parnet_kernel_bounds_')
    libraries = {}
    for i, (name, text) in enumerate(variants(source).items()):
        cpp = os.path.join(work, f'variant{i}.cpp')
        with open(cpp, 'w') as f:
            f.write(text)
        libraries[name] = os.path.join(work, f'variant{i}.so')
        print(f'compiling "{name}"', file=sys.stderr)
        subprocess.run(['c++', *flags, '-fPIC', '-shared', '-std=c++20', '-I', REPO, cpp, '-o', libraries[name]],
                       check=True)
    best = {name: {} for name in libraries}
    for r in range(args.repeats):
        for name, library in libraries.items():
            for bench_name, ns in time_case(bench, library, args.min_time).items():
                best[name][bench_name] = min(ns, best[name].get(bench_name, float('inf')))
            print(f'run {r + 1}/{args.repeats}: "{name}" done', file=sys.stderr)
    print('ns per compartment-step (best of %d)' % args.repeats)
    print(f'{"kernels":22s} {"compartment":>12s} {"cable":>8s}' + ('   NEURON / parnet' if args.neuron_ns else ''))
    for name, times in best.items():
        line = f'{name:22s} {times[BENCHMARKS[0]]:12.1f} {times[BENCHMARKS[1]]:8.1f}'
        if args.neuron_ns:
            line += f'   {args.neuron_ns[0] / times[BENCHMARKS[0]]:.1f}x, {args.neuron_ns[1] / times[BENCHMARKS[1]]:.1f}x'
        print(line)


if __name__ == '__main__':
    main()
