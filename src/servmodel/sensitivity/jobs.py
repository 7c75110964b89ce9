"""The job types of a grid run: defined beside the batch engine that consumes them
(:mod:`servmodel.frequentist.batch.jobs`) and used here by the runner, cache and result."""

from servmodel.frequentist.batch.jobs import Job, Outcome, skipped

__all__ = ["Job", "Outcome", "skipped"]
