/* The warm sandbox: one long-lived bubblewrap sandbox per grading thread,
 * holding a zygote (a Python interpreter with the exec driver loaded) that
 * runs each job in a child of its own, in fresh namespaces (see the zygote's
 * source in drivers/drivers.h for what each child gets). The sandbox is
 * started on a thread's first job and replaced when it dies, after a job that
 * hit its deadline or its output cap, and every ZY_JOBS_MAX jobs; it ends
 * with its thread.
 *
 *	zy_job job = {.boot = boot, .nboot = 2, .files = files, ...};
 *	if (zy_run(&job, &res, err, sizeof(err)) != TB_OK)
 *		... run it cold with sb_run() ...
 *
 * zy_run() is synchronous; threads never share a sandbox. */
#ifndef GR_ZYGOTE_H
#define GR_ZYGOTE_H

#include <stddef.h>

#include "sandbox.h"

#define ZY_JOBS_MAX 2000
#define ZY_FILES_MAX 8

typedef struct zy_job {
	const sb_file *boot;    /* the zygote's own files: zygote.py, driver.py */
	size_t nboot;
	const sb_file *files;   /* the job's files, written to its fresh /work */
	size_t nfiles;          /* at most ZY_FILES_MAX */
	const char *entry;      /* the driver's argument */
	const char *nonce;      /* written to the job's fd 4 */
	sb_limits lim;          /* the job's limits, as sb_run() applies them */
} zy_job;

/* Runs one job in this thread's warm sandbox. TB_OK: it ran, *res filled as
 * sb_run() fills it (exit_code 128+n for signal n). TB_ERR: no warm sandbox
 * can run it here (err says why; the caller runs it cold); a sandbox that
 * cannot isolate its children here turns warm runs off for the process. The
 * caller releases res with sb_result_release() either way. */
int zy_run(const zy_job *job, sb_result *res, char *err, size_t errlen);

/* Sandboxes started by this process so far, and jobs that ran in one
 * (tests: proof that jobs ran warm and shared a sandbox). */
unsigned long zy_started(void);
unsigned long zy_jobs(void);

#endif
