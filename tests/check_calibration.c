/* Calibration of the compare gate: how often it fails an unchanged
 * candidate (A/A), and how often it catches a real drop.
 *
 * Most replicates are at the statistics level: paired outcomes drawn the
 * way the simulator draws them (sim_generate: item i has a difficulty z_i,
 * a sample is right when sim_correct_u(z_i, e) < accuracy, e the sample's
 * own noise from the request seed), counted into lost and won,
 * tested and adjusted as compare.c does (pairstats_drop_test,
 * pairstats_adjust). A comparison is 10 cells of 300 items each. Runs with
 * different seeds draw e independently; a candidate run with the same seed
 * as the base shares e, and then a lowered accuracy loses exactly the items
 * between the two thresholds.
 *
 * A smaller number of real simulator runs then goes end to end through
 * `thinkbench run` and compare_runs(): ten models on one suite of 300 items
 * (ten cells), A/A candidates with other --seed values, and a candidate
 * (another seed too) against a simulator whose profile for one model is 10
 * points lower.
 *
 * Every draw is seeded: the test gives the same counts on every machine. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "pairstats.h"
#include "rc.h"
#include "sim_int.h"
#include "store.h"
#include "testutil.h"

#define CELLS 10
#define ITEMS 300
#define ALPHA 0.05

static const double cell_acc[CELLS] = {0.35, 0.45, 0.55, 0.62, 0.66, 0.70, 0.75, 0.80, 0.85, 0.90};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A standard normal (Box-Muller). */
static double normal(uint64_t *s)
{
	double u1 = ((double)(splitmix(s) >> 11) + 1) / 9007199254740993.0;
	double u2 = (double)(splitmix(s) >> 11) / 9007199254740992.0;

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* One cell: base at accuracy a, candidate at b; shared: the same seed. */
static void draw_cell(uint64_t *s, double a, double b, int shared, long *lost, long *won)
{
	*lost = *won = 0;
	for (int i = 0; i < ITEMS; i++) {
		double z = normal(s), e1 = normal(s), e2 = shared ? e1 : normal(s);
		int x = sim_correct_u(z, e1) < a, y = sim_correct_u(z, e2) < b;

		*lost += x && !y;
		*won += !x && y;
	}
}

/* Whether one comparison fails: drop is the candidate's loss in cell 0. */
static int comparison_fails(uint64_t *s, double drop, int shared, double margin, int correction)
{
	double p[CELLS], adj[CELLS];

	for (int c = 0; c < CELLS; c++) {
		long lost, won;

		draw_cell(s, cell_acc[c], cell_acc[c] - (c == 4 ? drop : 0), shared, &lost, &won);
		p[c] = pairstats_drop_test(ITEMS, lost, won, margin);
	}
	ck_assert_int_eq(pairstats_adjust(p, CELLS, correction, adj), TB_OK);
	for (int c = 0; c < CELLS; c++) {
		if (adj[c] <= ALPHA)
			return 1;
	}
	return 0;
}

/* The upper end of the two-sided 99% interval of Binomial(n, p): the
 * least k with P(X <= k) >= 0.995. */
static long binom_upper99(long n, double p)
{
	double cdf = 0;

	for (long k = 0; k <= n; k++) {
		cdf += exp(lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1) +
			   (double)k * log(p) + (double)(n - k) * log1p(-p));
		if (cdf >= 0.995)
			return k;
	}
	return n;
}

static long count_fails(uint64_t seed, int reps, double drop, int shared, double margin, int correction)
{
	long fails = 0;

	for (int r = 0; r < reps; r++)
		fails += comparison_fails(&seed, drop, shared, margin, correction);
	return fails;
}

START_TEST(aa_false_alarms)
{
	enum { REPS = 2000 };
	long holm = count_fails(1, REPS, 0, 0, 0, PAIRSTATS_HOLM);
	long none = count_fails(1, REPS, 0, 0, 0, PAIRSTATS_NONE);
	long bound = binom_upper99(REPS, ALPHA);

	printf("A/A, %d comparisons of %d cells x %d items: Holm fails %ld (%.1f%%), no correction %ld "
	       "(%.1f%%); the 99%% interval of alpha ends at %ld\n",
	       REPS, CELLS, ITEMS, holm, 100.0 * (double)holm / REPS, none, 100.0 * (double)none / REPS, bound);
	ck_assert_msg(holm <= bound, "Holm: %ld of %d A/A comparisons failed (bound %ld)", holm, REPS, bound);
	/* without the correction the family's error grows with the cells */
	ck_assert_msg(none > 2 * bound, "no correction: only %ld of %d failed", none, REPS);
}
END_TEST

START_TEST(aa_readme_ci_line)
{
	/* the README's CI line: --max-drop 2, Holm, alpha 0.05 */
	enum { REPS = 200 };
	long fails = count_fails(2, REPS, 0, 0, 0.02, PAIRSTATS_HOLM);

	printf("A/A with --max-drop 2: %ld of %d comparisons fail\n", fails, REPS);
	ck_assert_msg(fails <= binom_upper99(REPS, ALPHA), "%ld of %d failed", fails, REPS);
}
END_TEST

START_TEST(power_ten_points)
{
	enum { REPS = 500 };
	long indep = count_fails(5, REPS, 0.10, 0, 0, PAIRSTATS_HOLM);
	long indep_ci = count_fails(6, REPS, 0.10, 0, 0.02, PAIRSTATS_HOLM);
	long same = count_fails(3, REPS / 5, 0.10, 1, 0, PAIRSTATS_HOLM);

	printf("A 10-point drop in 1 of %d cells of %d items, caught: candidate with another seed %.1f%% "
	       "(with --max-drop 2: %.1f%%); with the base's seed %.1f%%\n",
	       CELLS, ITEMS, 100.0 * (double)indep / REPS, 100.0 * (double)indep_ci / REPS,
	       100.0 * (double)same / (REPS / 5));
	/* The bar: 95%. It holds because an item is hard or easy for a
	 * model (the simulator's item difficulty): with outcomes independent
	 * per sample too many items flip both ways, and the power is about 70%. */
	ck_assert_msg(indep >= 0.95 * REPS, "other seed: caught %ld of %d", indep, REPS);
	ck_assert_msg(same >= 0.95 * (REPS / 5), "same seed: caught %ld of %d", same, REPS / 5);
	/* a tolerance costs power: measured, with a floor */
	ck_assert_msg(indep_ci >= 0.80 * REPS, "other seed, --max-drop 2: caught %ld of %d", indep_ci, REPS);
}
END_TEST

/* Items asked 3 times in each run (--samples 3): compare_runs() then tests
 * per-item accuracies with the sign-flip test; the same draws, 3 noises per
 * item and run. */
static int comparison_fails_k3(uint64_t *s, double drop)
{
	enum { K = 3 };
	double p[CELLS], adj[CELLS], x[ITEMS], y[ITEMS];

	for (int c = 0; c < CELLS; c++) {
		double a = cell_acc[c], b = a - (c == 4 ? drop : 0);

		for (int i = 0; i < ITEMS; i++) {
			double z = normal(s);

			x[i] = y[i] = 0;
			for (int k = 0; k < K; k++) {
				x[i] += (sim_correct_u(z, normal(s)) < a) / (double)K;
				y[i] += (sim_correct_u(z, normal(s)) < b) / (double)K;
			}
		}
		/* a fifth of compare's sign vectors: p still resolves 1 / 4001,
		 * well below alpha / CELLS, at a fifth of the time */
		p[c] = pairstats_signflip_drop(x, y, ITEMS, 0, PAIRSTATS_SIGNFLIP_B / 5, splitmix(s));
	}
	ck_assert_int_eq(pairstats_adjust(p, CELLS, PAIRSTATS_HOLM, adj), TB_OK);
	for (int c = 0; c < CELLS; c++) {
		if (adj[c] <= ALPHA)
			return 1;
	}
	return 0;
}

START_TEST(three_samples_per_item)
{
	enum { REPS = 100 };
	uint64_t seed = 7;
	long aa = 0, caught = 0;

	for (int r = 0; r < REPS; r++)
		aa += comparison_fails_k3(&seed, 0);
	for (int r = 0; r < REPS / 2; r++)
		caught += comparison_fails_k3(&seed, 0.10);
	printf("3 samples per item: A/A fails %ld of %d comparisons (bound %ld); a 10-point drop caught %ld of %d\n",
	       aa, REPS, binom_upper99(REPS, ALPHA), caught, REPS / 2);
	ck_assert_msg(aa <= binom_upper99(REPS, ALPHA), "A/A: %ld of %d failed", aa, REPS);
	ck_assert_msg(caught >= 0.95 * (REPS / 2), "caught %ld of %d", caught, REPS / 2);
}
END_TEST

/* ---- end to end ---- */

#define E2E_REPS 3

static void write_profiles(const char *path, double drop)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs("{\"models\": {", f);
	for (int c = 0; c < CELLS; c++)
		fprintf(f, "%s\"cal/m%d\": {\"accuracy_nothink\": %.2f}", c ? ", " : "", c,
			cell_acc[c] - (c == 4 ? drop : 0));
	fputs("}}\n", f);
	fclose(f);
}

static void write_models(const char *path, int port)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs("{\"models\": [", f);
	for (int c = 0; c < CELLS; c++)
		fprintf(f, "%s{\"id\": \"cal/m%d\", \"base_url\": \"http://127.0.0.1:%d/v1\", \"dialect\": \"sim\", "
			   "\"api_key_env\": \"TB_TEST_NO_KEY\"}", c ? ", " : "", c, port);
	fputs("]}\n", f);
	fclose(f);
}

static void run_sim(const char *models, const char *suite, const char *run_id, const char *seed)
{
	char out[700], log[700];
	char *argv[] = {"thinkbench", "run", "--suite", (char *)suite, "--models", (char *)models, "--out", out,
			"--run-id", (char *)run_id, "--mode", "nothink", "--seed", (char *)seed, "-j", "16",
			"--quiet", "--no-summary", NULL};

	int rc;
	char *text;

	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run-%s.log", tu_dir, run_id);
	rc = tu_run_tb(argv, log, NULL, 300);
	text = rc ? tu_read_file(log, NULL) : NULL;
	ck_assert_msg(rc == 0, "run %s: exit %d: %.2000s", run_id, rc, text ? text : "(no log)");
	free(text);
}

/* The README's CI line, verbatim but for the folders: its exit code says
 * whether it failed (1) or not (0). */
static int readme_ci_line_fails(const char *cand)
{
	char a[700], b[700], fmt[1600], log[700];
	char *argv[] = {"thinkbench", "compare", a, b, "--max-drop", "2", "--format", fmt, NULL};
	int rc;

	snprintf(a, sizeof(a), "%s/results/base", tu_dir);
	snprintf(b, sizeof(b), "%s/results/%s", tu_dir, cand);
	snprintf(fmt, sizeof(fmt), "text,md=%s/comment.md,junit=%s/junit.xml", tu_dir, tu_dir);
	snprintf(log, sizeof(log), "%s/compare-%s.log", tu_dir, cand);
	rc = tu_run_tb(argv, log, NULL, 120);
	ck_assert_msg(rc == 0 || rc == 1, "compare %s: exit %d", cand, rc);
	return rc == 1;
}

static int e2e_fails(const char *cand, double max_drop)
{
	char path[700], err[1024];
	tb_store *a, *b;
	compare_opts o;
	compare_result *r = NULL;
	int fails;

	snprintf(path, sizeof(path), "%s/results/base/store.sqlite", tu_dir);
	ck_assert_msg(store_open(path, 1, &a, err, sizeof(err)) == TB_OK, "%s", err);
	snprintf(path, sizeof(path), "%s/results/%s/store.sqlite", tu_dir, cand);
	ck_assert_msg(store_open(path, 1, &b, err, sizeof(err)) == TB_OK, "%s", err);
	compare_opts_defaults(&o);
	o.max_drop_pp = max_drop;
	ck_assert_msg(compare_runs(a, b, &o, &r, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_uint_eq(r->n, CELLS);
	ck_assert_int_eq(r->paired, CELLS * ITEMS);
	fails = r->n_regressed > 0;
	compare_free(r);
	store_close(a);
	store_close(b);
	return fails;
}

START_TEST(simulator_end_to_end)
{
	char suite[700], same[700], low[700], models_same[700], models_low[700], extra[800], id[32], seed[16];
	int p1 = tu_free_port(), p2 = tu_free_port(), aa = 0, aa_ci = 0, caught = 0, caught_ci = 0;
	pid_t s1, s2;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(same, sizeof(same), "%s/same.json", tu_dir);
	snprintf(low, sizeof(low), "%s/low.json", tu_dir);
	snprintf(models_same, sizeof(models_same), "%s/models-same.json", tu_dir);
	snprintf(models_low, sizeof(models_low), "%s/models-low.json", tu_dir);
	tu_write_suite(suite, ITEMS, 3, 0);
	write_profiles(same, 0);
	write_profiles(low, 0.10);
	write_models(models_same, p1);
	write_models(models_low, p2);
	snprintf(extra, sizeof(extra), "--time-scale 0 --quiet --profiles '%s'", same);
	s1 = tu_start_sim(tu_dir, p1, suite, extra);
	snprintf(extra, sizeof(extra), "--time-scale 0 --quiet --profiles '%s'", low);
	s2 = tu_start_sim(tu_dir, p2, suite, extra);
	run_sim(models_same, suite, "base", "1");
	for (int k = 0; k < E2E_REPS; k++) {
		snprintf(seed, sizeof(seed), "%d", 100 + k);
		snprintf(id, sizeof(id), "aa%d", k);
		run_sim(models_same, suite, id, seed);
		aa += e2e_fails(id, 0);
		aa_ci += readme_ci_line_fails(id);
	}
	/* the candidate with the drop has a seed of its own, as a model
	 * sampled anew would; the rate is measured above, this checks the path
	 * from the runs to the verdict */
	run_sim(models_low, suite, "low", "7");
	caught = e2e_fails("low", 0);
	caught_ci = e2e_fails("low", 2);
	ck_assert_int_eq(readme_ci_line_fails("low"), caught_ci);
	tu_stop_sim(s1);
	tu_stop_sim(s2);
	printf("end to end: %d of %d A/A comparisons failed (the README's CI line: %d); the 10-point drop caught: "
	       "%s (with --max-drop 2: %s)\n",
	       aa, E2E_REPS, aa_ci, caught ? "yes" : "no", caught_ci ? "yes" : "no");
	/* P(X >= 2) for Binomial(3, 0.05) is 0.007 */
	ck_assert_msg(aa <= 1, "%d of %d A/A comparisons failed", aa, E2E_REPS);
	ck_assert_msg(aa_ci <= 1, "the README's CI line failed %d of %d A/A comparisons", aa_ci, E2E_REPS);
	ck_assert(caught);
	ck_assert(caught_ci);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("calibration");
	TCase *stats = tcase_create("statistics");
	TCase *e2e = tcase_create("simulator");

	tcase_set_timeout(stats, 600);
	tcase_add_test(stats, aa_false_alarms);
	tcase_add_test(stats, aa_readme_ci_line);
	tcase_add_test(stats, power_ten_points);
	tcase_add_test(stats, three_samples_per_item);
	suite_add_tcase(s, stats);
	tcase_add_checked_fixture(e2e, tu_dir_setup, tu_dir_teardown);
	/* its simulated runs take minutes under the sanitizers on a loaded
	 * machine (the whole test has CTest's 1,800 s) */
	tcase_set_timeout(e2e, 1200);
	tcase_add_test(e2e, simulator_end_to_end);
	suite_add_tcase(s, e2e);
	return tu_run(s);
}
