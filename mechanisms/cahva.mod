TITLE cahva: a high-voltage-activated calcium current (parnet's built-in, for reaction-diffusion cells)
: ica = gbar m^2 (v - eca), m' = (minf - m)/tau, minf = 1/(1 + exp(-(v - vhalf)/k)). eca is the
: ca ion's: by Nernst from cai and cao wherever something writes cai (the cell's reaction-diffusion
: calcium, docs/reaction-diffusion.md). The model's "cahva" section field places it.

NEURON {
    SUFFIX cahva
    USEION ca READ eca WRITE ica
    RANGE gbar, vhalf, k, tau
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 1e-4 (S/cm2)
    vhalf = -20 (mV)
    k = 5 (mV)
    tau = 1 (ms)
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
    m' = (minf - m)/tau
}

FUNCTION boltzmann(v (mV)) {
    boltzmann = 1/(1 + exp(-(v - vhalf)/k))
}
