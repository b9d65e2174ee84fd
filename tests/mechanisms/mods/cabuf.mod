TITLE cabuf: calcium in a shell with a buffer, a nonlinear KINETIC scheme writing cai
: Written for parnet's tests: the calcium current enters a shell under the membrane (a flux
: into ca), calcium binds a buffer (a second-order reaction) and is extruded to a resting level;
: COMPARTMENT gives the shell volume per unit area.

NEURON {
    SUFFIX cabuf
    USEION ca READ ica, cai WRITE cai
    RANGE depth, Btot, kf, kb, taur, cainf
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
    Btot = 0.05 (mM)
    kf = 100 (/mM-ms)
    kb = 0.1 (/ms)
    taur = 20 (ms)
    cainf = 5e-5 (mM)
}

ASSIGNED {
    ica (mA/cm2)
    cai (mM)
    diam (um)
}

STATE { ca (mM) B (mM) CaB (mM) }

INITIAL {
    ca = cai
    B = Btot*kb/(kb + kf*ca)
    CaB = Btot - B
}

BREAKPOINT {
    SOLVE scheme METHOD sparse
}

KINETIC scheme {
    COMPARTMENT depth {ca B CaB}
    ~ ca << (-(10000)*ica/(2*FARADAY))
    ~ ca + B <-> CaB (kf*depth, kb*depth)
    ~ ca <-> cainf (depth/taur, depth/taur)
    cai = ca
}
