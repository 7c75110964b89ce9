"""Model specifications: TOML files in ``models/`` -> frozen, validated :class:`ModelSpec`.

A spec file has a name, a formula, the shared sections ``[data]`` and ``[dependent]``, and
one estimator-family section (``[frequentist]`` here, ``[bayes]`` for Bayesian models)::

    name = "fe_twoway"                       # default: the file name
    description = "..."
    formula = "tech_score:trend"             # right-hand side only (formulaic syntax)

    [data]
    definition = "standard"                  # kibs | producer | standard | broad | ...
    measure = "direct"                       # direct | direct_domestic | direct_foreign |
                                             # share_intermediate | total
    countries = "all"                        # or a list: ["KOR"], ["oecd_last_year", "CHN"],
                                             # ["non_oecd_last_year"] (OECD members, or
                                             # not, in the last selected year)
    exclude_countries = []
    years = "all"                            # or "1995-2011", or [2000, 2005]
    industries = "all"                       # or ["c9", "c13", "c14"]
    source = "wiod2013"                      # a stacked panel only (servmodel data
                                             # stack): the table source to use

    [dependent]
    transform = "log"                        # level | log | logit
    zeros = "drop"                           # log/logit only: drop | offset | error
    offset = 0.001                           # with zeros = "offset": log(y + c)

    [frequentist]
    estimator = "fe"                         # pooled | fe | re | between | fd | mundlak
    effects = "twoway"                       # fe only: entity | time | twoway
    cov = "clustered"                        # unadjusted | robust | clustered | driscoll_kraay
    cluster = "country"                      # one or two of entity, country, industry, year
    kernel = "bartlett"                      # driscoll_kraay: bartlett | parzen | qs
    bandwidth = 2                            # driscoll_kraay; default automatic
    weights = "none"                         # none | output (gross output)
    small_sample = true                      # Stata-style corrections and t tests

The formula may use any column of the panel (including merged covariates) and the built-in
``trend`` (years since the first year of the sample), ``korea`` (1 for KOR), ``oecd`` (1 for
members in that year) and ``tech_low`` .. ``tech_high`` dummies; ``C(tech)``,
``C(industry)``, ``C(year)`` give dummy sets, ``a:b`` interactions, ``a*b`` both, and
``log(x)``, ``center(x)``, ``I(x ** 2)`` transforms. The entity of the panel estimators is
the country x industry pair and the time unit the year.
"""

from servmodel.spec.formula import check_formula_syntax, formula_variables, parsed_formula
from servmodel.spec.model import (
    DataSelection,
    DependentSpec,
    FrequentistOptions,
    ModelSpec,
)
from servmodel.spec.parse import load_spec, parse_spec
from servmodel.spec.select import PanelCodes, Selection, select_rows

__all__ = [
    "DataSelection",
    "DependentSpec",
    "FrequentistOptions",
    "ModelSpec",
    "PanelCodes",
    "Selection",
    "check_formula_syntax",
    "formula_variables",
    "load_spec",
    "parse_spec",
    "parsed_formula",
    "select_rows",
]
