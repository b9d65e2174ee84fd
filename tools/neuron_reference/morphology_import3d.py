"""NEURON reference for parnet's morphology readers (io/swc_reader, io/asc_reader).

Loads every file of tests/data/morphology/ (*.swc with Import3d_SWC_read, *.asc with
Import3d_Neurolucida3) exactly as a NEURON user does:

    h.load_file('import3d.hoc'); r = h.Import3d_SWC_read(); r.input(f)
    i3d = h.Import3d_GUI(r, 0); i3d.instantiate(None)

and records, per file and per section in NEURON's order (h.allsec()): name, parent name,
parent_x (s.parentseg().x), L, nseg and the pt3d list as raw doubles (x3d, y3d, z3d, diam3d;
json writes them with repr precision, no rounding). Each file is loaded in a fresh NEURON
process so that no section of one file survives into the next.

Run:  /usr/bin/python3 tools/neuron_reference/morphology_import3d.py
Writes tests/data/neuron/morphology_import3d.json.
"""
import glob
import json
import os
import subprocess
import sys

from common import REPO, header, write

MORPHOLOGY = os.path.join(REPO, 'tests', 'data', 'morphology')
READERS = {'.swc': 'Import3d_SWC_read', '.asc': 'Import3d_Neurolucida3'}


def load_one(path):
    """Runs in a child process: NEURON's sections of one file, as JSON on stdout."""
    from neuron import h
    h.load_file('import3d.hoc')
    reader = getattr(h, READERS[os.path.splitext(path)[1]])()
    reader.quiet = 1
    reader.input(path)
    gui = h.Import3d_GUI(reader, 0)
    gui.instantiate(None)
    sections = []
    for s in h.allsec():
        ref = h.SectionRef(sec=s)
        has_parent = ref.has_parent()
        sections.append({
            'name': s.name(),
            'parent': ref.parent.name() if has_parent else None,
            'parent_x': s.parentseg().x if has_parent else None,
            'L': s.L,
            'nseg': s.nseg,
            'pt3d': [[h.x3d(i, sec=s), h.y3d(i, sec=s), h.z3d(i, sec=s), h.diam3d(i, sec=s)]
                     for i in range(int(h.n3d(sec=s)))],
        })
    return sections


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--one':
        sections = load_one(sys.argv[2])
        sys.stdout.write('\nPARNET-JSON ' + json.dumps(sections) + '\n')
        return
    files = {}
    paths = sorted(glob.glob(os.path.join(MORPHOLOGY, '*.swc')) + glob.glob(os.path.join(MORPHOLOGY, '*.asc')))
    for path in paths:
        out = subprocess.run([sys.executable, os.path.abspath(__file__), '--one', path],
                             check=True, capture_output=True, text=True).stdout
        line = [l for l in out.splitlines() if l.startswith('PARNET-JSON ')][-1]
        files[os.path.relpath(path, REPO)] = json.loads(line[len('PARNET-JSON '):])
    data = header(__file__, 'Sections NEURON creates from each morphology test file with Import3d '
                  '(Import3d_GUI(reader, 0).instantiate(None)); sections in h.allsec() order, '
                  'pt3d as [x, y, z, diam] doubles read back with x3d/y3d/z3d/diam3d')
    data['files'] = files
    write('morphology_import3d.json', data)


if __name__ == '__main__':
    main()
