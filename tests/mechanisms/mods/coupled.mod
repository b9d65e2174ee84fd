TITLE coupled: two nonlinear coupled states by derivimplicit (no current)
: Written for parnet's tests: p and q feed each other through products, driven by v, so that
: derivimplicit's Newton iteration works on a 2 x 2 numerical Jacobian.

NEURON {
    SUFFIX coupled
    RANGE a, b
    THREADSAFE
}

PARAMETER {
    a = 0.5 (/ms)
    b = 0.02 (/ms-mV)
}

ASSIGNED { v (mV) }

STATE { p q }

INITIAL {
    p = 1
    q = 0
}

BREAKPOINT {
    SOLVE states METHOD derivimplicit
}

DERIVATIVE states {
    p' = -a*p*q - p + 0.1 + b*(v + 65)*(1 - p)
    q' = a*p*p - q/(1 + q*q)
}
