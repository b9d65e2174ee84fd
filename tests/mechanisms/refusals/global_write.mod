: expect: 10 assignment to the GLOBAL tau is not supported
NEURON {
    SUFFIX gw
    NONSPECIFIC_CURRENT i
    GLOBAL tau
}
PARAMETER { tau = 1 }
ASSIGNED { v i }
BREAKPOINT {
    tau = 2
    i = v/tau
}
