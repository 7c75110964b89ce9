"""Panel estimators through linearmodels: pooled, fixed and random effects, between, first
differences, Mundlak; the Hausman test."""

from servmodel.frequentist.fit import fit, fit_many
from servmodel.frequentist.hausman import hausman, hausman_from_specs

__all__ = ["fit", "fit_many", "hausman", "hausman_from_specs"]
