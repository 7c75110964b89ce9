"""servmodel: producer-service input intensity of manufacturing, measured and modelled.

The public API follows the data flow: input-output tables (:mod:`servmodel.io`) -> the
intensity panel (:mod:`servmodel.intensity`) -> models -> tables and figures.
"""

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

__all__ = [
    "DataError",
    "EstimationError",
    "IOTable",
    "IntensityPanel",
    "ResultError",
    "ServmodelError",
    "SpecError",
    "UsageError",
    "build_panel",
    "from_pymrio",
    "merge_covariates",
    "panel_from_source",
    "read_io_long",
    "read_panel",
    "read_wiod2013_year",
]
