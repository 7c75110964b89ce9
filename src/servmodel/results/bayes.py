"""The result of a Bayesian fit: posterior draws (netCDF) beside a JSON summary.

``NAME.nc`` holds the ArviZ InferenceData (posterior, sample statistics, pointwise
log-likelihood and a thinned posterior predictive, stored as compressed float32), the rows the
model saw (``constant_data``) and the spec; ``NAME.json`` holds what tables need (``tidy()``,
diagnostics, LOO, timings) under servmodel's result envelope, so a table never has to open
the draws.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import arviz as az
import numpy as np
import pandas as pd
import xarray as xr

from servmodel._fileio import atomic_path
from servmodel.errors import ResultError
from servmodel.results.bayes_info import (
    BayesDiagnostics,
    BayesInfo,
    CheckResult,
    CredibleInterval,
    LooSummary,
)
from servmodel.results.codec import codec, decode, encode
from servmodel.results.serialize import (
    FORMAT_TAG,
    FORMAT_VERSION,
    decode_float,
    encode_floats,
    register_kind,
    save_payload,
)
from servmodel.results.tidy import TIDY_COLUMNS
from servmodel.spec import ModelSpec

if TYPE_CHECKING:
    from servmodel.spec.bayes import BayesOptions

KIND = "bayes"

__all__ = [
    "BayesDiagnostics",
    "BayesInfo",
    "BayesResult",
    "CheckResult",
    "CredibleInterval",
    "LooSummary",
    "load_bayes",
]


def _summary_to_json(summary: pd.DataFrame) -> dict[str, list[Any]]:
    return summary.to_dict(orient="list")


def _summary_from_json(data: Mapping[str, Any]) -> pd.DataFrame:
    summary = pd.DataFrame(data)
    for col in summary.columns:
        if col != "term":
            summary[col] = [decode_float(v) for v in summary[col]]
    return summary


# the draws and rows live in the netCDF file, not in the JSON summary
_UNSTORED = codec(stored=False)


@dataclass(frozen=True, eq=False)
class BayesResult:
    """A fitted Bayesian model.

    Attributes
    ----------
    name
        Model name (the spec's).
    spec
        The spec that was fit (stored as its TOML tables; read back with its source
        ``<saved result>``).
    summary
        Tidy posterior summary plus ``r_hat``, ``ess_bulk``, ``ess_tail``.
    diagnostics
        Each check's value, threshold and verdict.
    info
        Sample (n_obs, n_zeros, zero handling, definition, measure, fingerprint), sampler
        settings and timings, LOO, interval kind and level, package versions.
    idata
        The draws; ``None`` for a result read from its JSON summary alone.
    rows
        The panel rows the model saw (for contrasts); ``None`` when read from JSON.
    """

    # field order is the order of the keys in the JSON summary
    name: str
    spec: ModelSpec
    summary: pd.DataFrame = field(
        metadata=codec(encode=_summary_to_json, decode=_summary_from_json)
    )
    diagnostics: BayesDiagnostics = field(default_factory=BayesDiagnostics)
    info: BayesInfo = field(default_factory=BayesInfo)
    idata: az.InferenceData | None = field(default=None, repr=False, metadata=_UNSTORED)
    rows: pd.DataFrame | None = field(default=None, repr=False, metadata=_UNSTORED)

    @property
    def family(self) -> str:
        return "bayes"

    @property
    def passed(self) -> bool:
        """True when every convergence check passed."""
        return self.diagnostics.passed

    @property
    def options(self) -> BayesOptions:
        """The spec's ``[bayes]`` section: the model, its priors and sampler settings."""
        if self.spec.bayes is None:
            raise ResultError(f"{self.name}: its spec has no [bayes] section")
        return self.spec.bayes

    def tidy(self) -> pd.DataFrame:
        """The coefficient table: term, estimate (posterior mean), std_error (posterior sd),
        statistic and p_value (empty), conf_low and conf_high (credible interval)."""
        return self.summary[list(TIDY_COLUMNS)].copy()

    # ------------------------------------------------------------------ saving
    def to_payload(self) -> dict[str, Any]:
        """The JSON summary: name, spec, summary, diagnostics, info."""
        payload: dict[str, Any] = encode(self)
        return payload

    def save(self, path: str | os.PathLike[str]) -> tuple[Path, Path]:
        """Write ``PATH`` (netCDF, ``.nc``) and the JSON summary beside it.

        Returns the two paths. Both are written to temporary files and renamed into place.
        """
        nc = Path(path)
        if nc.suffix != ".nc":
            raise ResultError(f"{nc}: a Bayesian result is saved as netCDF; use a .nc name")
        if self.idata is None:
            raise ResultError(f"{self.name}: no draws to save (read from a JSON summary)")
        js = nc.with_suffix(".json")
        idata = self.idata.copy()
        if self.rows is not None:
            # PyMC's sampler fills constant_data with the model's data container (the
            # shares, also in observed_data); the panel rows that contrasts read replace it
            if "constant_data" in idata.groups():
                del idata.constant_data
            idata.add_groups(constant_data=_rows_dataset(self.rows))
        idata.posterior.attrs["servmodel"] = json.dumps(
            {
                "format": FORMAT_TAG,
                "format_version": FORMAT_VERSION,
                "kind": KIND,
                "result": encode_floats(self.to_payload()),
            }
        )
        with atomic_path(nc) as tmp:
            _to_netcdf(idata, tmp)
        save_payload(KIND, self.to_payload(), js)
        return nc, js


def _rows_dataset(rows: pd.DataFrame) -> xr.Dataset:
    data = {}
    for col in rows.columns:
        values = rows[col]
        if col == "oecd":
            arr = values.astype("Float64").fillna(-1).to_numpy(dtype=np.int8)
        elif values.dtype.kind in "if":
            arr = values.to_numpy()
        else:
            arr = values.astype(str).to_numpy(dtype=str)
        data[col] = ("row", arr)
    return xr.Dataset(data)


def _encoding(ds: xr.Dataset) -> dict[str, dict[str, Any]]:
    enc: dict[str, dict[str, Any]] = {}
    for name, da in ds.data_vars.items():
        if da.dtype.kind in "fiub":
            enc[str(name)] = {"zlib": True, "complevel": 4, "shuffle": True}
    return enc


def _to_netcdf(idata: az.InferenceData, path: Path) -> None:
    """Write every group, float64 draws stored as float32, compressed."""
    mode = "w"
    for group in idata.groups():
        ds = getattr(idata, group)
        if group in (
            "posterior",
            "posterior_predictive",
            "log_likelihood",
            "prior",
            "prior_predictive",
        ):
            ds = ds.map(
                lambda da: da.astype(np.float32) if da.dtype == np.float64 else da, keep_attrs=True
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds.to_netcdf(path, mode=mode, group=group, engine="h5netcdf", encoding=_encoding(ds))
        mode = "a"


def load_bayes(path: str | os.PathLike[str]) -> BayesResult:
    """Read a Bayesian result with its draws from ``NAME.nc``.

    Raises
    ------
    ResultError
        The file is missing, not netCDF, or not written by servmodel.
    """
    p = Path(path)
    if not p.is_file():
        raise ResultError(f"result file {p} does not exist; check the path")
    try:
        idata = az.from_netcdf(p, engine="h5netcdf")
    except Exception as exc:  # h5py/xarray raise many types for a non-netCDF file
        raise ResultError(
            f"{p}: not a netCDF file written by servmodel bayes ({exc}); give "
            "the NAME.nc that `servmodel bayes` wrote"
        ) from exc
    if "posterior" not in idata.groups():
        raise ResultError(
            f"{p}: no posterior group; not a servmodel Bayesian result; give "
            "the NAME.nc that `servmodel bayes` wrote"
        )
    raw = idata.posterior.attrs.get("servmodel")
    try:
        doc = json.loads(raw) if raw is not None else None
    except json.JSONDecodeError:
        doc = None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_TAG or doc.get("kind") != KIND:
        raise ResultError(
            f"{p}: netCDF file without servmodel's result tag; it was not "
            "written by `servmodel bayes`"
        )
    if not isinstance(doc.get("format_version"), int) or doc["format_version"] > FORMAT_VERSION:
        raise ResultError(
            f"{p}: result format version {doc.get('format_version')!r} is newer "
            "than this servmodel reads; upgrade servmodel"
        )
    rows = None
    if "constant_data" in idata.groups():
        cd = idata.constant_data
        rows = pd.DataFrame({k: cd[k].values for k in cd.data_vars})
        if "oecd" in rows:
            rows["oecd"] = pd.array(
                [pd.NA if v < 0 else bool(v) for v in rows["oecd"]], dtype="boolean"
            )
    return _from_payload(doc["result"], idata=idata, rows=rows)


def _from_payload(
    payload: Mapping[str, Any],
    idata: az.InferenceData | None = None,
    rows: pd.DataFrame | None = None,
) -> BayesResult:
    return decode(BayesResult, payload, idata=idata, rows=rows)


register_kind(KIND, _from_payload)
