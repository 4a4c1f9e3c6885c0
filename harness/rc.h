/* Return codes shared by every module: 0 is success, negative is failure. The
 * detail of a failure goes into the caller's message buffer. */
#ifndef TB_RC_H
#define TB_RC_H

enum {
	TB_OK = 0,
	TB_ERR = -1,     /* failed; the message says why */
	TB_NOMEM = -2,
	TB_TOOBIG = -3,  /* a ceiling was reached */
	TB_RETRY = -4,   /* transient: worth another attempt */
	TB_ABORT = -5,   /* fatal for the whole run (bad key, no credits) */
	TB_PARSE = -6,   /* malformed input */
};

/* Documented exit codes of the thinkbench program. */
enum {
	TB_EXIT_OK = 0,
	TB_EXIT_FATAL = 1,       /* the run stopped: auth, disk, endpoint gone */
	TB_EXIT_USAGE = 2,       /* bad usage or bad input; nothing was run */
	TB_EXIT_SAMPLE_ERRORS = 3, /* finished, but some samples ended in error */
	TB_EXIT_INTERRUPTED = 130, /* SIGINT; what finished is stored */
};

#endif
