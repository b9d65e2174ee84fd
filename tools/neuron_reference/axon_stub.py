#!/usr/bin/python3
"""NEURON reference for parnet's axon stub (engine/cable/axon_stub.*): BluePyOpt's
NrnFileMorphology.instantiate with do_set_nseg and do_replace_axon, done step by step in NEURON:
Import3d_SWC_read + Import3d_GUI.instantiate, nseg = 1 + 2*int(L/40) in every section, then
replace_axon: diameters D1 = axon[0].diam and D2 = the diam of the first axonal section whose
h.distance(0.5) from soma[0](0) exceeds 60 um (D1 with one axonal section, 1 and 1 without),
the axon deleted, axon[0] and axon[1] created with L 30, nseg 1, diam D1, D2, axon[0](0) on
soma[0](1) and axon[1](0) on axon[0](1).

Morphologies: examples/morphologies/small_pyramid.swc (one axonal section) and
tests/data/morphology_placement/branched_axon.swc (a branching axon). For each: the stub's
diameters, every section's name, nseg, and every segment's area and ri; and a run of the first
cell (Ra 100, cm 1, hh on soma and the stub, pas g 5e-5 e -65 elsewhere, IClamp 0.3 nA 2-12 ms
at soma[0](0.5), dt 0.025 ms, 20 ms, hh rate tables) with raw voltages at soma[0](0.5) and
axon[1](1) every 4 steps. Writes tests/data/neuron/axon_stub.json.
"""
import os

from neuron import h

import common

FILES = ['examples/morphologies/small_pyramid.swc', 'tests/data/morphology_placement/branched_axon.swc']
TSTOP, EVERY = 20.0, 4


def stub_cell(path):
    for s in list(h.allsec()):
        h.delete_section(sec=s)
    reader = h.Import3d_SWC_read()
    reader.quiet = 1
    reader.input(os.path.join(common.REPO, path))
    h.Import3d_GUI(reader, 0).instantiate(None)
    for s in h.allsec():
        s.nseg = 1 + 2 * int(s.L / 40)
    axonal = [s for s in h.allsec() if s.name().startswith('axon')]
    soma = [s for s in h.allsec() if s.name() == 'soma[0]'][0]
    if not axonal:
        diams = [1, 1]
    else:
        diams = [axonal[0].diam, axonal[0].diam]
        if len(axonal) > 1:
            h.distance(sec=soma)
            for s in axonal:
                if h.distance(0.5, sec=s) > 60:
                    diams[1] = s.diam
                    break
    for s in axonal:
        h.delete_section(sec=s)
    h('create axon[2]')
    for i, s in enumerate(h.axon):
        s.nseg, s.L, s.diam = 1, 30, diams[i]
    h.axon[0].connect(soma(1), 0)
    h.axon[1].connect(h.axon[0](1), 0)
    return diams


def main():
    common.fixed_step_settings(0.025)
    h.load_file('import3d.hoc')
    out = common.header(__file__, __doc__.strip())
    out['cells'] = []
    for path in FILES:
        diams = stub_cell(path)
        secs = list(h.allsec())
        cell = {'file': path, 'stub_diams': diams,
                'sections': [{'name': s.name(), 'nseg': s.nseg, 'area': [seg.area() for seg in s],
                              'ri': [seg.ri() for seg in s] + [s(1).ri()]} for s in secs]}
        if path == FILES[0]:
            for s in secs:
                s.Ra, s.cm = 100, 1
                if s.name().startswith(('soma', 'axon')):
                    s.insert('hh')
                else:
                    s.insert('pas')
                    for seg in s:
                        seg.pas.g, seg.pas.e = 5e-5, -65
            soma = [s for s in secs if s.name() == 'soma[0]'][0]
            stim = h.IClamp(soma(0.5))
            stim.delay, stim.dur, stim.amp = 2, 10, 0.3
            vs = {'soma[0]': h.Vector(), 'axon[1]': h.Vector()}
            vs['soma[0]'].record(soma(0.5)._ref_v)
            vs['axon[1]'].record(h.axon[1](1)._ref_v)
            common.run(TSTOP, -65)
            cell['run'] = {'tstop': TSTOP, 'sample_every_steps': EVERY,
                           'v': {k: [v[i] for i in range(0, len(v), EVERY)] for k, v in vs.items()}}
            del stim
        out['cells'].append(cell)
        print(path, 'stub diameters', diams, len(secs), 'sections')
    common.write('axon_stub.json', out)


if __name__ == '__main__':
    main()
