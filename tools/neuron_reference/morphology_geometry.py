#!/usr/bin/python3
"""NEURON reference for parnet's 3-D section geometry (engine/cable/section_geometry.*): three
cells built from 3-D points with h.pt3dadd, and per segment NEURON's area (seg.area(), um2),
ri (seg.ri(), megohm, plus sec(1).ri() of the x = 1 end node), the distance of its centre from
soma(0.5) (h.distance), and per section L, nseg (set by the rule listed) and lambda_f(100).

tapered      soma of 3 points (the SWC 3-point soma's shape), a dendrite tapering 3 -> 0.6 um over
             irregularly spaced points with a repeated point, an axon on soma(0); fixed nseg
branched     soma with varying diameter, apical trunk with a branch point, a child attached at
             trunk(0.3) (interior), a one-child branch point, a child on soma(0.5); nseg
             1 + 2*int(L/40)
random_tree  15 sections of jittered points with non-round coordinates (single-precision storage
             matters); nseg by d_lambda 0.1 at 100 Hz (int((L/(0.1*lambda_f(100))+0.9)/2)*2+1),
             Ra and cm differing by section
The cells (points, parents, Ra, cm, nseg rule) are written with the values, so the test builds
the same cells.
Then every morphology file of tests/data/morphology (the readers' test files: SWC soma styles,
Neurolucida contours and soma stacks) read by Import3d (Import3d_SWC_read or
Import3d_Neurolucida3, Import3d_GUI.instantiate), Ra 100, cm 1, nseg by d_lambda 0.1 at 100 Hz,
with the same values per section (the test reads the files with parnet's readers).
Writes tests/data/neuron/morphology_geometry.json.
"""
import glob
import os
import math
import random

from neuron import h

import common


def tapered():
    soma = [[0, 0, 0, 18.0], [9.0, 0, 0, 18.0], [18.0, 0, 0, 18.0]]
    dend = [[18.0, 0, 0, 3.0], [25.5, 1.0, 0, 2.8], [40.0, 2.5, 0.5, 2.5], [40.0, 2.5, 0.5, 2.5],
            [61.3, 4.0, 1.0, 2.0], [62.0, 4.1, 1.0, 1.9], [120.0, 10.0, -3.0, 1.2],
            [180.25, 12.5, -6.0, 0.6]]
    axon = [[0, 0, 0, 1.5], [-10.0, -1.0, 0, 1.2], [-50.0, -3.0, 2.0, 1.0], [-200.0, -5.0, 4.0, 0.9]]
    return [
        {'name': 'soma', 'type': 1, 'points': soma, 'Ra': 100.0, 'cm': 1.0, 'nseg': {'fixed': 1}},
        {'name': 'dend', 'type': 3, 'parent': 'soma', 'parent_x': 1.0, 'points': dend, 'Ra': 100.0,
         'cm': 1.0, 'nseg': {'fixed': 7}},
        {'name': 'axon', 'type': 2, 'parent': 'soma', 'parent_x': 0.0, 'points': axon, 'Ra': 150.0,
         'cm': 0.8, 'nseg': {'fixed': 9}},
    ]


def branched():
    rule = {'per_length': 40.0}
    s = [[-7.5, 0, 0, 12.0], [-5.0, 0, 0, 14.5], [0, 0, 0, 16.0], [5.0, 0, 0, 13.0], [7.5, 0, 0, 9.0]]
    trunk = [[7.5, 0, 0, 4.0], [30.0, 5.0, 0, 3.6], [80.0, 12.0, 1.0, 3.1], [150.0, 20.0, 2.0, 2.5]]
    tuft1 = [[150.0, 20.0, 2.0, 1.5], [190.0, 45.0, 2.0, 1.2], [230.0, 60.0, 1.0, 0.9]]
    tuft2 = [[150.0, 20.0, 2.0, 1.4], [175.0, -5.0, 3.0, 1.1], [200.0, -30.0, 3.0, 0.8]]
    one_child = [[230.0, 60.0, 1.0, 0.9], [260.0, 80.0, 1.0, 0.7]]
    oblique = [[45.0, 8.0, 0.3, 1.0], [60.0, 40.0, 0.3, 0.8], [70.0, 90.0, 0.0, 0.6]]
    basal = [[0, 0, 0, 2.0], [0, -30.0, 5.0, 1.5], [3.0, -70.0, 9.0, 1.0], [4.0, -95.0, 10.0, 0.7]]
    return [
        {'name': 'soma', 'type': 1, 'points': s, 'Ra': 80.0, 'cm': 1.0, 'nseg': rule},
        {'name': 'trunk', 'type': 4, 'parent': 'soma', 'parent_x': 1.0, 'points': trunk, 'Ra': 80.0,
         'cm': 1.0, 'nseg': rule},
        {'name': 'tuft1', 'type': 4, 'parent': 'trunk', 'parent_x': 1.0, 'points': tuft1, 'Ra': 80.0,
         'cm': 1.0, 'nseg': rule},
        {'name': 'tuft2', 'type': 4, 'parent': 'trunk', 'parent_x': 1.0, 'points': tuft2, 'Ra': 80.0,
         'cm': 1.0, 'nseg': rule},
        {'name': 'tuft1_end', 'type': 4, 'parent': 'tuft1', 'parent_x': 1.0, 'points': one_child,
         'Ra': 80.0, 'cm': 1.0, 'nseg': rule},
        {'name': 'oblique', 'type': 4, 'parent': 'trunk', 'parent_x': 0.3, 'points': oblique, 'Ra': 80.0,
         'cm': 1.0, 'nseg': rule},
        {'name': 'basal', 'type': 3, 'parent': 'soma', 'parent_x': 0.5, 'points': basal, 'Ra': 80.0,
         'cm': 2.0, 'nseg': rule},
    ]


def random_tree():
    rng = random.Random(11)
    rule = {'d_lambda': 0.1, 'frequency': 100.0}
    secs = [{'name': 'soma', 'type': 1, 'Ra': 123.4567, 'cm': 0.97531, 'nseg': rule,
             'points': [[0.1234567, -0.7654321, 0.333333, 11.11111], [3.3333, 0.2, 0.1, 12.98765],
                        [7.777777, 0.4, 0.2, 10.1010101]]}]
    for i in range(1, 15):
        parent = secs[rng.randrange(0, i)]
        x = rng.choice([1.0, 1.0, 0.5, 0.0, round(rng.random(), 4)]) if parent['name'] == 'soma' \
            else rng.choice([1.0, 1.0, round(rng.random(), 4)])
        start = [round(c + rng.uniform(-1, 1), 5) for c in parent['points'][-1][:3]]
        pts = [start + [round(rng.uniform(0.4, 3.0), 6)]]
        for _ in range(rng.randrange(2, 12)):
            step = [round(rng.uniform(-15, 15), 5) for _ in range(3)]
            pts.append([round(pts[-1][k] + step[k], 5) for k in range(3)] +
                       [round(max(0.3, pts[-1][3] * rng.uniform(0.7, 1.2)), 6)])
        secs.append({'name': 'b%d' % i, 'type': rng.choice([3, 4]), 'parent': parent['name'],
                     'parent_x': x, 'points': pts, 'Ra': round(rng.uniform(50, 200), 3),
                     'cm': round(rng.uniform(0.5, 2), 3), 'nseg': rule})
    return secs


def nseg_by(rule, sec):
    if 'fixed' in rule:
        return rule['fixed']
    if 'per_length' in rule:
        return 1 + 2 * int(sec.L / rule['per_length'])
    return int((sec.L / (rule['d_lambda'] * h.lambda_f(rule['frequency'], sec=sec)) + 0.9) / 2) * 2 + 1


def measure(cell):
    secs = {}
    for d in cell:
        sec = h.Section(name=d['name'])
        for p in d['points']:
            h.pt3dadd(p[0], p[1], p[2], p[3], sec=sec)
        sec.Ra, sec.cm = d['Ra'], d['cm']
        if 'parent' in d:
            sec.connect(secs[d['parent']](d['parent_x']))
        secs[d['name']] = sec
    for d in cell:
        sec = secs[d['name']]
        sec.nseg = nseg_by(d['nseg'], sec)
    soma = secs[cell[0]['name']]
    h.distance(0, soma(0.5))
    out = []
    for d in cell:
        sec = secs[d['name']]
        out.append({'name': d['name'], 'L': sec.L, 'nseg': sec.nseg,
                    'lambda_f_100': h.lambda_f(100, sec=sec),
                    'area': [seg.area() for seg in sec], 'ri': [seg.ri() for seg in sec] + [sec(1).ri()],
                    'distance': [h.distance(seg) for seg in sec]})
    return out


def measure_file(path):
    for s in list(h.allsec()):
        h.delete_section(sec=s)
    reader = h.Import3d_SWC_read() if path.lower().endswith('.swc') else h.Import3d_Neurolucida3()
    reader.quiet = 1
    reader.input(path)
    h.Import3d_GUI(reader, 0).instantiate(None)
    secs = list(h.allsec())
    for sec in secs:
        sec.Ra, sec.cm = 100, 1
        sec.nseg = int((sec.L / (0.1 * h.lambda_f(100, sec=sec)) + 0.9) / 2) * 2 + 1
    soma = [s for s in secs if s.name().startswith('soma')]
    h.distance(0, (soma[0] if soma else secs[0])(0.5))
    return [{'name': sec.name(), 'L': sec.L, 'nseg': sec.nseg, 'lambda_f_100': h.lambda_f(100, sec=sec),
             'area': [seg.area() for seg in sec], 'ri': [seg.ri() for seg in sec] + [sec(1).ri()],
             'distance': [h.distance(seg) for seg in sec]} for sec in secs]


def main():
    h.load_file('stdlib.hoc')   # lambda_f
    out = common.header(__file__, __doc__.strip())
    out['cells'] = []
    for name, make in [('tapered', tapered), ('branched', branched), ('random_tree', random_tree)]:
        cell = make()
        out['cells'].append({'name': name, 'sections': cell, 'neuron': measure(cell)})
        print(name, sum(s['nseg'] for s in out['cells'][-1]['neuron']), 'segments')
    h.load_file('import3d.hoc')
    for path in sorted(glob.glob(os.path.join(common.REPO, 'tests', 'data', 'morphology', '*.[sa][ws][cc]'))):
        for s in list(h.allsec()):
            h.delete_section(sec=s)
        rel = os.path.relpath(path, common.REPO)
        out['files'] = out.get('files', []) + [{'file': rel, 'neuron': measure_file(path)}]
        print(rel, sum(s['nseg'] for s in out['files'][-1]['neuron']), 'segments')
    common.write('morphology_geometry.json', out)


if __name__ == '__main__':
    main()
