: expect: 4 array STATE c is not supported
NEURON { SUFFIX arr }
STATE {
    c[4]
}
