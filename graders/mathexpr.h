/* Deciding whether an answer tree (mathparse.h) equals a reference tree, and
 * the numeric tolerance policy both math graders share.
 *
 * Before comparing, the answer is reduced: a trailing unit is dropped (a
 * listed unit, or one plain word after a bare number when the reference is a
 * bare number), degrees and "x =" labels are dropped, a chain keeps its last
 * side (and, after \approx, the exact side before it), an inequality becomes
 * its solution interval, \pm becomes its two values. Then:
 *   - lists, sets and \pm are compared as sets (repeats ignored); one value
 *     against several distinct ones is a hedge and fails;
 *   - tuples, intervals and matrices element by element, in order, with the
 *     same brackets (a one-row or one-column matrix equals a tuple);
 *   - equations as left minus right, equal up to a nonzero factor;
 *   - expressions by evaluation (complex arithmetic) at several points, each
 *     variable a different value;
 *   - numbers by the tolerance policy (mx_close);
 *   - words case-insensitively.
 * Pure functions on caller-owned trees; the reduction adds nodes to them. */
#ifndef MX_MATHEXPR_H
#define MX_MATHEXPR_H

#include "mathparse.h"

#define MX_SIG_DIGITS 3

typedef struct mx_opts {
	int sig_digits; /* a rounded decimal needs at least this many (default 3) */
	double rel_tol; /* accepted relative difference, 0 for none */
	double abs_tol; /* accepted absolute difference, 0 for none */
} mx_opts;

/* A number as written: its value, decimals printed (-1 for an exact form)
 * and significant digits. */
typedef struct mx_num {
	double val;
	int dec, sig;
	int percent; /* mx_number: it was written with a % sign */
} mx_num;

/* The tolerance policy: an exact reference accepts an exact answer equal to
 * it (whole numbers exactly, others to 1e-9 relative) or a decimal that is
 * its correctly rounded value to the digits printed with at least
 * sig_digits significant digits; a decimal reference with sig_digits or
 * more significant digits accepts anything that rounds to it at its own
 * precision; the options' tolerances accept what falls within them. *rule
 * (may be NULL) names what decided: "exact", "rounded", "precision",
 * "tolerance". */
int mx_close(mx_num answer, mx_num ref, const mx_opts *o, const char **rule);

/* Compares answer ta/ta->root with reference tr/tr->root. Returns 1 when
 * equal, 0 when not; *rule names the comparison that decided ("set",
 * "tuple", "equation", "interval", "value", "rounded", "text", "hedge", ...).
 * Both trees may gain nodes. */
int mx_equal(mp_tree *ta, mp_tree *tr, const mx_opts *o, const char **rule);

/* The single number a tree stands for after the same reduction (a unit,
 * label or chain dropped): 1 with *out, 0 when it holds no number, -1 when it
 * holds several distinct values (a hedge: "1 or 2", "\boxed{32, 349}"). */
int mx_number(mp_tree *t, mx_num *out);

#endif
