"""Result objects shared by every estimator family: ``tidy()``, fit statistics, JSON."""

from servmodel.results.hausman import HausmanResult
from servmodel.results.panel import FitStats, PanelResult, SampleInfo, VarianceComponents
from servmodel.results.provenance import package_versions
from servmodel.results.serialize import FORMAT_TAG, FORMAT_VERSION, load_result
from servmodel.results.text import hausman_summary_text, panel_summary_text
from servmodel.results.tidy import TIDY_COLUMNS, Inference, coefficient_table
from servmodel.results.wald import WaldTest, wald_test

__all__ = [
    "FORMAT_TAG",
    "FORMAT_VERSION",
    "TIDY_COLUMNS",
    "FitStats",
    "HausmanResult",
    "Inference",
    "PanelResult",
    "SampleInfo",
    "VarianceComponents",
    "WaldTest",
    "coefficient_table",
    "hausman_summary_text",
    "load_result",
    "package_versions",
    "panel_summary_text",
    "wald_test",
]
