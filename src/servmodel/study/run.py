"""The replication job: every stage in order, outputs under one directory."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from servmodel._fileio import write_table
from servmodel.intensity import IntensityPanel, panel_from_source
from servmodel.intensity.summary import summarize_panel
from servmodel.spec import ModelSpec, load_spec
from servmodel.spec.library import models_dir
from servmodel.study import figures
from servmodel.study.decomposition import korea_decompositions
from servmodel.study.descriptive import (
    ALL_SERVICES,
    ALL_SERVICES_LABEL,
    comparator_series,
    economy_vs_manufacturing,
    services_va_in_exports,
    tech_gradient,
)
from servmodel.study.evidence import MEASURES_FOR_CLAIMS, claim_verdicts, verdict_table
from servmodel.study.tables import StudyTable

if TYPE_CHECKING:
    # the Bayesian and sensitivity stages import PyMC and ArviZ only when they run
    from servmodel.bayes.claim_checks import ClaimChecks
    from servmodel.bayes.compare import Comparison
    from servmodel.bayes.contrasts import ContrastReport
    from servmodel.decompose import Decomposition
    from servmodel.results.bayes import BayesResult
    from servmodel.results.panel import PanelResult
    from servmodel.sensitivity.prior import PriorSensitivity
    from servmodel.sensitivity.result import SensitivityResult
    from servmodel.spec.bayes import SamplerSettings

log = logging.getLogger(__name__)

PANEL_MODELS = ("pooled", "fe_twoway", "re", "mundlak", "korea_trend", "korea_gap")
BAYES_MODELS = (
    "hier_beta",
    "hier_beta_linear",
    "hier_beta_notech",
    "pooled_beta",
    "hier_logitnormal",
)
QUICK_BAYES_MODELS = ("hier_beta", "pooled_beta")
SEED = 20131
# the definitions of the report's section on services value added in exports
VA_DEFINITIONS = (ALL_SERVICES_LABEL, "standard")


@dataclass(frozen=True)
class StudySettings:
    """What the job runs: ``quick`` uses two Bayesian models with short chains on the
    flagship's data, full uses all five with 4 chains x 1000 draws."""

    out: Path
    quick: bool = False
    seed: int = SEED
    models_dir: Path = field(default_factory=models_dir)

    @property
    def bayes_models(self) -> tuple[str, ...]:
        return QUICK_BAYES_MODELS if self.quick else BAYES_MODELS

    def sampler(self, spec: ModelSpec) -> SamplerSettings:
        """The sampler settings of the Bayesian ``spec`` in this run (seed, quick draws)."""
        assert spec.bayes is not None  # the shipped Bayesian specs have a [bayes] section
        s = replace(spec.bayes.sampling, seed=self.seed)
        return replace(s, chains=2, draws=250, tune=250) if self.quick else s


@dataclass
class StudyOutputs:
    """Everything the report is written from (paths relative to the output directory)."""

    settings: StudySettings
    panel: IntensityPanel | None = None
    verdicts: pd.DataFrame | None = None
    comparators: pd.DataFrame | None = None
    comparators_by_measure: dict[str, pd.DataFrame] = field(default_factory=dict)
    services_va: pd.DataFrame | None = None
    decompositions: dict[tuple[str, str], list[Decomposition]] = field(default_factory=dict)
    claim_checks: dict[str, ClaimChecks] = field(default_factory=dict)
    ranks: pd.DataFrame | None = None
    panel_results: dict[str, PanelResult] = field(default_factory=dict)
    bayes_results: dict[str, BayesResult] = field(default_factory=dict)
    comparison: Comparison | None = None
    contrast: ContrastReport | None = None
    prior_sensitivity: PriorSensitivity | None = None
    sensitivity: SensitivityResult | None = None
    study_tables: dict[str, StudyTable] = field(default_factory=dict)
    figures: dict[str, Path] = field(default_factory=dict)
    tables: dict[str, Path] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def _shipped_spec(settings: StudySettings, name: str) -> ModelSpec:
    """A spec of ``models/``, its source named relative to the repository (results that
    record where their spec came from then read the same on every machine)."""
    return load_spec(settings.models_dir / f"{name}.toml").replace(source=f"models/{name}.toml")


def _rel(out: StudyOutputs, path: Path) -> Path:
    rel = Path(path).resolve().relative_to(out.settings.out.resolve())
    out.files.append(rel)
    return rel


def run_study(
    settings: StudySettings, stage: Callable[[str], None] = lambda s: None
) -> StudyOutputs:
    """Run the replication and write its outputs under ``settings.out``.

    Parameters
    ----------
    settings
        Output directory, quick or full, seed.
    stage
        Called with the name of each stage as it starts (for a progress display).
    """
    root = settings.out
    for sub in ("figures", "tables", "models", "data", "sensitivity"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    out = StudyOutputs(settings)

    stage("building the panel")
    panel = panel_from_source()
    out.panel = panel

    stage("descriptive facts")
    comps = comparator_series(panel, "direct")
    out.comparators = comps
    out.comparators_by_measure = {
        "direct": comps,
        "va_services": comparator_series(panel, "va_services"),
    }
    for measure, frame in out.comparators_by_measure.items():
        write_table(frame, root / "data" / f"comparators_{measure}.csv")
        _rel(out, root / "data" / f"comparators_{measure}.csv")
    out.ranks = summarize_panel(panel, "direct").ranks
    write_table(out.ranks, root / "data" / "ranks_direct.csv")
    _rel(out, root / "data" / "ranks_direct.csv")
    gradient = tech_gradient(panel, "direct")
    eco = economy_vs_manufacturing(panel, "direct")
    for key, path in (
        (
            "comparators",
            figures.comparators_figure(
                comps, "direct", root / "figures" / "korea_vs_comparators.png"
            ),
        ),
        (
            "tech_gradient",
            figures.tech_gradient_figure(
                gradient, "direct", root / "figures" / "tech_gradient.png"
            ),
        ),
        (
            "economy",
            figures.economy_figure(
                eco, "direct", root / "figures" / "korea_economy_vs_manufacturing.png"
            ),
        ),
    ):
        out.figures[key] = _rel(out, path)

    stage("services value added in exports")
    # services as TiVA counts them, beside the producer-service definitions
    services = panel_from_source(definitions=",".join(ALL_SERVICES))
    shares = pd.concat(
        [
            services_va_in_exports(services).assign(definition=ALL_SERVICES_LABEL),
            services_va_in_exports(panel),
        ],
        ignore_index=True,
    )
    out.services_va = shares
    write_table(shares, root / "data" / "services_va_exports.csv")
    _rel(out, root / "data" / "services_va_exports.csv")
    out.figures["services_va"] = _rel(
        out,
        figures.services_va_figure(
            shares, VA_DEFINITIONS, root / "figures" / "services_va_in_exports.png"
        ),
    )

    stage("decomposition: industry mix and industries' own purchases")
    from servmodel.decompose import tidy_frame
    from servmodel.decompose.figure import waterfall_figure

    out.decompositions = korea_decompositions(panel, MEASURES_FOR_CLAIMS)
    every = [r for parts in out.decompositions.values() for r in parts]
    write_table(tidy_frame(every), root / "data" / "decomposition.csv")
    _rel(out, root / "data" / "decomposition.csv")
    out.figures["decomposition"] = _rel(
        out,
        waterfall_figure(
            out.decompositions[("standard", "direct")],
            root / "figures" / "decomposition_standard_direct.png",
        ),
    )

    stage("claims under every definition and measure")
    verdicts = verdict_table(claim_verdicts(panel))
    out.verdicts = verdicts
    write_table(verdicts, root / "data" / "claim_verdicts.csv")
    _rel(out, root / "data" / "claim_verdicts.csv")

    stage("panel models")
    from servmodel.frequentist import fit

    (root / "models" / "panel").mkdir(exist_ok=True)
    for name in PANEL_MODELS:
        spec = _shipped_spec(settings, name)
        result = fit(spec, panel)
        path = root / "models" / "panel" / f"{name}.json"
        result.save(path)
        out.panel_results[name] = result
        _rel(out, path)

    _bayesian_stages(out, panel, stage)
    _sensitivity_stage(out, panel, stage)

    stage("tables")
    _tables(out)
    return out


LABELS = {
    "tech_score": "Technology level (1-4)",
    "tech_score:trend": "Technology x trend",
    "tech_score:center(trend)": "Technology x trend (centred)",
    "center(trend)": "Trend (centred, per year)",
    "trend_decade": "Trend (per decade)",
    "tech_score:trend_decade": "Technology x trend (per decade)",
    "log(output)": "log gross output",
    "korea": "Korea",
    "korea:trend": "Korea x trend",
}


def _tables(out: StudyOutputs) -> None:
    """The main coefficient table in LaTeX and Markdown (and the claim matrix)."""
    from servmodel.report import TableBuilder, write

    root = out.settings.out
    panel = [
        out.panel_results[k]
        for k in ("pooled", "re", "mundlak", "fe_twoway")
        if k in out.panel_results
    ]
    bayes = list(out.bayes_results.values())[:1]
    models: list[PanelResult | BayesResult] = [*panel, *bayes]
    terms = {t for r in models for t in r.tidy()["term"]}
    # the builder refuses labels and patterns that match nothing: pass only those that do
    drops = [p for p in (r"^C\(", r"^mean\(") if any(re.match(p, t) for t in terms)]
    builder = (
        TableBuilder(models)
        .labels({k: v for k, v in LABELS.items() if k in terms})
        .drop(*drops)
        .digits(3, "significant")  # slopes per year are small: keep them readable
        .title("Producer-service input intensity of manufacturing: technology and time")
        .label("tab:main")
        .notes(
            "WIOD 2013, 40 economies, 1995-2011; standard producer-service "
            "definition, direct input coefficients. Panel models: log coefficient; "
            "Bayesian model: logit of the coefficient."
        )
    )
    if panel and bayes:
        builder = builder.spanner("Panel models", 1, len(panel)).spanner(
            "Bayesian", len(panel) + 1, len(panel) + 1
        )
    table = builder.build()
    for suffix in ("tex", "md"):
        path = root / "tables" / f"main_models.{suffix}"
        write(table, path)
        out.tables[f"main_models.{suffix}"] = _rel(out, path)
    _frame_tables(out)


def _frame_tables(out: StudyOutputs) -> None:
    """Every other table of the report, each in LaTeX and Markdown under ``tables/``."""
    from servmodel.study import tables

    made = [
        tables.claim_matrix_table(out.verdicts),
        tables.claim_evidence(out.verdicts),
        tables.comparators(out.comparators_by_measure),
        tables.korea_ranks(out.ranks),
    ]
    if out.services_va is not None:
        made.append(tables.services_va_exports(out.services_va, VA_DEFINITIONS))
    if out.decompositions:
        made.append(tables.decomposition_mix(out.decompositions))
    if out.panel_results:
        made.append(tables.panel_slopes(out.panel_results))
    if out.bayes_results:
        # the Bayesian stages set the comparison and the contrasts with the results
        assert out.comparison is not None and out.contrast is not None
        made += [
            tables.bayes_diagnostics(out.bayes_results),
            tables.flagship_terms(next(iter(out.bayes_results.values()))),
            tables.loo_comparison(out.comparison.table),
            tables.contrasts(out.contrast.table()),
        ]
    if out.prior_sensitivity is not None:
        made.append(tables.prior_sensitivity(out.prior_sensitivity))
    if out.sensitivity is not None:
        labels = {t.name: t.label for t in out.sensitivity.grid.targets}
        made += [
            tables.sensitivity_summary(out.sensitivity.summary(), labels),
            tables.sensitivity_decomposition(
                out.sensitivity.decomposition(), labels, out.sensitivity.varied
            ),
        ]
    write_study_tables(out, made)


def write_study_tables(out: StudyOutputs, made: list[StudyTable]) -> None:
    """Write each table in LaTeX and Markdown under ``tables/`` and record it in ``out``.

    Parameters
    ----------
    out
        The study's outputs; ``out.tables`` gains both files, ``out.study_tables`` the
        table, for the report.
    made
        The tables.
    """
    from servmodel.report.frame import write_frame_table

    root = out.settings.out
    (root / "tables").mkdir(parents=True, exist_ok=True)
    for t in made:
        tex, md = write_frame_table(
            t.frame,
            root / "tables" / t.name,
            caption=t.caption,
            label=f"tab:{t.name.replace('_', '-')}",
            digits=t.digits,
        )
        out.tables[tex.name], out.tables[md.name] = _rel(out, tex), _rel(out, md)
        out.study_tables[t.name] = t


def quick_grid(grid):
    """The grid of ``--quick``: the direct and total measures, the whole sample."""

    def keep(dimension: str, wanted: tuple[str, ...]) -> tuple[str, ...]:
        have = grid.dimensions[dimension]
        return tuple(c for c in wanted if c in have) or have[:1]

    dims = {
        **grid.dimensions,
        "measure": keep("measure", ("direct", "total")),
        "sample": keep("sample", ("all",)),
    }
    return replace(grid, dimensions=dims)


def _sensitivity_stage(
    out: StudyOutputs, panel: IntensityPanel, stage: Callable[[str], None]
) -> None:
    from servmodel.sensitivity import load_grid, run_grid, write_spec_curves

    stage("sensitivity grid")
    settings = out.settings
    grid = load_grid(settings.models_dir / "sensitivity.toml")
    if settings.quick:
        grid = quick_grid(grid)
    result = run_grid(grid, panel)
    out.sensitivity = result
    root = settings.out
    for path in result.write(root / "sensitivity").values():
        _rel(out, path)
    curves = write_spec_curves(
        result.table(),
        [(t.name, t.label) for t in grid.targets],
        result.varied,
        root / "figures",
        scale=grid.scale,
        level=grid.base.level,
    )
    for path in curves:
        rel = _rel(out, path)
        if path.suffix == ".png":
            out.figures[path.stem] = rel


def _bayesian_stages(
    out: StudyOutputs, panel: IntensityPanel, stage: Callable[[str], None]
) -> None:
    from servmodel.bayes import compare_models, contrast
    from servmodel.bayes.data import prepare_data
    from servmodel.bayes.fit import fit_bayes
    from servmodel.bayes.plots import ppc_plot

    settings = out.settings
    root = settings.out
    draws_dir = root / "models" / "bayes"
    draws_dir.mkdir(exist_ok=True)
    for name in settings.bayes_models:
        stage(f"Bayesian model {name}")
        spec = _shipped_spec(settings, name)
        result = fit_bayes(spec, panel, settings.sampler(spec))
        _, js = result.save(draws_dir / f"{name}.nc")
        out.bayes_results[name] = result
        _rel(out, js)
    flagship = out.bayes_results[settings.bayes_models[0]]
    out.figures["ppc"] = _rel(
        out, ppc_plot(flagship.idata, root / "figures" / "ppc_flagship.png", label=flagship.name)
    )

    stage("claim-level posterior predictive checks")
    from servmodel.bayes.claim_checks import claim_checks
    from servmodel.bayes.plots import claim_check_plot

    out.claim_checks = {name: claim_checks(r) for name, r in out.bayes_results.items()}
    write_table(
        pd.concat([c.table() for c in out.claim_checks.values()], ignore_index=True),
        root / "data" / "claim_ppc.csv",
    )
    _rel(out, root / "data" / "claim_ppc.csv")
    out.figures["claim_ppc"] = _rel(
        out,
        claim_check_plot(
            out.claim_checks[flagship.name], root / "figures" / "claim_ppc_flagship.png"
        ),
    )

    stage("model comparison")
    out.comparison = compare_models(
        {k: r.idata for k, r in out.bayes_results.items()}, seed=settings.seed
    )
    write_table(out.comparison.table, root / "data" / "loo_comparison.csv")
    _rel(out, root / "data" / "loo_comparison.csv")

    stage("posterior contrasts")
    spec = _shipped_spec(settings, flagship.name)
    assert spec.bayes is not None and flagship.rows is not None
    data = prepare_data(flagship.rows, spec.data.measure, flagship.name, spec.bayes.zeros)
    last = int(data.frame["year"].max())
    rep = contrast(flagship.idata, spec.bayes, data, "KOR", ["MEX", "CHN", "oecd"], last)
    out.contrast = rep
    write_table(rep.table(), root / "data" / "contrasts.csv")
    _rel(out, root / "data" / "contrasts.csv")
    out.figures["contrasts"] = _rel(
        out,
        figures.contrast_figure(
            rep.difference_draws, "KOR", last, root / "figures" / "posterior_contrasts.png"
        ),
    )

    # last: it adds the log prior to the flagship's draws
    stage("prior sensitivity of the flagship")
    out.prior_sensitivity = flagship_prior_sensitivity(flagship, settings.models_dir)
    write_table(out.prior_sensitivity.psens, root / "data" / "prior_sensitivity.csv")
    _rel(out, root / "data" / "prior_sensitivity.csv")


def flagship_prior_sensitivity(result: BayesResult, models_dir: Path) -> PriorSensitivity:
    """Power-scaling prior sensitivity of ``result`` without refits, as
    ``servmodel sensitivity-prior RESULT.nc --no-refit --grid models/sensitivity.toml``
    computes it (the grid's ``[prior]`` key parameters and threshold).

    Parameters
    ----------
    result
        A fit with its draws and data rows; its draws gain the group ``log_prior``.
    models_dir
        The directory of ``sensitivity.toml``.

    Returns
    -------
    PriorSensitivity
        Verdicts of the top-level parameters and the key quantities; no refits.
    """
    from servmodel.sensitivity import load_grid
    from servmodel.sensitivity.prior import prior_sensitivity

    path = Path(models_dir) / "sensitivity.toml"
    return prior_sensitivity(result, load_grid(path).prior, refit=False, source=str(path))
