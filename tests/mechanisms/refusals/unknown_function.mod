: expect: 6 the function at_time() is not supported
NEURON { SUFFIX uf NONSPECIFIC_CURRENT i }
ASSIGNED { v i }
BREAKPOINT {
    i = 0
    i = at_time(1)*v
}
