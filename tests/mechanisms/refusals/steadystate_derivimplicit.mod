: expect: 5 SOLVE states in INITIAL other than STEADYSTATE sparse of a KINETIC block is not supported
NEURON { SUFFIX ssdi }
STATE { m }
INITIAL {
    SOLVE states STEADYSTATE derivimplicit
}
BREAKPOINT {
    SOLVE states METHOD derivimplicit
}
DERIVATIVE states { m' = 1 - m }
