: expect: 4 malformed NMODL
NEURON { SUFFIX bad }
PARAMETER {
    a = }
