"""Compile each shipped Bayesian model as `servmodel bayes` does and print, as JSON, its
nutpie log density and gradient at fixed points and a few draws.

Run by ``test_fresh_compile.py`` in separate processes, the first with an empty PyTensor
compile cache and the second with the cache the first one filled; the outputs must agree
bit for bit. Arguments: a panel file, then the model names.
"""

from __future__ import annotations

import json
import logging
import sys
import warnings

import numpy as np


def main(panel_path: str, names: list[str]) -> None:
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore")
    import nutpie

    from servmodel.bayes.data import prepare_data
    from servmodel.bayes.model import build_model
    from servmodel.bayes.sampling import strict_numba_math
    from servmodel.intensity import read_panel
    from servmodel.spec import load_spec
    from servmodel.spec.library import models_dir
    from servmodel.spec.select import select_rows

    panel = read_panel(panel_path)
    out = {}
    for name in names:
        spec = load_spec(models_dir() / f"{name}.toml")
        rows = panel.frame.iloc[select_rows(panel.frame, spec.data, spec.source).positions]
        data = prepare_data(rows, spec.data.measure, spec.source, spec.bayes.zeros)
        model = build_model(spec.bayes, data)
        with strict_numba_math():
            compiled = nutpie.compile_pymc_model(model)
        points = np.random.default_rng(3).normal(0.0, 0.3, (3, compiled.n_dim))
        values = []
        for x in points:
            logp, grad = compiled.logp_func(x)
            values.append([float(logp).hex(), [float(g).hex() for g in np.asarray(grad)]])
        trace = nutpie.sample(compiled, draws=40, tune=40, chains=1, cores=1, seed=5,
                              progress_bar=False)
        draws = np.concatenate([np.asarray(trace.posterior[v]).ravel()
                                for v in sorted(trace.posterior.data_vars)])
        out[name] = {"logp": values, "draws": [float(d).hex() for d in draws]}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
