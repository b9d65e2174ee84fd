"""Compiles .mod files for NEURON 8.2 and loads them: what nrnivmodl does, through Debian's
nrnmech_makefile (neuron-dev 8.2.2's nrnivmodl has wrong paths: make -f
/usr/lib/nrn/nrnmech_makefile ROOT=/usr libdir=/usr/lib/nrn). The mod files are read where they
are; the build happens in a temporary folder. Registration order = the order given (NEURON runs
mechanism types in that order, as parnet runs a catalogue's mechanisms in its order)."""
import os
import subprocess
import tempfile

from neuron import h


def load(mod_files, build_dir=None):
    build = build_dir or tempfile.mkdtemp(prefix='nrnmech_')
    names = [os.path.splitext(os.path.basename(f))[0] for f in mod_files]
    with open(os.path.join(build, 'makemod2c_inc'), 'w') as make:
        for f, n in zip(mod_files, names):
            src = os.path.abspath(f)
            make.write(f'./{n}.c: {src}\n'
                       f'\t(cd "{os.path.dirname(src)}"; MODLUNIT=$(NRNUNITS) $(NOCMODL) "{n}.mod" -o "{build}")\n\n'
                       f'./{n}.o: ./{n}.c\n'
                       f'\t$(COMPILE) -I"{os.path.dirname(src)}" $(INCLUDES) -fPIC -c $< -o $@\n\n')
    with open(os.path.join(build, 'mod_func.cpp'), 'w') as out:
        out.write('#include <stdio.h>\n#include "hocdec.h"\nextern "C" {\n')
        out.writelines(f'extern void _{n}_reg(void);\n' for n in names)
        out.write('void modl_reg() {\n')
        out.writelines(f'  _{n}_reg();\n' for n in names)
        out.write('}\n}\n')
    objects = ' '.join(f'./{n}.o' for n in names)
    subprocess.run(['make', '-s', '-f', '/usr/lib/nrn/nrnmech_makefile', 'ROOT=/usr', 'libdir=/usr/lib/nrn',
                    f'MODOBJFILES={objects}', 'mech_lib_shared'], cwd=build, check=True,
                   stdout=subprocess.DEVNULL)
    library = os.path.join(build, '.libs', 'libnrnmech.so')
    h.nrn_load_dll(library)
    return library
