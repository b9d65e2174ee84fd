: expect: 8 the reaction ~ ... -> is not supported
NEURON { SUFFIX irr }
STATE { c o }
BREAKPOINT {
    SOLVE scheme METHOD sparse
}
KINETIC scheme {
    ~ c -> (2)
}
