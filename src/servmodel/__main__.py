"""`python -m servmodel` runs the command line."""

from servmodel.cli import run

run()
