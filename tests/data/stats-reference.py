#!/usr/bin/python3
"""Writes tests/data/stats-reference.tsv: reference values for the statistics
of `thinkbench compare` and the reports (harness/stats.c, harness/pairstats.c),
computed independently of the C code with SciPy and NumPy. Run once with
Debian's python3-scipy installed (not a build or CI dependency):

    /usr/bin/python3 tests/data/stats-reference.py > tests/data/stats-reference.tsv

tests/check_stats.c and tests/check_pairstats.c read the file."""
import sys

import numpy as np
import scipy
import scipy.stats as st
from scipy.optimize import minimize_scalar
from scipy.special import comb, gammaln

Z95 = 1.959964  # stats.h's STATS_Z95: the C functions are called with it


def tango_z(n, lost, won, margin):
    b = lost + won + (lost - won - 2 * n) * margin
    q = (b + np.sqrt(b * b + 8 * n * won * margin * (1 - margin))) / (4 * n)
    var = n * (2 * q + margin - margin * margin)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (lost - won - n * margin) / np.sqrt(var)
    return np.where(var > 0, z, 0.0)


def drop_test(n, lost, won, margin):
    """Exact unconditional test: every table of n pairs enumerated, the
    supremum over the whole nuisance range on a 2001-point grid refined by
    SciPy's bounded scalar minimiser; never below McNemar's p."""
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
            lt = logc + np.where(i > 0, i * np.log(p12), 0) \
                + np.where(j > 0, j * np.log(p21) if p21 > 0 else -np.inf, 0) \
                + np.where(n - i - j > 0, (n - i - j) * np.log(rest) if rest > 0 else -np.inf, 0)
        return float(np.exp(lt).sum())

    hi = (1 - margin) / 2
    xs = np.linspace(0, hi, 2001)
    vals = [tail(x) for x in xs]
    k = int(np.argmax(vals))
    res = minimize_scalar(lambda x: -tail(x), bounds=(xs[max(k - 1, 0)], xs[min(k + 1, len(xs) - 1)]),
                          method="bounded", options={"xatol": 1e-12})
    best = max(vals[k], -res.fun)
    p0 = st.binomtest(lost, lost + won, 0.5, alternative="greater").pvalue if lost + won else 1.0
    return max(best, p0)


def holm(p):
    """Holm (1979) by its definition, step by step."""
    p = np.asarray(p, float)
    order = np.argsort(p, kind="stable")
    adj = np.empty_like(p)
    run = 0.0
    for rank, idx in enumerate(order):
        run = max(run, min(1.0, (len(p) - rank) * p[idx]))
        adj[idx] = run
    return adj


def cluster_ci(items):
    """The proportion over every sample and its cluster-robust (sandwich)
    standard error, G / (G - 1) small-sample factor, from the samples one by
    one: residuals u = y - p summed per item."""
    ys = [np.r_[np.ones(c), np.zeros(n - c)] for n, c in items]
    p = np.concatenate(ys).mean()
    meat = sum((y - p).sum() ** 2 for y in ys)
    g = len(items)
    se = np.sqrt(g / (g - 1) * meat) / sum(len(y) for y in ys)
    return p, max(0.0, p - Z95 * se), min(1.0, p + Z95 * se)


def num(v):
    return " ".join(f"{x:.17g}" for x in np.atleast_1d(v))


rows = []


def row(kind, inputs, expected, tol, source):
    rows.append(f"{kind}\t{num(inputs)}\t{num(expected)}\t{tol:g}\t{source}")


for k, n in [(8, 10), (0, 10), (10, 10), (1, 2), (45, 50), (123, 400), (3999, 4000), (1, 1000000)]:
    ci = st.binomtest(k, n).proportion_ci(0.95, "wilson")
    # SciPy's z is norm.ppf(0.975) to full precision, STATS_Z95 has 7 digits
    row("wilson", [k, n], [ci.low, ci.high], 1e-7, f"scipy.stats.binomtest({k}, {n}).proportion_ci(0.95, 'wilson')")

for lost, won in [(10, 2), (2, 10), (5, 5), (7, 1), (16, 6), (30, 12), (0, 6), (6, 0), (600, 500), (5000, 4800)]:
    p = st.binomtest(lost, lost + won, 0.5, alternative="greater").pvalue
    row("mcnemar", [lost, won], [p], 1e-9, f"scipy.stats.binomtest({lost}, {lost + won}, 0.5, alternative='greater').pvalue")

for n, lost, won, margin in [(40, 10, 2, 0.05), (100, 20, 8, 0.02), (100, 12, 10, 0.02), (200, 40, 15, 0.05),
                             (300, 45, 15, 0.02), (60, 9, 0, 0.10), (300, 30, 10, 0.02), (150, 6, 0, 0.02)]:
    row("drop", [n, lost, won, margin], [tango_z(n, lost, won, margin), drop_test(n, lost, won, margin)], 1e-6,
        f"Tango's z; exact unconditional p by enumeration, sup by a grid and scipy.optimize.minimize_scalar")

for p in [[0.01, 0.04, 0.03, 0.005], [0.2, 0.2, 0.2], [0.001, 0.5, 0.0125, 0.04, 0.011, 0.9, 0.03, 0.02, 0.6, 0.007],
          [0.03]]:
    row("holm", p, holm(p), 1e-12, "numpy: Holm (1979) step-down by its definition")
    row("bonferroni", p, np.minimum(1, len(p) * np.asarray(p)), 1e-12, "numpy: min(1, m p)")

for items in [[(3, 2), (3, 3), (3, 0), (3, 1), (3, 3)], [(1, 1), (1, 0), (1, 1), (1, 1)],
              [(5, 5), (2, 1), (4, 0), (1, 1), (3, 2), (6, 3)], [(10, 10), (10, 9)]]:
    flat = [x for nc in items for x in nc]
    row("cluster", flat, cluster_ci(items), 1e-9, "numpy: cluster-robust sandwich from the samples, G/(G-1), z 1.959964")

for d in [[0.5, -0.25, 1.0, 0.0, 0.75], [-1, -1, 0, 0, 0, 0, -1, 0], list(np.linspace(-0.3, 0.2, 30))]:
    n = len(d)
    m, se = np.mean(d), st.sem(d)
    t = st.t.ppf(0.975, n - 1)
    # stats_t975 tables t to 3 decimals: the bounds agree to 5e-4 * se
    row("paired_t", d, [m, m - t * se, m + t * se], 5e-4 * se + 1e-12,
        f"scipy.stats.t.ppf(0.975, {n - 1}) * scipy.stats.sem(d)")

for df, tol in [(1, 1e-3), (4, 1e-3), (29, 1e-3), (30, 1e-3), (31, 3.5e-3), (45, 1.5e-3), (60, 1e-3), (120, 5e-4),
                (1000, 5e-5)]:
    # to df 30 a table of 3 decimals; past it the normal quantile and the
    # first Cornish-Fisher term, 0.003 short at df 31 and closer after
    row("t975", [df], [st.t.ppf(0.975, df)], tol, f"scipy.stats.t.ppf(0.975, {df})")

for n, c, k in [(10, 3, 1), (10, 3, 5), (200, 13, 10), (20, 0, 5), (20, 18, 5), (100, 50, 100)]:
    row("pass_at_k", [n, c, k], [1 - comb(n - c, k, exact=True) / comb(n, k, exact=True)], 1e-12,
        f"1 - scipy.special.comb({n - c}, {k}, exact=True) / comb({n}, {k}, exact=True)")

v = [3.5, -1.0, 7.25, 0.0, 2.0, 11.0, 5.5, -4.0, 8.0]
for q in (0, 10, 33.3, 50, 90, 99, 100):
    row("percentile", [q] + v, [np.percentile(v, q)], 1e-12, f"numpy.percentile(v, {q}) (linear)")

# The bootstrap's point estimates do not depend on the resampling.
x = [100.0, 120.0, 90.0, 300.0, 210.0, 150.0]
y = [110.0, 118.0, 99.0, 330.0, 250.0, 150.0]
mx, my = np.mean(x), np.mean(y)
row("boot_point", [len(x)] + x + y, [mx, my, my - mx, 100 * (my / mx - 1)], 1e-9,
    "numpy.mean: mean_x, mean_y, diff, pct of pairstats_boot")

print(f"# Reference values for tests/check_stats.c and tests/check_pairstats.c, written by")
print(f"# tests/data/stats-reference.py with SciPy {scipy.__version__} and NumPy {np.__version__}"
      f" (Python {sys.version.split()[0]}).")
print("# Columns (tab-separated): kind, inputs, expected values (space-separated numbers),")
print("# absolute tolerance (relative to the value for mcnemar and drop p), where the values came from.")
print("# Inputs: wilson k n; mcnemar lost won; drop n lost won margin -> z p; holm/bonferroni p...;")
print("# cluster n1 c1 n2 c2 ... -> p lo hi; paired_t d... -> mean lo hi; t975 df; pass_at_k n c k;")
print("# percentile q v...; boot_point n x... y... -> mean_x mean_y diff pct.")
print("\n".join(rows))
