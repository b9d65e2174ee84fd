TITLE kca: a calcium-activated potassium current reading cai
: Written for parnet's tests: activation n with steady state cai^2/(cai^2 + kd^2).

NEURON {
    SUFFIX kca
    USEION k READ ek WRITE ik
    USEION ca READ cai
    RANGE gbar, ik
    GLOBAL kd, tau
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (mM) = (milli/liter)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.002 (S/cm2)
    kd = 5e-4 (mM)
    tau = 10 (ms)
}

ASSIGNED {
    v (mV)
    ek (mV)
    ik (mA/cm2)
    cai (mM)
    ninf
}

STATE { n }

INITIAL {
    ninf = cai*cai/(cai*cai + kd*kd)
    n = ninf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    ik = gbar*n*(v - ek)
}

DERIVATIVE states {
    ninf = cai*cai/(cai*cai + kd*kd)
    n' = (ninf - n)/tau
}
