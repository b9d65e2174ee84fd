: expect: 10 CONSERVE of total, which is not a STATE is not supported
NEURON { SUFFIX cp }
PARAMETER { total = 1 }
STATE { c o }
BREAKPOINT {
    SOLVE scheme METHOD sparse
}
KINETIC scheme {
    ~ c <-> o (1, 2)
    CONSERVE c + o + total = 1
}
