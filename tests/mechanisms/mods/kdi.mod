TITLE kdi: a delayed-rectifier K current whose gate is solved by derivimplicit
: Written for parnet's tests: the HH n gate (n^4) with q10 temperature dependence, written as
: most ModelDB channels are (rates in a PROCEDURE, SOLVE ... METHOD derivimplicit).

NEURON {
    SUFFIX kdi
    USEION k READ ek WRITE ik
    RANGE gbar, g
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.036 (S/cm2)
}

ASSIGNED {
    v (mV)
    ek (mV)
    ik (mA/cm2)
    g (S/cm2)
    celsius (degC)
    ninf
    ntau (ms)
}

STATE { n }

INITIAL {
    rates(v)
    n = ninf
}

BREAKPOINT {
    SOLVE states METHOD derivimplicit
    g = gbar*n*n*n*n
    ik = g*(v - ek)
}

DERIVATIVE states {
    rates(v)
    n' = (ninf - n)/ntau
}

PROCEDURE rates(v (mV)) { LOCAL a, b, q
    q = 3^((celsius - 6.3)/10)
    if (fabs(v + 55) < 1e-6) {
        a = 0.1
    } else {
        a = 0.01*(v + 55)/(1 - exp(-(v + 55)/10))
    }
    b = 0.125*exp(-(v + 65)/80)
    ntau = 1/(q*(a + b))
    ninf = a/(a + b)
}
