TITLE sk: an SK-like calcium-activated potassium current (parnet's built-in, for reaction-diffusion cells)
: ik = gbar z (v - ek), z' = (zinf - z)/tau, zinf = cai^4/(cai^4 + kd^4), cai the compartment's
: free calcium (written by the cell's reaction-diffusion calcium, or by any NMODL mechanism writing
: cai). ek is the channel's own (a parameter, as the model's "sk" field has it), not the k ion's, so
: an hh on the same section keeps its ek. The model's "sk" section field places it.

NEURON {
    SUFFIX sk
    USEION ca READ cai
    USEION k WRITE ik
    RANGE gbar, kd, tau, ek
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (mM) = (milli/liter)
    (S) = (siemens)
}

PARAMETER {
    gbar = 1e-3 (S/cm2)
    kd = 5e-4 (mM)
    tau = 5 (ms)
    ek = -77 (mV)
}

ASSIGNED {
    v (mV)
    cai (mM)
    ik (mA/cm2)
    zinf
}

STATE { z }

INITIAL {
    zinf = activation(cai)
    z = zinf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    ik = gbar*z*(v - ek)
}

DERIVATIVE states {
    zinf = activation(cai)
    z' = (zinf - z)/tau
}

: c^4/(c^4 + kd^4) as squares of squares
FUNCTION activation(c (mM)) {
    LOCAL c2, kd2
    c2 = c*c
    kd2 = kd*kd
    activation = c2*c2/(c2*c2 + kd2*kd2)
}
