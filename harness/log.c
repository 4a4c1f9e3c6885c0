#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include "rc.h"
#include "redact.h"

static int quiet;

void tb_log_quiet(int q)
{
	quiet = q;
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	tb_redact_str(msg, sizeof(msg));
	fprintf(stderr, "%s%s\n", prefix, msg);
}

int tb_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("thinkbench: error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void tb_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("thinkbench: warning: ", fmt, ap);
	va_end(ap);
}

void tb_note(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vreport("thinkbench: ", fmt, ap);
	va_end(ap);
}

int tb_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		tb_redact_str(err, errlen);
	}
	return TB_ERR;
}
