TITLE cad: calcium accumulation in a shell under the membrane, with decay to a resting level
: Written for parnet's tests: the inward calcium current fills a shell of the given depth,
: which relaxes to cainf with time constant taur (a DERIVATIVE block writing cai).

NEURON {
    SUFFIX cad
    USEION ca READ ica WRITE cai
    RANGE depth, taur, cainf
    THREADSAFE
}

UNITS {
    (mM) = (milli/liter)
    (mA) = (milliamp)
    (um) = (micron)
    FARADAY = (faraday) (coulomb)
}

PARAMETER {
    depth = 0.1 (um)
    taur = 80 (ms)
    cainf = 1e-4 (mM)
}

ASSIGNED {
    ica (mA/cm2)
}

STATE {
    cai (mM)
}

INITIAL {
    cai = cainf
}

BREAKPOINT {
    SOLVE state METHOD cnexp
}

DERIVATIVE state {
    cai' = -(10000)*ica/(2*FARADAY*depth) + (cainf - cai)/taur
}
