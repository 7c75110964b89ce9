"""Sensitivity analysis: which conclusions survive which analytic choices.

A grid (``models/sensitivity.toml``) crosses the choices of definition, measure, estimator,
transform, sample and covariance for a few target quantities; :func:`run_grid` estimates
every specification with a fast engine that shares the work between them, and the result
gives the tidy table, the robustness summary, the variance of the estimates by dimension
and the specification curves. :mod:`servmodel.sensitivity.prior` checks the priors of a
Bayesian fit by power-scaling and by refits with wider and narrower priors.
"""

from servmodel.frequentist.batch.engine import run_jobs
from servmodel.sensitivity.curve import plot_spec_curve, write_spec_curves
from servmodel.sensitivity.expand import Point, expand_grid
from servmodel.sensitivity.grid import Grid, Target, load_grid, parse_grid
from servmodel.sensitivity.jobs import Job, Outcome
from servmodel.sensitivity.result import RunStats, SensitivityResult
from servmodel.sensitivity.runner import run_grid
from servmodel.sensitivity.summary import by_choice, decompose, summarize

__all__ = [
    "Grid",
    "Job",
    "Outcome",
    "Point",
    "RunStats",
    "SensitivityResult",
    "Target",
    "by_choice",
    "decompose",
    "expand_grid",
    "load_grid",
    "parse_grid",
    "plot_spec_curve",
    "run_grid",
    "run_jobs",
    "summarize",
    "write_spec_curves",
]
