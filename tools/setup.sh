#!/usr/bin/env bash
# Installs the Debian packages parnet needs (only those missing), then configures and builds it in
# Release under build/. Sourced by tools/run_example.sh and tools/run_tests.sh.
set -euo pipefail
PARNET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PARNET_BUILD="${PARNET_BUILD:-$PARNET_ROOT/build}"

packages=(build-essential cmake openmpi-bin libopenmpi-dev libhdf5-openmpi-dev libmetis-dev
          librandom123-dev libbenchmark-dev libgtest-dev googletest nlohmann-json3-dev libcli11-dev
          python3 python3-h5py python3-numpy python3-matplotlib python3-nmodl python3-sympy
          pybind11-dev python3-dev python3-mpi4py python3-pytest  # the Python module
          neuron)  # only for its demo .mod files, test inputs of the mechanism compiler
# NEURON's Python is only for making the stored references and timing comparisons (bench/,
# tools/neuron_reference/), never a dependency of the engine.
if [[ "${PARNET_WITH_NEURON:-0}" == 1 ]]; then packages+=(python3-neuron neuron-dev); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "parnet: installing missing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# mpirun refuses to run as root unless told; CI machines run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

cmake -S "$PARNET_ROOT" -B "$PARNET_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$PARNET_BUILD" -j "$(nproc)"
