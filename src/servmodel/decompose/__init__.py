"""Decompositions of output-weighted manufacturing aggregates.

Shift-share over time and across economies (within industries against industry mix, with
the sourcing split of ``direct``), and the structural decomposition of the Leontief
measure (``total``) by the parts of the change in input coefficients.
"""

from servmodel.decompose.api import (
    check_additivity,
    constant_weight_series,
    decompose_change,
    decompose_gap,
)
from servmodel.decompose.batch import decompose_all
from servmodel.decompose.result import TIDY_COLUMNS, Decomposition, tidy_frame
from servmodel.decompose.sda import (
    PART_LABELS,
    PARTS,
    StructuralDecomposition,
    prepare,
    structural_decomposition,
)
from servmodel.decompose.shift_share import ShiftShare, shift_share

__all__ = [
    "PARTS",
    "PART_LABELS",
    "TIDY_COLUMNS",
    "Decomposition",
    "ShiftShare",
    "StructuralDecomposition",
    "check_additivity",
    "constant_weight_series",
    "decompose_all",
    "decompose_change",
    "decompose_gap",
    "prepare",
    "shift_share",
    "structural_decomposition",
    "tidy_frame",
]
