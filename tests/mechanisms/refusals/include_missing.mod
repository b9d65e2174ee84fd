: expect: 4 INCLUDE "no_such_file.inc": no such file
NEURON { SUFFIX im }
STATE { m }
INCLUDE "no_such_file.inc"
INITIAL { m = 1 }
