: expect: 5 SOLVE ... METHOD derivimplicit is not supported
NEURON { SUFFIX di }
STATE { m }
BREAKPOINT {
    SOLVE states METHOD derivimplicit
}
DERIVATIVE states { m' = -m }
