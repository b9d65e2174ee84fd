: expect: 5 SOLVE ... METHOD sparse is not supported
NEURON { SUFFIX kin }
STATE { c o }
BREAKPOINT {
    SOLVE scheme METHOD sparse
}
: a two-state scheme
: (NEURON solves it with sparse)
KINETIC scheme {
    ~ c <-> o (1, 2)
}
