"""Input-output tables: the validated container and one reader per source."""

from servmodel.io.csv_table import read_io_long
from servmodel.io.pymrio_adapter import from_pymrio
from servmodel.io.table import IOTable
from servmodel.io.wiod2013 import (
    REST_OF_WORLD,
    WIOD_YEARS,
    embedded_data_dir,
    iter_wiod2013,
    read_wiod2013_year,
)

__all__ = [
    "IOTable",
    "REST_OF_WORLD",
    "WIOD_YEARS",
    "embedded_data_dir",
    "from_pymrio",
    "iter_wiod2013",
    "read_io_long",
    "read_wiod2013_year",
]
