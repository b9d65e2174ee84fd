: expect: 4 WRITE eca is not supported
NEURON {
    SUFFIX we
    USEION ca WRITE eca
}
