: expect: 4 POINTER is not supported
NEURON {
    SUFFIX ptr
    POINTER stim
}
ASSIGNED { stim }
