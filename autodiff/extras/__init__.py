"""The teaching extras, built on the core and the training stack: adjoints as sums edge by edge
(:mod:`.accumulation`), where a nan starts (:mod:`.explain`), naive against stable formulas
(:mod:`.stability`), an optimizer's state step by step (:mod:`.optimizer_state`), BatchNorm and
LayerNorm as traces (:mod:`.normalization`), the lecture's quiz (:mod:`.quiz`), published
training recipes (:mod:`.published`) and the graded exercises (:mod:`.exercises`)."""
