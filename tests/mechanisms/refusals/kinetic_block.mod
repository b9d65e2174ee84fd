: expect: 6 KINETIC is not supported
NEURON { SUFFIX kb }
STATE { c o }
INITIAL { c = 1 }
: a reaction scheme that nothing solves
KINETIC scheme {
    ~ c <-> o (1, 2)
}
