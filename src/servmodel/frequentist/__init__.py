"""Panel estimators: pooled, fixed and random effects, between, first differences,
Mundlak; the Hausman test.

One model at a time through linearmodels (:func:`fit`), or many specifications on one
panel through the batch engine (:mod:`servmodel.frequentist.batch`); both share the
pre-fit stage (:mod:`~servmodel.frequentist.prefit`) and the degrees-of-freedom rules
(:mod:`~servmodel.frequentist.dof`)."""

from servmodel.frequentist.fit import fit, fit_many
from servmodel.frequentist.hausman import hausman, hausman_from_specs

__all__ = ["fit", "fit_many", "hausman", "hausman_from_specs"]
