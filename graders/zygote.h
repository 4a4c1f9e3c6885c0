/* The warm sandbox: long-lived bubblewrap sandboxes per grading thread, each
 * holding a zygote (a Python interpreter with the exec driver loaded) and a
 * verdict process. Each answer runs in a process cloned from the zygote in
 * fresh namespaces; its tests run in the verdict process, which talks to it
 * over two pipes (see the zygote's source in drivers/drivers.h for what each
 * process gets). A sandbox serves one domain (a suite: whose tests may share
 * a verdict process) at one memory limit; a thread keeps up to ZY_SLOTS of
 * them. A sandbox is started on its first job and replaced when it dies,
 * after a job that hit its deadline or its output cap, when its verdict
 * process grew past ZY_VERDICT_KB, and every ZY_JOBS_MAX jobs; it ends with
 * its thread.
 *
 *	zy_job job = {.boot = boot, .nboot = 2, .answer = sol, .tests = tests, ...};
 *	if (zy_run(&job, &res, err, sizeof(err)) != TB_OK)
 *		... run it cold with sb_run() ...
 *
 * zy_run() is synchronous; threads never share a sandbox. */
#ifndef GR_ZYGOTE_H
#define GR_ZYGOTE_H

#include <stddef.h>

#include "sandbox.h"

#define ZY_JOBS_MAX 2000
#define ZY_SLOTS 4
#define ZY_VERDICT_KB (256 * 1024)

typedef struct zy_job {
	const sb_file *boot;    /* the zygote's own files: zygote.py (first), driver.py, tbwarm.so */
	size_t nboot;
	sb_file answer;         /* solution.py, written to the answer's fresh /work */
	sb_file tests;          /* read by the verdict process; never in the answer's */
	const sb_file *prompt;  /* the suite's prompt, run before the tests; or NULL */
	const char *entry;      /* the driver's entry point */
	const char *nonce;      /* the verdict process's fd 4 */
	const char *domain;     /* whose tests: jobs of one domain share a verdict
				 * process; NULL is the domain of jobs naming none */
	sb_limits lim;          /* the answer's limits, as sb_run() applies them */
} zy_job;

/* Runs one job in this thread's warm sandbox for its domain. TB_OK: it ran,
 * *res filled as sb_run() fills it (exit_code: the verdict process's, 0 once
 * it wrote its record; out and err: both processes'). TB_ERR: no warm sandbox
 * can run it here (err says why; the caller runs it cold); a sandbox that
 * cannot isolate its children here turns warm runs off for the process. The
 * caller releases res with sb_result_release() either way. */
int zy_run(const zy_job *job, sb_result *res, char *err, size_t errlen);

/* Starts this thread's sandbox for job's domain and memory limit (only
 * job's boot, domain and lim are read) unless it has one, in a free slot:
 * it never replaces another domain's. TB_OK when one is ready; TB_ERR (err
 * says why) when warm sandboxes cannot run here or every slot is taken. */
int zy_warm(const zy_job *job, char *err, size_t errlen);

/* Sandboxes started by this process so far, and jobs that ran in one
 * (tests: proof that jobs ran warm and shared a sandbox). */
unsigned long zy_started(void);
unsigned long zy_jobs(void);

#endif
