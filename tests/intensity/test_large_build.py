"""A moderately large synthetic world table: the build reports its progress once per year
and its measures agree with a direct numpy computation; the command line shows the progress
bar on a terminal, and not with --no-progress or --quiet."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

import servmodel.cli.data as cli_data
from servmodel.cli import main
from servmodel.intensity import build_panel, wiod_classification
from servmodel.intensity.definitions import REGISTRY
from servmodel.io import IOTable

COUNTRIES, INDUSTRIES, YEARS = 12, 50, (2001, 2002)  # 600 country-industries


def synthetic_arrays(nc: int, ni: int, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Z, F, x of a dense random table whose input coefficients sum to 0.2-0.8 a column."""
    rng = np.random.default_rng(year)
    n = nc * ni
    x = rng.lognormal(5.0, 1.0, size=n)
    Z = rng.gamma(0.5, 1.0, size=(n, n)) * (rng.random((n, n)) < 0.6)
    Z *= rng.uniform(0.2, 0.8, size=n) / Z.sum(axis=0) * x
    F = (x - Z.sum(axis=1))[:, None] * rng.dirichlet(np.ones(nc), size=n)
    return Z, F, x


def make_table(year: int, nc: int = COUNTRIES, ni: int = INDUSTRIES) -> IOTable:
    Z, F, x = synthetic_arrays(nc, ni, year)
    return IOTable(Z=Z, F=F, x=x, countries=[f"K{k:02d}" for k in range(nc)],
                   industries=[f"c{k}" for k in range(1, ni + 1)], final_categories=["fd"],
                   year=year, source="synthetic")


@pytest.fixture(scope="module")
def built():
    calls: list[tuple[int, int | None]] = []
    tables = [make_table(y) for y in YEARS]
    panel = build_panel(tables, wiod_classification(), None, "all",
                        on_progress=lambda done, total: calls.append((done, total)))
    return panel, calls


def test_progress_is_reported_once_per_year(built):
    _, calls = built
    assert calls == [(1, 2), (2, 2)]


def test_progress_of_an_iterator_has_no_total():
    calls: list[tuple[int, int | None]] = []
    years: list[int] = []
    tables = (make_table(y, nc=2, ni=35) for y in YEARS)
    build_panel(tables, wiod_classification(), None, "standard", progress=years.append,
                on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, None), (2, None)]
    assert years == list(YEARS)


def test_panel_has_every_cell(built):
    panel, _ = built
    manufacturing = wiod_classification().manufacturing
    assert len(panel.frame) == COUNTRIES * len(manufacturing) * len(YEARS) * len(REGISTRY)
    assert panel.dropped.empty


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_measures_agree_with_numpy_for_random_cells(built, seed):
    panel, _ = built
    rng = np.random.default_rng(seed)
    manufacturing = wiod_classification().manufacturing
    year = int(rng.choice(YEARS))
    c = int(rng.integers(COUNTRIES))
    industry = str(rng.choice(manufacturing))
    definition = str(rng.choice(list(REGISTRY)))
    Z, _, x = synthetic_arrays(COUNTRIES, INDUSTRIES, year)
    n = COUNTRIES * INDUSTRIES
    j = c * INDUSTRIES + int(industry[1:]) - 1
    s = np.array([int(code[1:]) - 1 for code in REGISTRY[definition].codes])
    rows = (np.arange(COUNTRIES)[:, None] * INDUSTRIES + s[None, :]).ravel()
    domestic = c * INDUSTRIES + s
    direct = Z[rows, j].sum() / x[j]
    A = Z / x[None, :]
    total = np.linalg.solve(np.eye(n) - A, np.eye(n)[:, j])[rows].sum()
    row = panel.frame[(panel.frame["country"] == f"K{c:02d}")
                      & (panel.frame["industry"] == industry)
                      & (panel.frame["year"] == year)
                      & (panel.frame["definition"] == definition)]
    assert len(row) == 1
    got = row.iloc[0]
    assert got["direct"] == pytest.approx(direct, rel=1e-12)
    assert got["direct_domestic"] == pytest.approx(Z[domestic, j].sum() / x[j], rel=1e-12)
    assert got["direct_foreign"] == pytest.approx(direct - Z[domestic, j].sum() / x[j],
                                                  rel=1e-10, abs=1e-15)
    assert got["share_intermediate"] == pytest.approx(Z[rows, j].sum() / Z[:, j].sum(),
                                                      rel=1e-12)
    assert got["total"] == pytest.approx(total, rel=1e-9)
    assert got["output"] == x[j]


# ------------------------------------------------------------------ command line

@pytest.fixture(scope="module")
def small_source(tmp_path_factory):
    """A long CSV of a 2-country, 35-industry table (WIOD codes) for two years."""
    rows = []
    for year in YEARS:
        t = make_table(year, nc=2, ni=35)
        labels = [(c, i) for c in t.countries for i in t.industries]
        for a, (sc, si) in enumerate(labels):
            for b, (uc, ui) in enumerate(labels):
                if t.Z[a, b] > 0:
                    rows.append((year, sc, si, uc, ui, t.Z[a, b]))
            for k, uc in enumerate(t.countries):
                rows.append((year, sc, si, uc, "fd", t.F[a, k]))
    path = tmp_path_factory.mktemp("source") / "world.csv"
    pd.DataFrame(rows, columns=["year", "supplier_country", "supplier_industry",
                                "user_country", "user_industry", "value"]).to_csv(
        path, index=False, float_format="%.17g")
    return path


def _run_on_terminal(monkeypatch, args: list[str]) -> str:
    """Run the command with a terminal on stderr; return what was drawn there."""
    buffer = io.StringIO()
    monkeypatch.setattr(cli_data, "err_console",
                        Console(file=buffer, force_terminal=True, width=100))
    assert main(args) == 0
    return buffer.getvalue()


def test_cli_shows_progress_on_a_terminal(monkeypatch, small_source, tmp_path):
    out = tmp_path / "panel.csv"
    drawn = _run_on_terminal(monkeypatch, ["data", "build", "--source", str(small_source),
                                           "--definition", "standard", "--out", str(out)])
    assert "building panel" in drawn and "2/2" in drawn
    assert len(pd.read_csv(out)) == 2 * 14 * 2


@pytest.mark.parametrize("args", [["data", "build", "--no-progress"],
                                  ["--quiet", "data", "build"]])
def test_cli_progress_off(monkeypatch, small_source, tmp_path, args):
    out = tmp_path / "panel.csv"
    drawn = _run_on_terminal(monkeypatch, [*args, "--source", str(small_source),
                                           "--definition", "standard", "--out", str(out)])
    assert "building panel" not in drawn
    assert out.exists()
