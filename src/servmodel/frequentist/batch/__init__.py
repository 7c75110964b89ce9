"""The batch backend: many panel specifications on one panel, on arrays.

:func:`servmodel.frequentist.fit` estimates one model through linearmodels; the engine
here (:func:`servmodel.frequentist.batch.engine.run_jobs`) estimates thousands that share
samples, designs and within transformations, with the same pre-fit stage
(:mod:`servmodel.frequentist.prefit`) and degrees-of-freedom rules
(:mod:`servmodel.frequentist.dof`), so both give the same estimates and standard errors.

* :mod:`~servmodel.frequentist.batch.engine`: caching and orchestration;
* :mod:`~servmodel.frequentist.batch.estimators`: each estimator's transformation;
* :mod:`~servmodel.frequentist.batch.within`: exact fixed-effects and first-difference
  transformations on integer codes;
* :mod:`~servmodel.frequentist.batch.linalg`: least squares for many small regressions;
* :mod:`~servmodel.frequentist.batch.covariance`: the panel covariances on arrays.
"""
