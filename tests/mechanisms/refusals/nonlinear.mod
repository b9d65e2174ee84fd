: expect: 8 METHOD cnexp for the non-linear equation m' = m*m is not supported
NEURON { SUFFIX nl }
STATE { m }
BREAKPOINT {
    SOLVE states METHOD cnexp
}
DERIVATIVE states {
    m' = m*m
}
