"""Two-way fixed effects on a 1,000,000-row panel: the batch engine against pyfixest.

The panel is synthetic, seeded and shaped like the embedded one with more of everything:
200 countries x 125 industries x 40 years (one definition), intensities with country x
industry and year effects, a technology x trend slope and an output elasticity. The model
is ``log(direct) ~ tech_score:trend + log(output)`` with unit and year effects and standard
errors clustered by country.

* engine: :func:`servmodel.sensitivity.run_jobs` (the batch engine of
  :mod:`servmodel.frequentist.batch`) on the panel (row selection, transform, design and
  its checks, exact two-way within transformation, solve, clustered covariance).
* pyfixest: ``feols("y ~ x1 + x2 | entity + year", vcov={"CRV1": "country"})`` on a frame
  with the same variables prepared beforehand.

Both are timed after a first call (pyfixest compiles its demeaning with numba on first use;
the engine builds the panel's integer codes once per panel); the median of ``--repeat``
runs is printed with the ratio engine / pyfixest (goal: at most 1.0) and the relative
differences of the estimates and standard errors.

Run: ``python benchmarks/bench_scale.py [--repeat 3]``
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

COUNTRIES, INDUSTRIES, YEARS = 200, 125, 40


def synthetic_frame(seed: int = 20131) -> pd.DataFrame:
    """A panel frame with the columns of an intensity panel, 1,000,000 rows."""
    from servmodel.intensity import TECH_LEVELS

    rng = np.random.default_rng(seed)
    c = np.repeat(np.arange(COUNTRIES), INDUSTRIES * YEARS)
    i = np.tile(np.repeat(np.arange(INDUSTRIES), YEARS), COUNTRIES)
    t = np.tile(np.arange(YEARS), COUNTRIES * INDUSTRIES)
    tech_score = 1 + i % 4
    unit = rng.normal(-2.5, 0.6, size=COUNTRIES * INDUSTRIES)[c * INDUSTRIES + i]
    year = rng.normal(0, 0.05, size=YEARS)[t]
    log_output = rng.normal(8, 1.5, size=len(c)) + 0.01 * t
    log_y = (
        unit + year - 0.004 * tech_score * t + 0.05 * log_output + rng.normal(0, 0.2, size=len(c))
    )
    y = np.exp(log_y)
    frame = pd.DataFrame(
        {
            "country": np.char.add("C", np.char.zfill(c.astype(str), 3)),
            "industry": np.char.add("c", (i + 3).astype(str)),
            "year": 1980 + t,
            "definition": "standard",
            "direct": y,
            "direct_domestic": 0.6 * y,
            "direct_foreign": 0.4 * y,
            "share_intermediate": 1.5 * y,
            "total": 1.8 * y,
            "va_services": 0.3 * y,
            "va_services_domestic": 0.2 * y,
            "va_services_foreign": 0.1 * y,
            "output": np.exp(log_output),
            "exports": 0.3 * np.exp(log_output),
            "tech": pd.Categorical.from_codes(
                tech_score - 1, categories=list(TECH_LEVELS), ordered=True
            ),
            "tech_score": tech_score,
            "oecd": pd.array(c % 3 == 0, dtype="boolean"),
        }
    )
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import pyfixest as pf

    from servmodel.intensity import IntensityPanel
    from servmodel.sensitivity import Job, run_jobs
    from servmodel.spec import parse_spec

    frame = synthetic_frame()
    panel = IntensityPanel(frame=frame, source="synthetic")
    print(
        f"synthetic panel: {len(frame):,} rows, {COUNTRIES} countries x {INDUSTRIES} "
        f"industries x {YEARS} years"
    )
    spec = parse_spec(
        {
            "name": "scale",
            "formula": "tech_score:trend + log(output)",
            "data": {"definition": "standard", "measure": "direct"},
            "dependent": {"transform": "log", "zeros": "drop"},
            "frequentist": {
                "estimator": "fe",
                "effects": "twoway",
                "cov": "clustered",
                "cluster": "country",
            },
        }
    )
    terms = ("tech_score:trend", "log(output)")
    jobs = [Job(f"scale-{term}", spec, term) for term in terms]

    prepared = pd.DataFrame(
        {
            "y": np.log(frame["direct"].to_numpy()),
            "x1": frame["tech_score"].to_numpy() * (frame["year"].to_numpy() - 1980),
            "x2": np.log(frame["output"].to_numpy()),
            "entity": pd.factorize(frame["country"] + ":" + frame["industry"])[0],
            "year": frame["year"].to_numpy(),
            "country": pd.factorize(frame["country"])[0],
        }
    )

    def engine():
        return run_jobs(jobs, panel)

    def fixest():
        return pf.feols("y ~ x1 + x2 | entity + year", data=prepared, vcov={"CRV1": "country"})

    t0 = time.perf_counter()
    ours = engine()
    first_engine = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = fixest()
    first_fixest = time.perf_counter() - t0
    times = {"engine": [], "pyfixest": []}
    for _ in range(args.repeat):
        for name, func in (("engine", engine), ("pyfixest", fixest)):
            t0 = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"first call: engine {first_engine:.2f} s (builds the panel codes), pyfixest "
        f"{first_fixest:.2f} s (numba compilation)"
    )
    print(
        f"median of {args.repeat}: engine {med['engine']:.2f} s, pyfixest "
        f"{med['pyfixest']:.2f} s; ratio engine / pyfixest {med['engine'] / med['pyfixest']:.2f}"
        " (goal: at most 1.0)"
    )
    coef = theirs.coef()
    se = theirs.se()
    for o, name in zip(ours, ("x1", "x2"), strict=True):
        assert o.ok, o.reason
        print(
            f"{o.key[6:]}: estimate {o.estimate:.10g} (pyfixest {coef[name]:.10g}, rel. diff "
            f"{abs(o.estimate / coef[name] - 1):.1e}); SE {o.std_error:.6g} (pyfixest "
            f"{se[name]:.6g}, rel. diff {abs(o.std_error / se[name] - 1):.1e})"
        )


if __name__ == "__main__":
    main()
