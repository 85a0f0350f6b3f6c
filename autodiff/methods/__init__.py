"""The ways to a derivative besides the two sweeps: numerical differences (:mod:`.numeric`),
symbolic differentiation and expression swell (:mod:`.symbolic`, :mod:`.swell`), hand
derivatives checked (:mod:`.manual`), Jacobians and Hessians (:mod:`.jacobian`), the sweeps
recorded as traces (:mod:`.recorded`), sympy under a time budget (:mod:`.budget`), and all of
them side by side (:mod:`.compare`)."""
