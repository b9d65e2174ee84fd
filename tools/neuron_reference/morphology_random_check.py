"""Random cross-check of parnet's morphology readers against NEURON 8.2's Import3d.

Generates random SWC files (every soma form: none, one point, NeuroMorpho's three points, a
chain, an outline of points, a branched soma; random trees with type changes, coincident points,
id gaps) and random Neurolucida files (irregular rotated CellBody contours, sometimes closed,
random split trees, sometimes a soma stack of several contours), reads each with NEURON (morphology_import3d.py --one) and with parnet
(build/bin/morphology --json), and compares section names, parents, parent_x and every pt3d value
exactly. Files parnet refuses must be ones where NEURON makes a section of (almost) zero length.

Run:  /usr/bin/python3 tools/neuron_reference/morphology_random_check.py [--count 150] [--binary build/bin/morphology]
Prints one line per kind: files, refused, mismatches; exits 1 on any mismatch. Nothing is written
to the repository (the files go to a temporary folder, kept with --keep).
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile

from common import REPO

REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'morphology_import3d.py')


def random_swc(rng):
    points = []  # (id, type, x, y, z, radius, parent id)
    next_id = [rng.randint(0, 3)]

    def add(t, x, y, z, r, parent):
        i = next_id[0]
        next_id[0] += rng.choice([1, 1, 1, 2, 5])
        points.append((i, t, x, y, z, r, parent))
        return i

    soma = rng.choice(['none', 'one', 'three', 'chain', 'outline', 'branched'])
    radius = round(rng.uniform(2, 8), 2)
    if soma == 'none':
        add(rng.choice([2, 3, 4, 5]), 0, 0, 0, 1.0, -1)
    else:
        root = add(1, 0, 0, 0, radius, -1)
        if soma == 'three':
            add(1, 0, -radius, 0, radius, root)
            add(1, 0, radius, 0, radius, root)
        elif soma == 'chain':
            p = root
            for k in range(rng.randint(1, 6)):
                p = add(1, 0, 2 * (k + 1), 0, round(rng.uniform(1, 6), 2), p)
        elif soma == 'outline':
            for k in range(rng.randint(2, 6)):
                a = 2 * math.pi * k / 6
                add(1, round(radius * math.cos(a), 2), round(radius * math.sin(a), 2), 0, 2.0, root)
        elif soma == 'branched':
            ids = [root]
            for k in range(rng.randint(2, 8)):
                ids.append(add(1, round(rng.uniform(-5, 5), 2), round(rng.uniform(-5, 5), 2), 0, 2.0, rng.choice(ids)))
    for k in range(rng.randint(1, 40)):
        parent = points[-1] if rng.random() < 0.6 else rng.choice(points)
        t = parent[1] if parent[1] != 1 else rng.choice([2, 3, 3, 4])
        if rng.random() < 0.08:
            t = rng.choice([2, 3, 4, 6])
        if rng.random() < 0.05 and soma != 'none':
            t = 1
        x, y, z = parent[2], parent[3], parent[4]
        if rng.random() > 0.05:  # else a point on top of its parent
            x = round(x + rng.uniform(-10, 10), 3)
            y = round(y + rng.uniform(-10, 10), 3)
            z = round(z + rng.uniform(-3, 3), 3)
        add(t, x, y, z, round(rng.uniform(0.1, 2), 3), parent[0])
    return ''.join('%d %d %s %s %s %s %d\n' % p for p in points)


def random_contour(rng, cx, cy, cz):
    n = rng.randint(5, 40)
    a, b, th = rng.uniform(3, 12), rng.uniform(2, 8), rng.uniform(0, math.pi)
    out = []
    for k in range(n):
        t = 2 * math.pi * k / n
        r = 1 + rng.uniform(-0.2, 0.2)
        x0, y0 = a * r * math.cos(t), b * r * math.sin(t)
        out.append((round(x0 * math.cos(th) - y0 * math.sin(th) + cx, 2),
                    round(x0 * math.sin(th) + y0 * math.cos(th) + cy, 2), round(cz + rng.uniform(-1, 1), 2)))
    if rng.random() < 0.3:
        out.append(out[0])  # a closed outline
    return out


def random_branch(rng, x, y, z, d, depth):
    text = ''
    for k in range(rng.randint(1, 4)):
        x, y, z = x + rng.uniform(-10, 10), y + rng.uniform(-10, 10), z + rng.uniform(-2, 2)
        d = max(0.1, d * rng.uniform(0.8, 1.0))
        text += '  (%.2f %.2f %.2f %.2f)\n' % (x, y, z, d)
    if depth < 3 and rng.random() < 0.6:
        children = [random_branch(rng, x if rng.random() < 0.7 else x + 1, y, z, d, depth + 1)
                    for _ in range(rng.randint(1, 3))]
        return text + '  (\n' + '  |\n'.join(children) + '  )\n'
    return text + '  Normal\n'


def random_asc(rng):
    cx, cy, cz = rng.uniform(-20, 20), rng.uniform(-20, 20), rng.uniform(-5, 5)
    text = ''
    for level in range(1 if rng.random() < 0.7 else rng.randint(2, 4)):  # else a soma stack
        text += '("CellBody"\n (CellBody)\n'
        text += ''.join(' (%s %s %s 0.1)\n' % p for p in random_contour(rng, cx, cy, cz + 1.5 * level)) + ')\n'
    for t in range(rng.randint(1, 4)):
        text += '( (%s)\n' % rng.choice(['Dendrite', 'Axon', 'Apical'])
        text += random_branch(rng, cx + rng.uniform(-3, 3), cy + rng.uniform(-3, 3), cz, rng.uniform(0.5, 3), 0) + ')\n'
    return text


def neuron_sections(path):
    run = subprocess.run([sys.executable, REFERENCE, '--one', path], capture_output=True, text=True)
    if run.returncode != 0:
        return None
    line = [l for l in run.stdout.splitlines() if l.startswith('PARNET-JSON ')][-1]
    return json.loads(line[len('PARNET-JSON '):])


def parnet_sections(binary, path):
    run = subprocess.run([binary, '--json', path], capture_output=True, text=True)
    if run.returncode != 0:
        return run.stderr.strip()
    return json.loads(run.stdout)['sections']


def same(neuron, parnet):
    by_name = {s['name']: s for s in neuron}
    if len(by_name) != len(parnet):
        return False
    for s in parnet:
        n = by_name.get(s['name'])
        if n is None or n['parent'] != s['parent'] or n['parent_x'] != s['parent_x'] or n['pt3d'] != s['pt3d']:
            return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--count', type=int, default=150, help='random files of each kind')
    parser.add_argument('--binary', default=os.path.join(REPO, 'build', 'bin', 'morphology'))
    parser.add_argument('--keep', action='store_true', help='keep the generated files')
    parser.add_argument('--kinds', default='swc,asc', help='which readers to check (swc, asc or both)')
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix='parnet-morphology-')
    failures = 0
    for kind, make, seed in (('swc', random_swc, 12345), ('asc', random_asc, 777)):
        if kind not in args.kinds.split(','):
            continue
        rng = random.Random(seed)
        refused = mismatches = 0
        for i in range(args.count):
            path = os.path.join(folder, '%s%03d.%s' % (kind, i, kind))
            with open(path, 'w') as f:
                f.write(make(rng))
            neuron = neuron_sections(path)
            parnet = parnet_sections(args.binary, path)
            if isinstance(parnet, str):
                refused += 1
                if neuron is not None and not any(s['L'] < 1e-6 for s in neuron):
                    print('parnet refused a file NEURON reads:', path, parnet)
                    mismatches += 1
            elif neuron is None or not same(neuron, parnet):
                print('different from NEURON:', path)
                mismatches += 1
        print('%s: %d random files, %d refused (a zero-length section in NEURON), %d different from NEURON'
              % (kind, args.count, refused, mismatches))
        failures += mismatches
    if not args.keep:
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        os.rmdir(folder)
    else:
        print('files kept in', folder)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
