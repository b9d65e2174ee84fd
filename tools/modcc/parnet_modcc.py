"""parnet-modcc: compiles a folder of NMODL .mod files into a parnet mechanism catalogue.

    parnet-modcc DIR -o NAME.so        a shared library the engine loads ("catalogues": ["NAME.so"])
    parnet-modcc DIR --cpp OUT.cpp     only the C++ source (the build's default catalogue)

See docs/mechanisms.md for what NMODL is supported. A .mod file outside that set is refused with
file.mod:LINE: <construct> is not supported (supported: ...), exit status 1."""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cpp_codegen import translate  # noqa: E402
from nmodl_model import Mechanism, Refusal  # noqa: E402

# Filled in by CMake when it installs the wrapper into the build's bin/ (parnet_modcc_config.py).
try:
    from parnet_modcc_config import COMPILER, FLAGS, SOURCE_DIR  # noqa: E402
except ImportError:
    COMPILER, FLAGS, SOURCE_DIR = "c++", "-O3 -march=native", os.path.abspath(
        os.path.join(os.path.dirname(__file__), "..", ".."))


def read_mechanisms(inputs):
    files = []
    for path in inputs:
        if os.path.isdir(path):
            files += sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".mod"))
        elif os.path.isfile(path) and path.endswith(".mod"):
            files.append(path)
        else:
            raise Refusal(f"{path}: expected a folder of .mod files or a .mod file")
    if not files:
        raise Refusal(f"{' '.join(inputs)}: no .mod files")
    mechanisms, names = [], {}
    for f in files:
        with open(f) as stream:
            m = Mechanism(f, stream.read())
        if m.name in names:
            raise Refusal(f"{f}:1: mechanism {m.name} is defined twice (also in {names[m.name]})")
        names[m.name] = f
        mechanisms.append(m)
    return mechanisms


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="parnet-modcc",
        description="Compile NMODL .mod files into a parnet mechanism catalogue (docs/mechanisms.md).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("inputs", nargs="+", help="folders of .mod files, or .mod files")
    parser.add_argument("-o", "--output", help="the catalogue shared library to write (NAME.so)")
    parser.add_argument("--cpp", help="write the generated C++ here instead of compiling it")
    parser.add_argument("--name", help="catalogue name (None: the output's stem)")
    parser.add_argument("--entry", default="parnet_get_catalogue", help="name of the exported entry point")
    parser.add_argument("--cxx", default=COMPILER, help="C++ compiler")
    parser.add_argument("--flags", default=FLAGS, help="compiler flags (the engine's)")
    parser.add_argument("--keep", action="store_true", help="keep the generated C++ next to the output")
    parser.add_argument("--no-cache", action="store_true",
                        help="compute what only RANGE PARAMETERs and dt determine (cnexp factors, reciprocals) "
                             "in every step instead of once per dt (the same bits, slower; for comparisons)")
    args = parser.parse_args(argv)
    if not args.output and not args.cpp:
        parser.error("give -o NAME.so or --cpp OUT.cpp")
    name = args.name or os.path.splitext(os.path.basename(args.output or args.cpp))[0]
    try:
        source = translate(read_mechanisms(args.inputs), name, args.entry, cache=not args.no_cache)
    except Refusal as e:
        print(f"parnet-modcc: {e}", file=sys.stderr)
        return 1
    if args.cpp:
        with open(args.cpp, "w") as out:
            out.write(source)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        cpp = os.path.splitext(args.output)[0] + ".cpp" if args.keep else os.path.join(tmp, name + ".cpp")
        with open(cpp, "w") as out:
            out.write(source)
        command = [args.cxx, *shlex.split(args.flags), "-std=c++20", "-fPIC", "-shared",
                   "-I", SOURCE_DIR, cpp, "-o", args.output]
        done = subprocess.run(command)
        if done.returncode != 0:
            print(f"parnet-modcc: the C++ compiler failed: {' '.join(command)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
