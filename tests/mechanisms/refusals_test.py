"""parnet-modcc refuses every .mod file in tests/mechanisms/refusals with exit status 1 and the
message its first line expects: ': expect: LINE TEXT' means stderr says 'FILE:LINE: TEXT'.

    python3 refusals_test.py PARNET_MODCC REFUSALS_DIR"""
import os
import subprocess
import sys
import tempfile


def main(modcc, folder):
    failures, count = [], 0
    for name in sorted(f for f in os.listdir(folder) if f.endswith('.mod')):
        path = os.path.join(folder, name)
        with open(path) as f:
            first = f.readline()
        assert first.startswith(': expect: '), f'{name}: first line must be ": expect: LINE TEXT"'
        line, text = first[len(': expect: '):].strip().split(' ', 1)
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run([modcc, path, '--cpp', os.path.join(tmp, 'out.cpp')],
                                  capture_output=True, text=True)
        expected = f'{path}:{line}: {text}'
        count += 1
        if done.returncode != 1 or expected not in done.stderr:
            failures.append(f'{name}: exit {done.returncode}, stderr {done.stderr.strip()!r}; expected {expected!r}')
        else:
            print(f'ok {name}: {done.stderr.strip()[:150]}')
    for f in failures:
        print('FAIL ' + f)
    print(f'{count - len(failures)} of {count} refusals as expected')
    return 1 if failures or count < 10 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
