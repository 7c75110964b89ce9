"""Bayesian hierarchical models of producer-service intensity (PyMC, nutpie, ArviZ)."""

from servmodel.bayes.compare import Comparison, compare_models
from servmodel.bayes.contrasts import ContrastReport, contrast
from servmodel.bayes.fit import fit_bayes

__all__ = ["Comparison", "ContrastReport", "compare_models", "contrast", "fit_bayes"]
