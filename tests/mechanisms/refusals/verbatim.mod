: expect: 4 VERBATIM is not supported
NEURON { SUFFIX vb }
PARAMETER { a = 1 }
VERBATIM
  static int x;
ENDVERBATIM
