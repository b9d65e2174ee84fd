TITLE cahva: a high-voltage-activated calcium current driven by eca
: Written for parnet's tests: two m gates with Boltzmann steady state, the current
: gbar m^2 (v - eca) with eca recomputed from cai and cao when a mechanism writes cai.

NEURON {
    SUFFIX cahva
    USEION ca READ eca WRITE ica
    RANGE gbar, ica
    GLOBAL vhalf, slope, mtau
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.0005 (S/cm2)
    vhalf = -20 (mV)
    slope = 5 (mV)
    mtau = 1.5 (ms)
}

ASSIGNED {
    v (mV)
    eca (mV)
    ica (mA/cm2)
    minf
}

STATE { m }

INITIAL {
    minf = boltzmann(v)
    m = minf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    ica = gbar*m*m*(v - eca)
}

DERIVATIVE states {
    minf = boltzmann(v)
    m' = (minf - m)/mtau
}

FUNCTION boltzmann(v (mV)) {
    boltzmann = 1/(1 + exp(-(v - vhalf)/slope))
}
