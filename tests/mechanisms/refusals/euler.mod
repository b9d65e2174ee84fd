: expect: 5 SOLVE ... METHOD euler is not supported
NEURON { SUFFIX eu }
STATE { m }
BREAKPOINT {
    SOLVE states METHOD euler
}
DERIVATIVE states { m' = -m }
