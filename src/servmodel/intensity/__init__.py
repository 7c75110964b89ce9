"""From input-output tables to the tidy producer-service intensity panel."""

from servmodel.intensity.classification import (
    TECH_LEVELS,
    TECH_SCORE,
    CountryInfo,
    IndustryClassification,
    read_country_info,
    read_sector_mapping,
    wiod_classification,
    wiod_country_info,
)
from servmodel.intensity.covariates import CovariateTable, merge_covariates, read_covariates
from servmodel.intensity.definitions import REGISTRY, ServiceDefinition, resolve_definitions
from servmodel.intensity.measures import MEASURES, supplier_requirements
from servmodel.intensity.panel import (
    PANEL_COLUMNS,
    IntensityPanel,
    build_panel,
    read_panel,
    stack_panels,
)
from servmodel.intensity.sources import EMBEDDED, panel_from_source

__all__ = [
    "EMBEDDED",
    "MEASURES",
    "PANEL_COLUMNS",
    "REGISTRY",
    "TECH_LEVELS",
    "TECH_SCORE",
    "CountryInfo",
    "CovariateTable",
    "IndustryClassification",
    "IntensityPanel",
    "ServiceDefinition",
    "build_panel",
    "merge_covariates",
    "panel_from_source",
    "read_country_info",
    "read_covariates",
    "read_panel",
    "read_sector_mapping",
    "resolve_definitions",
    "stack_panels",
    "supplier_requirements",
    "wiod_classification",
    "wiod_country_info",
]
