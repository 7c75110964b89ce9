"""Input-output tables: the validated container and one reader per source."""

from servmodel.io.adb import iter_adb, read_adb_file
from servmodel.io.csv_table import read_io_long
from servmodel.io.icio import iter_icio, read_icio_file
from servmodel.io.pymrio_adapter import from_pymrio
from servmodel.io.sources import Release, open_release
from servmodel.io.table import IOTable
from servmodel.io.wiod2013 import (
    REST_OF_WORLD,
    WIOD_YEARS,
    embedded_data_dir,
    iter_wiod2013,
    read_wiod2013_year,
)
from servmodel.io.wiod2016 import iter_wiod2016, read_wiod2016_file

__all__ = [
    "REST_OF_WORLD",
    "WIOD_YEARS",
    "IOTable",
    "Release",
    "embedded_data_dir",
    "from_pymrio",
    "iter_adb",
    "iter_icio",
    "iter_wiod2013",
    "iter_wiod2016",
    "open_release",
    "read_adb_file",
    "read_icio_file",
    "read_io_long",
    "read_wiod2013_year",
    "read_wiod2016_file",
]
