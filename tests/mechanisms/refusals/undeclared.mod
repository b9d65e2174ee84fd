: expect: 7 the undeclared name gbar is not supported
NEURON { SUFFIX ud NONSPECIFIC_CURRENT i }
ASSIGNED { v i }
PARAMETER { g = 1 }
BREAKPOINT {
    : a typo: gbar for g
    i = gbar*v
}
