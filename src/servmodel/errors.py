"""One exception hierarchy for every stage of servmodel.

Each error carries a message written for the user: it names the file, key or row that is
wrong and says what to do. The command line prints the message on one line and exits with
the error's ``exit_code`` (2 for usage errors, 1 for data and model errors).
"""

from __future__ import annotations


class ServmodelError(Exception):
    """Base class of every error servmodel raises on purpose."""

    exit_code: int = 1


class UsageError(ServmodelError):
    """A command-line or API call that cannot be carried out as written."""

    exit_code = 2


class DataError(ServmodelError):
    """Input data that is missing, malformed or inconsistent."""


class SpecError(ServmodelError):
    """A model or grid specification that is invalid."""


class EstimationError(ServmodelError):
    """A model that cannot be estimated on the data it was given."""


class ResultError(ServmodelError):
    """A saved result that cannot be read or does not belong to servmodel."""
