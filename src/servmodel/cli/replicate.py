"""`servmodel replicate`: the whole study on the embedded data, one command."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from servmodel.cli._common import console, err_console


def replicate(
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("results"),
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="Two Bayesian models with short "
            "chains and a smaller sensitivity grid (about 3 "
            "minutes).",
        ),
    ] = False,
    # the samplers' range (nutpie's seed is an unsigned 64-bit integer), checked here
    # rather than after the panel and the panel models have run
    seed: Annotated[
        int, typer.Option("--seed", min=0, max=2**64 - 1, help="Seed of every sampler.")
    ] = 20131,
) -> None:
    """Run the whole study on the embedded WIOD 2013 data: the panel, descriptive facts,
    the claim robustness matrix, panel models, Bayesian models with comparison and
    contrasts, the sensitivity grid; writes report.md, figures, tables (LaTeX and
    Markdown) and model summaries to OUT.

    Examples:

      servmodel replicate

      servmodel replicate --quick --out /tmp/study
    """
    from servmodel._fileio import make_output_dir
    from servmodel.study.report import write_report
    from servmodel.study.run import StudySettings, run_study

    start = time.perf_counter()
    make_output_dir(out, "--out")  # the same checks as every command's outputs
    settings = StudySettings(out=out, quick=quick, seed=seed)

    def stage(name: str) -> None:
        err_console.print(
            f"[{time.perf_counter() - start:6.0f} s] {name}", markup=False, highlight=False
        )

    outputs = run_study(settings, stage)
    command = (
        "servmodel replicate"
        + (" --quick" if quick else "")
        + (f" --seed {seed}" if seed != 20131 else "")
        + (f" --out {out}" if out != Path("results") else "")
    )
    report = write_report(outputs, command)
    v = outputs.verdicts
    assert v is not None  # every study run computes the verdicts
    console.rule("Claim robustness (supported / contradicted / inconclusive cells)")
    for claim, part in v.groupby("claim"):
        counts = part["verdict"].value_counts()
        console.print(
            f"{claim}: {counts.get('supported', 0):2d} / "
            f"{counts.get('contradicted', 0):2d} / {counts.get('inconclusive', 0):2d}"
        )
    if outputs.contrast is not None:
        for c in outputs.contrast.contrasts:
            console.print(f"P(KOR below {c.comparator}, {c.year}) = {c.prob_below:.3f}")
    if outputs.sensitivity is not None:
        summary = outputs.sensitivity.summary()
        console.print(
            f"sensitivity: {int(summary['specifications'].sum()):,} specifications; "
            "share with the median's sign / significant with it:"
        )
        for r in summary.itertuples(index=False):
            console.print(
                f"  {r.target}: {r.share_same_sign:.0%} / {r.share_significant_same_sign:.0%}"
            )
    failed = [n for n, r in outputs.bayes_results.items() if not r.passed]
    if failed:
        console.print(f"convergence checks failed for: {', '.join(failed)}")
    console.print(f"report: {report}  ({time.perf_counter() - start:.0f} s)")
    sys.stdout.flush()
