#include "runid.h"

#include <string.h>

#include "log.h"
#include "rc.h"

int tb_runid_check(const char *id, char *err, size_t errlen)
{
	size_t n = strlen(id);

	if (n == 0 || n > TB_RUN_ID_MAX)
		return tb_seterr(err, errlen, "expected a run id of 1 to %d characters, got %zu",
				 TB_RUN_ID_MAX, n);
	if (strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return tb_seterr(err, errlen, "expected a run id of letters, digits, '.', '_' and '-' only");
	if (id[0] == '.')
		return tb_seterr(err, errlen, "expected a run id that does not begin with '.'");
	return TB_OK;
}
