#!/usr/bin/python3
"""Reference values for tests/check_pairstats.c and tests/check_stats.c,
computed independently of the C code: SciPy's exact binomial test for McNemar's one-sided test, and a
brute-force exact unconditional test (every table of n pairs enumerated,
the supremum over the whole nuisance range on a fine grid, then refined by
SciPy's bounded scalar minimiser) for the drop test with a tolerance;
SciPy's Wilson interval and t quantiles and NumPy's percentile for stats.c.
Run once with python3-scipy installed: python3 pairstats-reference.py"""
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import gammaln
from scipy.stats import binomtest


def tango_z(n, lost, won, margin):
    b = lost + won + (lost - won - 2 * n) * margin
    q = (b + np.sqrt(b * b + 8 * n * won * margin * (1 - margin))) / (4 * n)
    var = n * (2 * q + margin - margin * margin)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (lost - won - n * margin) / np.sqrt(var)
    return np.where(var > 0, z, 0.0)


def drop_test(n, lost, won, margin):
    i, j = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    ok = i + j <= n
    i, j = i[ok].astype(float), j[ok].astype(float)
    region = tango_z(n, i, j, margin) >= tango_z(n, lost, won, margin) - 1e-9
    i, j = i[region], j[region]
    logc = gammaln(n + 1) - gammaln(i + 1) - gammaln(j + 1) - gammaln(n - i - j + 1)

    def tail(x):
        p12, p21 = x + margin, x
        rest = max(1 - p12 - p21, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            lt = logc + np.where(i > 0, i * np.log(p12), 0) + np.where(j > 0, j * np.log(p21) if p21 > 0 else -np.inf, 0) \
                + np.where(n - i - j > 0, (n - i - j) * np.log(rest) if rest > 0 else -np.inf, 0)
        return float(np.exp(lt).sum())

    hi = (1 - margin) / 2
    xs = np.linspace(0, hi, 2001)
    vals = [tail(x) for x in xs]
    k = int(np.argmax(vals))
    res = minimize_scalar(lambda x: -tail(x), bounds=(xs[max(k - 1, 0)], xs[min(k + 1, len(xs) - 1)]),
                          method="bounded", options={"xatol": 1e-12})
    best = max(vals[k], -res.fun)
    p0 = binomtest(lost, lost + won, 0.5, alternative="greater").pvalue if lost + won else 1.0
    return max(best, p0)


print("McNemar one-sided, P(X >= lost | Binomial(lost + won, 1/2)):")
for lost, won in [(10, 2), (2, 10), (7, 1), (16, 6), (30, 12), (0, 6), (6, 0)]:
    print(f"  lost {lost} won {won}: {binomtest(lost, lost + won, 0.5, alternative='greater').pvalue:.12g}")
print("Drop test, exact unconditional, Tango's Z (sup over the whole nuisance range):")
for n, lost, won, margin in [(40, 10, 2, 0.05), (100, 20, 8, 0.02), (100, 12, 10, 0.02),
                             (200, 40, 15, 0.05), (300, 45, 15, 0.02), (60, 9, 0, 0.10)]:
    print(f"  n {n} lost {lost} won {won} margin {margin}: z {float(tango_z(n, lost, won, margin)):.10g}"
          f" p {drop_test(n, lost, won, margin):.10g}")

# For tests/check_stats.c: stats.c's Wilson interval, Student's t quantile and percentile.
import scipy.stats as st
print("Wilson 95% intervals, binomtest(k, n).proportion_ci(0.95, 'wilson'):")
for k, n in [(8, 10), (0, 10), (1, 2), (45, 50), (123, 400), (3999, 4000)]:
    ci = st.binomtest(k, n).proportion_ci(0.95, "wilson")
    print(f"  {k}/{n}: {ci.low:.12g} {ci.high:.12g}")
print("t.ppf(0.975, df):")
for df in [1, 4, 29, 30, 31, 45, 60, 120, 1000]:
    print(f"  {df}: {st.t.ppf(0.975, df):.10g}")
v = [3.5, -1.0, 7.25, 0.0, 2.0, 11.0, 5.5, -4.0, 8.0]
print("numpy.percentile(v, q) of", v, ":", [float(np.percentile(v, q)) for q in (0, 10, 33.3, 50, 90, 99, 100)])
