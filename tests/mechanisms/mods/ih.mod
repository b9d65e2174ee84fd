TITLE ih: a hyperpolarisation-activated cation current with q10 temperature dependence
: Written for parnet's tests: one activation gate, its time constant divided by
: q10^((celsius - 33)/10).

NEURON {
    SUFFIX ih
    NONSPECIFIC_CURRENT i
    RANGE gbar, eh, i
    GLOBAL q10
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.0002 (S/cm2)
    eh = -30 (mV)
    q10 = 4.5
}

ASSIGNED {
    v (mV)
    celsius (degC)
    i (mA/cm2)
    minf
    mtau (ms)
}

STATE { m }

INITIAL {
    rates(v)
    m = minf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    i = gbar*m*(v - eh)
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m)/mtau
}

PROCEDURE rates(v (mV)) {
    LOCAL qt
    qt = q10^((celsius - 33)/10)
    minf = 1/(1 + exp((v + 82)/7))
    mtau = (40 + 100*exp(-((v + 75)/20)^2))/qt
}
