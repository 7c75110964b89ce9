"""`servmodel table`: panel and Bayesian results side by side, in five formats."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from servmodel.cli._common import err_console
from servmodel.errors import UsageError
from servmodel.report.options import DEFAULT_FIT

if TYPE_CHECKING:
    from servmodel.report.options import BayesStat, PanelStat

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def _panels(items: list[str]) -> list[tuple[str, list[Path]]]:
    """``TITLE=FILE,FILE,...`` -> (title, files)."""
    panels = []
    for item in items:
        title, sep, files = item.partition("=")
        paths = [Path(f.strip()) for f in files.split(",") if f.strip()]
        if not sep or not title.strip() or not paths:
            raise UsageError(
                f"--panel {item!r}: write TITLE=RESULT,RESULT,..., e.g. "
                "'Standard definition=fe.json,mundlak.json,hier_beta.json'"
            )
        panels.append((title.strip(), paths))
    return panels


def _spanners(items: list[str]) -> list[tuple[str, int, int]]:
    """``LABEL=FIRST-LAST`` or ``LABEL=COLUMN`` -> (label, first, last)."""
    out = []
    for item in items:
        label, sep, cols = item.rpartition("=")
        m = _RANGE.match(cols)
        if not sep or not label.strip() or m is None:
            raise UsageError(
                f"--spanner {item!r}: write LABEL=FIRST-LAST with column numbers "
                "counted from 1, e.g. 'Fixed effects=1-2' or 'Bayesian=3'"
            )
        first = int(m.group(1))
        out.append((label.strip(), first, int(m.group(2) or first)))
    return out


def _stars(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise UsageError(
            f"--stars {text!r}: give p-value thresholds separated by commas, "
            "largest first, e.g. 0.10,0.05,0.01"
        ) from None


def _fit(text: str) -> tuple[str, ...]:
    if text.strip().lower() == "none":
        return ()
    return tuple(k.strip() for k in text.split(",") if k.strip())


def table(
    results: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Saved results, one column each: panel JSON from `servmodel estimate`, Bayesian "
            ".nc or its .json summary from `servmodel bayes`.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="latex, markdown, html, csv or docx. Default: from the --out "
            "suffix (.tex .md .html .csv .docx), else markdown.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the table to this file (written atomically); without it "
            "the table is printed.",
            show_default=False,
        ),
    ] = None,
    panel: Annotated[
        list[str] | None,
        typer.Option(
            "--panel",
            help="A stacked panel, repeatable: 'TITLE=RESULT,RESULT,...' with one "
            "result per column in every panel (Panel A, Panel B, ... in the order given).",
            show_default=False,
        ),
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help='Term labels: TOML ("term" = "Label" lines) or CSV (columns '
            "term,label); their order is the rows' order.",
            show_default=False,
        ),
    ] = None,
    rename: Annotated[
        list[str] | None,
        typer.Option(
            "--rename",
            help="A term label, repeatable: 'TERM=Label' (overrides --labels).",
            show_default=False,
        ),
    ] = None,
    only_labelled: Annotated[
        bool, typer.Option("--only-labelled", help="Show only the labelled terms.")
    ] = False,
    keep: Annotated[
        list[str] | None,
        typer.Option(
            "--keep",
            help="Show only terms matching this regular expression (repeatable).",
            show_default=False,
        ),
    ] = None,
    drop: Annotated[
        list[str] | None,
        typer.Option(
            "--drop",
            help="Leave out terms matching this regular expression (repeatable).",
            show_default=False,
        ),
    ] = None,
    all_terms: Annotated[
        bool,
        typer.Option(
            "--all-terms",
            help="Also show Bayesian group effects (a_country[KOR], ...) and "
            "sampler internals, hidden by default.",
        ),
    ] = False,
    stat: Annotated[
        str, typer.Option("--stat", help="Below panel estimates: se, t, p or ci.")
    ] = "se",
    bayes_stat: Annotated[
        str,
        typer.Option("--bayes-stat", help="Below posterior means: ci (credible interval) or sd."),
    ] = "ci",
    level: Annotated[
        float, typer.Option("--level", help="Confidence level of panel intervals (--stat ci).")
    ] = 0.95,
    digits: Annotated[int, typer.Option("--digits", help="Decimal places.")] = 3,
    significant: Annotated[
        bool,
        typer.Option(
            "--significant",
            help="Round to --digits significant digits instead of decimal "
            "places (keeps small coefficients readable).",
        ),
    ] = False,
    stars: Annotated[
        str, typer.Option("--stars", help="Star thresholds for panel models, largest first.")
    ] = "0.10,0.05,0.01",
    no_stars: Annotated[bool, typer.Option("--no-stars", help="No significance stars.")] = False,
    fit: Annotated[
        str | None,
        typer.Option(
            "--fit",
            help="Summary rows, comma-separated, or 'none': estimator, dependent, nobs, "
            "entities, clusters, cov_type, r2_within, r2_overall, elpd_loo, p_loo, max_rhat, "
            "min_ess. Default: all that apply.",
            show_default=False,
        ),
    ] = None,
    no_fe_rows: Annotated[
        bool, typer.Option("--no-fe-rows", help="Leave out the fixed-effect indicator rows.")
    ] = False,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            help="Column title, repeatable, one per column (default: model names).",
            show_default=False,
        ),
    ] = None,
    spanner: Annotated[
        list[str] | None,
        typer.Option(
            "--spanner",
            help="Heading over columns, repeatable: 'LABEL=FIRST-LAST', counted from 1.",
            show_default=False,
        ),
    ] = None,
    title: Annotated[str, typer.Option("--title", help="Table title (caption).")] = "",
    label: Annotated[
        str,
        typer.Option(
            "--label", help="Cross-reference label, e.g. tab:main (LaTeX \\label, HTML id)."
        ),
    ] = "",
    note: Annotated[
        list[str] | None,
        typer.Option(
            "--note",
            help="A note below the table, repeatable (after the automatic notes).",
            show_default=False,
        ),
    ] = None,
    standalone: Annotated[
        bool,
        typer.Option(
            "--standalone",
            help="LaTeX: a whole document that compiles with pdflatex, not a table to \\input.",
        ),
    ] = False,
) -> None:
    """Publication table of saved results: panel and Bayesian models side by side.

    Panel columns: estimate, stars, standard error (or --stat) below.

    Bayesian columns: posterior mean, credible interval (or --bayes-stat sd) below, no stars.

    Examples:

      servmodel table results/fe_twoway.json results/mundlak.json results/hier_beta.nc

      servmodel table fe.json mundlak.json bayes.json -o table.tex --spanner "FE=1-2"

      servmodel table fe.json bayes.json --stat ci --keep tech --rename "tech_score=Tech"

      servmodel table fe.json bayes.json --labels labels.toml -f docx -o table.docx

    Stacked panels, one result per column in each (Panel A, Panel B, ...):

      servmodel table --panel "Standard=a/fe.json,a/b.json" --panel "KIBS=b/fe.json,b/b.json"

    A TOML label file, one term per line, in the order of the rows:

      "tech_score:trend" = "Technology x trend"
    """
    from servmodel.report import (
        TableBuilder,
        TableOptions,
        check_format,
        format_for,
        load_model,
        parse_label_pairs,
        read_labels,
        render,
        write,
    )

    if fmt is not None:
        fmt = check_format(fmt)
    elif out is not None:
        fmt = format_for(out)
    else:
        fmt = "markdown"
    if fmt == "docx" and out is None:
        raise UsageError("docx is a binary format; give --out TABLE.docx")
    if out is not None:
        from servmodel._fileio import check_output_file

        check_output_file(out)  # before reading the results
    if results and panel:
        raise UsageError("give results either as arguments or in --panel options, not both")
    if not results and not panel:
        raise UsageError(
            "no results given; e.g. servmodel table results/fe_twoway.json results/hier_beta.nc"
        )
    # --rename overrides the label file's entry for the same term, in the file's row order
    merged = dict(read_labels(labels) if labels is not None else ())
    merged.update(parse_label_pairs(rename or []))
    pairs = tuple(merged.items())
    options = TableOptions(
        # TableOptions checks both against their choices
        stat=cast("PanelStat", stat),
        bayes_stat=cast("BayesStat", bayes_stat),
        level=level,
        digits=digits,
        digits_mode="significant" if significant else "decimals",
        stars=() if no_stars else _stars(stars),
        labels=pairs,
        labelled_only=only_labelled,
        keep=tuple(keep or ()),
        drop=tuple(drop or ()),
        all_terms=all_terms,
        fit=_fit(fit) if fit is not None else DEFAULT_FIT,
        fe_rows=not no_fe_rows,
        titles=tuple(column) if column else None,
        spanners=tuple(_spanners(spanner or [])),
        title=title,
        label=label,
        notes=tuple(note or ()),
    )
    if results:
        builder = TableBuilder([load_model(p) for p in results], options)
    else:
        builder = TableBuilder(options=options)
        for panel_title, paths in _panels(panel or []):
            builder = builder.panel(panel_title, [load_model(p) for p in paths])
    built = builder.build()
    if out is None:
        sys.stdout.write(render(built, fmt, standalone=standalone))
        return
    path = write(built, out, fmt, standalone=standalone)
    err_console.print(f"wrote {path} ({fmt})", markup=False, highlight=False)
