"""servmodel: producer-service input intensity of manufacturing, measured and modelled.

The public API follows the data flow: input-output tables (:mod:`servmodel.io`) -> the
intensity panel (:mod:`servmodel.intensity`) -> model specs (:mod:`servmodel.spec`) -> panel
estimators (:mod:`servmodel.frequentist`) and Bayesian models (:mod:`servmodel.bayes`) ->
results (:mod:`servmodel.results`).

The modelling names load on first use, so that ``import servmodel`` and the data commands
stay quick (PyMC alone takes seconds to import).
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

# ArviZ announces its coming refactor with a FutureWarning once a day, when it is imported
# (by servmodel or by PyMC). It concerns code that calls ArviZ, which servmodel's users do
# not write, and servmodel bounds the ArviZ versions it runs with. Only that message is
# silenced.
warnings.filterwarnings(
    "ignore", message=r"\s*ArviZ is undergoing a major refactor", category=FutureWarning
)

from servmodel.errors import (
    DataError,
    EstimationError,
    ResultError,
    ServmodelError,
    SpecError,
    UsageError,
)
from servmodel.intensity import (
    IntensityPanel,
    build_panel,
    merge_covariates,
    panel_from_source,
    read_panel,
)
from servmodel.io import IOTable, from_pymrio, read_io_long, read_wiod2013_year

__version__ = "0.1.0"

_LAZY = {
    "ModelSpec": "servmodel.spec",
    "load_spec": "servmodel.spec",
    "parse_spec": "servmodel.spec",
    "fit": "servmodel.frequentist",
    "hausman": "servmodel.frequentist",
    "PanelResult": "servmodel.results",
    "load_result": "servmodel.results",
    "BayesResult": "servmodel.results.bayes",
    "load_bayes": "servmodel.results.bayes",
    "fit_bayes": "servmodel.bayes",
    "compare_models": "servmodel.bayes",
    "contrast": "servmodel.bayes",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'servmodel' has no attribute {name!r}")


__all__ = [
    "BayesResult",
    "DataError",
    "EstimationError",
    "IOTable",
    "IntensityPanel",
    "ModelSpec",
    "PanelResult",
    "ResultError",
    "ServmodelError",
    "SpecError",
    "UsageError",
    "build_panel",
    "compare_models",
    "contrast",
    "fit",
    "fit_bayes",
    "from_pymrio",
    "hausman",
    "load_bayes",
    "load_result",
    "load_spec",
    "merge_covariates",
    "panel_from_source",
    "parse_spec",
    "read_io_long",
    "read_panel",
    "read_wiod2013_year",
]
