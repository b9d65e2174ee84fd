TITLE cadi: calcium accumulation with a saturating pump, a nonlinear DERIVATIVE by derivimplicit
: Written for parnet's tests: the calcium current fills a shell; a Michaelis-Menten pump removes
: it (nonlinear in cai), solved by NEURON's derivimplicit (Newton on the implicit Euler step).

NEURON {
    SUFFIX cadi
    USEION ca READ ica WRITE cai
    RANGE depth, vmax, km, cainf, taur
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
    vmax = 1e-3 (mM/ms)
    km = 1e-3 (mM)
    cainf = 5e-5 (mM)
    taur = 200 (ms)
}

ASSIGNED {
    ica (mA/cm2)
}

STATE {
    cai (mM)
}

INITIAL {
    cai = cainf
}

BREAKPOINT {
    SOLVE state METHOD derivimplicit
}

DERIVATIVE state {
    cai' = -(10000)*ica/(2*FARADAY*depth) - vmax*(cai - cainf)/(cai + km) + (cainf - cai)/taur
}
