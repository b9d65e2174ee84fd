TITLE pas: passive leak (parnet's built-in, NEURON's pas)

NEURON {
    SUFFIX pas
    NONSPECIFIC_CURRENT i
    RANGE g, e
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    g = 0.001 (S/cm2)
    e = -70 (mV)
}

ASSIGNED {
    v (mV)
    i (mA/cm2)
}

BREAKPOINT {
    i = g*(v - e)
}
