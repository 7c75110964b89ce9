"""The batch engine: many specifications on one panel, sharing every step they can.

A sensitivity grid holds thousands of specifications that differ in one or two choices.
Fitting each through :func:`servmodel.frequentist.fit` repeats the same work thousands of
times: selecting rows, building the design matrix, removing the fixed effects. Here each
step is done once per distinct input and reused:

* rows and the dependent variable once per data selection and ``[dependent]`` section;
* the design matrix once per sample (the rows kept) and formula; the sample, the design
  and their checks are those of :func:`servmodel.frequentist.fit`
  (:mod:`servmodel.frequentist.prefit`);
* the within transformation once per sample and effects structure
  (:mod:`servmodel.frequentist.batch.within`), applied to the regressors once and to each
  dependent variable once (Frisch-Waugh-Lovell);
* the least-squares solve once per design and transformation, for all dependent variables
  together.

Covariances are linearmodels' estimators, or their formulas, on the transformed arrays
(:mod:`servmodel.frequentist.batch.covariance`), with servmodel's small-sample conventions
(:mod:`servmodel.frequentist.dof`), so estimates and standard errors equal those of
``frequentist.fit`` to rounding error.
Weighted models and the between estimator are passed to ``frequentist.fit`` unchanged.

:func:`run_jobs` is also ``servmodel.sensitivity.run_jobs``, which runs the batches of a
sensitivity grid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from servmodel._memo import remembered
from servmodel.errors import EstimationError, ServmodelError
from servmodel.frequentist.adapter import panel_index
from servmodel.frequentist.arrays import PanelArrays, panel_arrays
from servmodel.frequentist.batch.covariance import panel_covariance
from servmodel.frequentist.batch.estimators import Block, fit_columns, make_block
from servmodel.frequentist.batch.jobs import Job, Outcome, skipped
from servmodel.frequentist.batch.memory import ordinary_pages
from servmodel.frequentist.covariance import CovarianceSetup, setup_covariance
from servmodel.frequentist.design import Design, check_variables
from servmodel.frequentist.dof import effects_rescale, inference_for
from servmodel.frequentist.fit import fit as frequentist_fit
from servmodel.frequentist.prefit import (
    EstimationSample,
    check_design,
    sample_design,
    select_sample,
)
from servmodel.intensity import IntensityPanel
from servmodel.intensity.measures import MEASURES
from servmodel.spec import ModelSpec, formula_variables

FAST_ESTIMATORS = ("pooled", "fe", "re", "mundlak", "fd")


def run_jobs(jobs: list[Job], panel: IntensityPanel) -> list[Outcome]:
    """Estimate ``jobs`` on ``panel``, sharing work between them.

    Parameters
    ----------
    jobs
        Specifications with the term to report.
    panel
        The intensity panel.

    Returns
    -------
    list of Outcome
        One per job, in the order of ``jobs``; a specification that cannot be estimated
        gives an outcome with ``ok`` false and the reason.
    """
    # the matrices are small and many: BLAS threads only add synchronisation (and fight the
    # worker processes for the cores), so each run is single-threaded; the temporaries of a
    # large panel are cheaper to allocate on ordinary pages (see .memory)
    with threadpool_limits(limits=1, user_api="blas"), ordinary_pages():
        return _Engine(panel).run(jobs)


@dataclass
class _Sample:
    """The estimation sample of one ``[data]`` + ``[dependent]`` pair and its row keys."""

    base: EstimationSample
    keys: np.ndarray
    sample_key: tuple[bytes, int]
    order: np.ndarray | None
    """The rows in key order (``None``: they are in key order already)."""


class _Engine:
    """Caches of one run of jobs on one panel (one worker task)."""

    def __init__(self, panel: IntensityPanel) -> None:
        self.panel = panel
        self.arrays: PanelArrays = panel_arrays(panel)
        self.columns = list(panel.frame.columns)
        codes = self.arrays.codes
        self._n_ind = len(codes.industry.labels)
        self._y0 = int(codes.year.min())
        self._n_year = int(codes.year.max()) - self._y0 + 1
        # one integer per (country, industry, year), whatever the definition: rows of
        # different definitions with equal keys are the same observation
        self._row_key = (
            codes.country.codes * self._n_ind + codes.industry.codes
        ) * self._n_year + (codes.year - self._y0)
        self._samples: dict[tuple, _Sample | ServmodelError] = {}
        self._designs: dict[tuple, Design | ServmodelError] = {}
        self._blocks: dict[tuple, Block | ServmodelError] = {}

    # --- orchestration ------------------------------------------------------------------
    def run(self, jobs: list[Job]) -> list[Outcome]:
        out: dict[str, Outcome] = {}
        groups: dict[tuple, list[tuple[Job, _Sample]]] = defaultdict(list)
        for job in jobs:
            spec = job.spec
            opts = spec.frequentist
            if opts is None:
                out[job.key] = skipped(job.key, "not a [frequentist] specification")
                continue
            if opts.estimator not in FAST_ESTIMATORS or opts.weights != "none":
                out[job.key] = self._fallback(job)
                continue
            sample = self._sample(spec)
            if isinstance(sample, ServmodelError):
                out[job.key] = skipped(job.key, sample, spec.source)
                continue
            block_key = (*self._design_key(spec, sample), opts.estimator, opts.effects)
            groups[block_key].append((job, sample))
        for members in groups.values():
            for (job, _), outcome in zip(members, self._solve(members), strict=True):
                out[job.key] = outcome
        return [out[j.key] for j in jobs]

    def _fallback(self, job: Job) -> Outcome:
        """Specifications the engine does not transform itself: ``frequentist.fit``."""
        try:
            result = frequentist_fit(job.spec, self.panel)
        except ServmodelError as exc:
            return skipped(job.key, exc, job.spec.source)
        if job.term not in result.terms:
            return skipped(job.key, _missing_term(job.term, result.terms))
        i = result.terms.index(job.term)
        sample = self._sample(job.spec)
        sd_y = float(np.std(sample.base.y, ddof=1)) if isinstance(sample, _Sample) else np.nan
        inf = result.inference
        return Outcome(
            job.key,
            ok=True,
            estimate=float(result.params.iloc[i]),
            std_error=float(result.std_errors.iloc[i]),
            df=inf.df if inf.distribution == "t" else None,
            nobs=result.nobs,
            sd_y=sd_y,
            engine="linearmodels",
        )

    # --- shared stages ------------------------------------------------------------------
    def _sample(self, spec: ModelSpec) -> _Sample | ServmodelError:
        key = (spec.data, spec.dependent)
        try:
            return remembered(self._samples, key, lambda: self._make_sample(spec), ServmodelError)
        except ServmodelError as exc:
            return exc

    def _make_sample(self, spec: ModelSpec) -> _Sample:
        base = select_sample(self.arrays, spec.data, spec.dependent, spec.source)
        keys = self._row_key[base.positions]
        # a panel sorted by country, industry and year gives sorted keys: no sort needed
        order = None if np.all(keys[1:] > keys[:-1]) else np.argsort(keys, kind="stable")
        ordered = keys if order is None else keys[order]
        sample_key = (np.ascontiguousarray(ordered).tobytes(), base.trend_origin)
        return _Sample(base, keys, sample_key, order)

    def _design_key(self, spec: ModelSpec, sample: _Sample) -> tuple:
        """What a design depends on: the rows, the formula and, when the formula reads an
        intensity measure, the definition (the rows of two definitions are the same
        observations, with different measures)."""
        reads_measure = not formula_variables(spec.formula).isdisjoint(MEASURES)
        return (sample.sample_key, spec.data.definition if reads_measure else None, spec.formula)

    def _design(self, spec: ModelSpec, sample: _Sample, estimator: str) -> Design:
        """The (unchecked) design of ``spec`` on the sample.

        The design is built with the row keys in place of the dependent variable, so that
        it records the order of its rows; each specification's own dependent variable is
        then put in that order (:func:`_align`).
        """
        # first differences drop the intercept: the one estimator with its own design
        key = (*self._design_key(spec, sample), estimator == "fd")

        def build() -> Design:
            variables = check_variables(spec.formula, self.columns, spec.source)
            design, _ = sample_design(
                self.arrays,
                sample.base,
                spec.formula,
                variables,
                estimator,
                spec.source,
                y=sample.keys.astype(float),
            )
            # every later step reads the regressors column by column (means, group
            # sums, transformations): one copy in column order serves them all
            return replace(design, x=np.asfortranarray(design.x))

        return remembered(self._designs, key, build, ServmodelError)

    def _block(self, spec: ModelSpec, sample: _Sample) -> Block:
        opts = spec.frequentist
        assert opts is not None
        key = (*self._design_key(spec, sample), opts.estimator, opts.effects)
        return remembered(self._blocks, key, lambda: self._make_block(spec, sample), ServmodelError)

    def _make_block(self, spec: ModelSpec, sample: _Sample) -> Block:
        """Design, checks and the transformed regressors: what ``frequentist.fit`` checks
        before fitting, in the same order, with the same messages."""
        opts = spec.frequentist
        assert opts is not None
        design = self._design(spec, sample, opts.estimator)
        check_design(design, opts.estimator, opts.effects, spec.source)
        return make_block(design, opts.estimator, opts.effects, spec.source)

    # --- estimation ---------------------------------------------------------------------
    def _solve(self, members: list[tuple[Job, _Sample]]) -> list[Outcome]:
        """Estimate specifications that share a block: one solve for all their dependent
        variables, one covariance per dependent variable and covariance choice."""
        spec0 = members[0][0].spec
        try:
            block = self._block(spec0, members[0][1])
        except ServmodelError as exc:
            return [skipped(job.key, exc, job.spec.source) for job, _ in members]
        design = block.design
        # one dependent variable per distinct [dependent] + measure: all columns at once
        columns: dict[tuple, int] = {}
        ys: list[np.ndarray] = []
        rows = design.y.astype(np.int64)  # row keys in design order
        for job, sample in members:
            k = (job.spec.data, job.spec.dependent)
            if k not in columns:
                columns[k] = len(ys)
                ys.append(_align(sample, rows))
        y = np.column_stack(ys)
        est = spec0.frequentist.estimator  # type: ignore[union-attr]
        try:
            fitted = fit_columns(block, est, y)
        except (EstimationError, ValueError, np.linalg.LinAlgError) as exc:
            return [
                skipped(job.key, _estimation_message(est, exc, job.spec.source), job.spec.source)
                for job, _ in members
            ]
        sd_y = y.std(axis=0, ddof=1)
        out = []
        for job, _ in members:
            if job.term not in design.names:
                out.append(skipped(job.key, _missing_term(job.term, design.names)))
                continue
            col = columns[(job.spec.data, job.spec.dependent)]
            try:
                out.append(self._covariance(job, block, fitted, col, float(sd_y[col])))
            except (ServmodelError, ValueError, np.linalg.LinAlgError) as exc:
                out.append(
                    skipped(
                        job.key, _estimation_message(est, exc, job.spec.source), job.spec.source
                    )
                )
        return out

    def _setup(self, block: Block, spec: ModelSpec) -> tuple[tuple, CovarianceSetup]:
        """The covariance set-up of ``spec`` on the block's design and its key (shared by
        every specification with the same covariance options)."""
        opts = spec.frequentist
        assert opts is not None
        key = (opts.cov, opts.cluster, opts.kernel, opts.bandwidth, opts.small_sample)
        setups = block.extra.setdefault("setups", {})
        setup = setups.get(key)
        if setup is None:
            design = block.design
            index = panel_index(design) if len(opts.cluster) > 1 else None
            setup = setups[key] = setup_covariance(
                opts,
                design,
                index,
                spec.source,
            )
        return key, setup

    def _covariance(
        self, job: Job, block: Block, fitted: dict[str, Any], col: int, sd_y: float
    ) -> Outcome:
        spec = job.spec
        opts = spec.frequentist
        assert opts is not None
        design = block.design
        key, setup = self._setup(block, spec)
        # specifications that differ only in the term reported share the covariance
        memo = fitted.setdefault("covariances", {})
        if (col, key) not in memo:
            memo[(col, key)] = self._cov_matrix(block, fitted, col, key, setup, spec)
        cov, inference = memo[(col, key)]
        i = design.names.index(job.term)
        return Outcome(
            job.key,
            ok=True,
            estimate=float(fitted["params"][i, col]),
            std_error=float(np.sqrt(cov[i, i])),
            df=inference.df if inference.distribution == "t" else None,
            nobs=int(fitted["x"][col].shape[0]),
            sd_y=sd_y,
            engine="fwl",
        )

    def _cov_matrix(
        self,
        block: Block,
        fitted: dict[str, Any],
        col: int,
        key: tuple,
        setup: CovarianceSetup,
        spec: ModelSpec,
    ) -> tuple[np.ndarray, Any]:
        """The covariance of one dependent variable's estimates, with servmodel's
        conventions, and the reference distribution of its tests."""
        opts = spec.frequentist
        assert opts is not None
        design = block.design
        kwargs = setup.fit_kwargs
        time = design.time
        codes = list(setup.cluster_codes)
        if block.later is not None:
            time = time[block.later]
            codes = [c[block.later] for c in codes]
        y = fitted["y"][:, col]
        x = fitted["x"][col]
        params = fitted["params"][:, col]
        nobs, k = x.shape
        cov = panel_covariance(
            kwargs["cov_type"],
            x,
            y,
            params,
            debiased=kwargs["debiased"],
            clusters=(
                None if not codes else codes[0] if len(codes) == 1 else np.column_stack(codes)
            ),
            group_debias=kwargs.get("group_debias", False),
            time=time,
            kernel=kwargs.get("kernel"),
            bandwidth=kwargs.get("bandwidth"),
        )
        df_resid = nobs - k
        if opts.estimator == "fe":
            # the factor depends on the design and the clusters only: once per set-up
            rescale = block.extra.setdefault("rescale", {})
            if key not in rescale:
                rescale[key] = effects_rescale(
                    opts.effects, design, setup, opts.small_sample, nobs, k, spec.source
                )
            cov = cov * rescale[key]
            df_resid = nobs - (k + block.extra["neffects"])
        return cov, inference_for(opts, setup, design, df_resid)


def _align(sample: _Sample, rows: np.ndarray) -> np.ndarray:
    """The sample's dependent variable in the order of the design rows (``rows`` are the
    row keys of the design; a design drops rows with missing regressors, never adds)."""
    if np.array_equal(rows, sample.keys):
        return sample.base.y
    if sample.order is None:
        return sample.base.y[np.searchsorted(sample.keys, rows)]
    at = np.searchsorted(sample.keys[sample.order], rows)
    return sample.base.y[sample.order[at]]


def _missing_term(term: str, names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return (
        f"the model has no coefficient {term!r} (the category may be absent from this "
        f"sample, or the reference level); its coefficients are {shown}"
    )


def _estimation_message(estimator: str, exc: BaseException, source: str) -> str:
    if isinstance(exc, ServmodelError):
        return str(exc)
    if isinstance(exc, np.linalg.LinAlgError):
        return (
            f"the {estimator} model cannot be estimated: singular matrix ({exc}); check "
            "the formula for collinear terms"
        )
    return f"linearmodels cannot fit the {estimator} model: {' '.join(str(exc).split())}"
