TITLE kna: a Markov sodium channel (three closed, open, inactivated) in a KINETIC block
: Written for parnet's tests: voltage-dependent rates from FUNCTIONs, CONSERVE, solved by
: NEURON's sparse method; the initial state by STEADYSTATE sparse; vtrap from an INCLUDE.

NEURON {
    SUFFIX kna
    USEION na READ ena WRITE ina
    RANGE gbar, g
    GLOBAL q10
    THREADSAFE
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.12 (S/cm2)
    q10 = 3
}

ASSIGNED {
    v (mV)
    ena (mV)
    ina (mA/cm2)
    g (S/cm2)
    celsius (degC)
    a (/ms)
    b (/ms)
    ai (/ms)
    bi (/ms)
}

STATE { C1 C2 C3 O I }

INITIAL {
    SOLVE scheme STEADYSTATE sparse
}

BREAKPOINT {
    SOLVE scheme METHOD sparse
    g = gbar*O
    ina = g*(v - ena)
}

KINETIC scheme {
    rates(v)
    ~ C1 <-> C2 (3*a, b)
    ~ C2 <-> C3 (2*a, 2*b)
    ~ C3 <-> O (a, 3*b)
    ~ O <-> I (bi, ai)
    ~ C3 <-> I (bi/10, ai/10)
    CONSERVE C1 + C2 + C3 + O + I = 1
}

INCLUDE "vtrap.inc"

PROCEDURE rates(v (mV)) { LOCAL q
    q = q10^((celsius - 6.3)/10)
    a = q*0.1*vtrap(-(v + 40), 10)
    b = q*4*exp(-(v + 65)/18)
    ai = q*0.07*exp(-(v + 65)/20)
    bi = q*1/(exp(-(v + 35)/10) + 1)
}
