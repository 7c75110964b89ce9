"""Results for the table tests: the committed fixtures, small made-up results, and readers
that turn every output format back into a grid of cell texts."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from servmodel.results import FitStats, Inference, PanelResult, SampleInfo
from servmodel.results.bayes import (
    BayesDiagnostics,
    BayesInfo,
    BayesResult,
    CheckResult,
    CredibleInterval,
    LooSummary,
)
from servmodel.spec import parse_spec

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
COMBINED = [FIXTURES / "fe_twoway.json", FIXTURES / "mundlak.json",
            FIXTURES / "hier_small.json"]


def panel_result(name: str, terms: list[str], params: list[float], ses: list[float],
                 estimator: str = "fe", effects: str | None = "entity", nobs: int = 500,
                 clusters: tuple[tuple[str, int], ...] = (("country", 40),)) -> PanelResult:
    """A panel result with the given estimates and standard errors (diagonal covariance)."""
    freq = {"estimator": estimator, "cov": "clustered", "cluster": [c for c, _ in clusters]}
    if effects is not None:
        freq["effects"] = effects
    spec = parse_spec({"name": name, "formula": "tech_score + trend",
                       "data": {"definition": "standard", "measure": "direct"},
                       "dependent": {"transform": "log", "zeros": "drop"},
                       "frequentist": freq}, source="<test>")
    fit = FitStats(estimator="Fixed effects", nobs=nobs, entities=50, periods=10,
                   clusters=clusters, r2=0.1, r2_within=0.12345, r2_between=0.2,
                   r2_overall=-0.0456, df_model=len(terms), df_resid=nobs - len(terms),
                   cov_type="clustered by country")
    sample = SampleInfo(definition="standard", measure="direct", dependent="log(direct)",
                        countries=("KOR",), industries=("c3",), years=(2000, 2001),
                        trend_origin=2000, rows_selected=nobs, dropped=(), sample_id="x")
    return PanelResult(spec, terms, np.array(params), np.diag(np.square(ses)),
                       Inference("t", 39.0), fit, sample)


def bayes_result(name: str, rows: dict[str, tuple[float, float, float, float]],
                 passed: bool = True) -> BayesResult:
    """A summary-only Bayesian result: term -> (mean, sd, low, high)."""
    summary = pd.DataFrame({
        "term": list(rows),
        "estimate": [v[0] for v in rows.values()],
        "std_error": [v[1] for v in rows.values()],
        "statistic": np.nan, "p_value": np.nan,
        "conf_low": [v[2] for v in rows.values()],
        "conf_high": [v[3] for v in rows.values()],
        "r_hat": 1.002, "ess_bulk": 1500.0, "ess_tail": 1400.0,
    })
    diagnostics = BayesDiagnostics(
        r_hat=CheckResult(1.004, "< 1.01", passed, "x"),
        ess_bulk=CheckResult(812.4, ">= 400", True, "x"))
    info = BayesInfo(definition="standard", measure="direct", n_obs=1234, family="beta",
                     zeros="hurdle", loo=LooSummary(elpd=2345.678, se=45.61, p=30.04),
                     interval=CredibleInterval("eti", 0.9))
    # the result's name is free text in these tests; its spec needs a file-safe one
    spec = parse_spec({"name": "bayes_model", "data": {"definition": "standard", "measure": "direct"},
                       "bayes": {"intercepts": ["country"]}})
    return BayesResult(name=name, spec=spec, summary=summary, diagnostics=diagnostics,
                       info=info)


# --- readers: every format back to rows of cell texts ---------------------------------
def grid_markdown(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|:"):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            # undo the Markdown escapes (\_ \* \|) to compare with the plain texts
            rows.append([re.sub(r"\\(.)", r"\1", c.strip()) for c in cells])
    return rows


def grid_latex(text: str) -> list[list[str]]:
    body = text.split("\\toprule", 1)[1].split("\\bottomrule", 1)[0]
    rows = []
    for line in body.splitlines():
        line = line.strip()
        if not line.endswith("\\\\") or line.startswith("\\multicolumn"):
            continue
        line = line[:-2]
        line = re.sub(r"\\rlap\{\$\^\{(\*+)\}\$\}", r"\1", line).replace("$-$", "-")
        rows.append([c.strip() for c in re.split(r"(?<!\\)&", line)])
    return rows


class _Cells(HTMLParser):
    def __init__(self, head: bool) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_body = False
        self._head = head

    def handle_starttag(self, tag, attrs):
        if tag == "tbody" or (tag == "thead" and self._head):
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("tbody", "thead"):
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def grid_html(text: str, head: bool = False) -> list[list[str]]:
    """Rows of the table body (and of the heading with ``head``) as cell texts."""
    parser = _Cells(head)
    parser.feed(text)
    return parser.rows


def grid_docx(path: Path) -> list[list[str]]:
    import docx

    table = docx.Document(str(path)).tables[0]
    return [[c.text for c in row.cells] for row in table.rows]


def grid_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))
