#include "ccache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* 64 MiB and 1,024 entries: thousands of samples of one run share far fewer
 * distinct programs, and a scan of 1,024 keys costs nothing beside a sandbox. */
enum { CC_BYTES_MAX = 64 << 20, CC_ENTRIES = 1024 };

typedef struct cc_entry {
	char key[65];          /* hex SHA-256 */
	int kind;               /* CC_MISS: an empty slot */
	char *data;
	size_t len;
} cc_entry;

static pthread_mutex_t cc_mu = PTHREAD_MUTEX_INITIALIZER;
static cc_entry cc_ring[CC_ENTRIES];    /* oldest at cc_next */
static size_t cc_next, cc_bytes;
static unsigned long cc_hits, cc_misses;

static void drop(cc_entry *e)
{
	cc_bytes -= e->len;
	free(e->data);
	memset(e, 0, sizeof(*e));
}

/* The entry for key, or NULL; under cc_mu. */
static const cc_entry *find_locked(const char key[65])
{
	for (size_t i = 0; i < CC_ENTRIES; i++)
		if (cc_ring[i].kind != CC_MISS && strcmp(cc_ring[i].key, key) == 0)
			return &cc_ring[i];
	return NULL;
}

int cc_lookup(const char key[65], tb_buf *out)
{
	const cc_entry *e;
	int kind = CC_MISS;

	pthread_mutex_lock(&cc_mu);
	e = find_locked(key);
	if (e) {
		tb_buf_reset(out);
		if (tb_buf_add(out, e->data, e->len) == 0)
			kind = e->kind;
	}
	if (kind == CC_MISS)
		cc_misses++;
	else
		cc_hits++;
	pthread_mutex_unlock(&cc_mu);
	return kind;
}

void cc_store(const char key[65], int kind, const char *data, size_t len)
{
	char *copy;

	if (len > CC_BYTES_MAX / 8 || (kind != CC_BINARY && kind != CC_ERROR))
		return;
	copy = malloc(len ? len : 1);
	if (!copy)
		return;
	memcpy(copy, data, len);
	pthread_mutex_lock(&cc_mu);
	if (find_locked(key)) {
		/* another thread compiled the same source meanwhile */
		pthread_mutex_unlock(&cc_mu);
		free(copy);
		return;
	}
	/* The oldest slot goes, then the next oldest while the bytes are over:
	 * at most every other entry, and len alone fits. */
	drop(&cc_ring[cc_next]);
	for (size_t i = 1; i < CC_ENTRIES && cc_bytes + len > CC_BYTES_MAX; i++)
		drop(&cc_ring[(cc_next + i) % CC_ENTRIES]);
	memcpy(cc_ring[cc_next].key, key, 65);
	cc_ring[cc_next].kind = kind;
	cc_ring[cc_next].data = copy;
	cc_ring[cc_next].len = len;
	cc_bytes += len;
	cc_next = (cc_next + 1) % CC_ENTRIES;
	pthread_mutex_unlock(&cc_mu);
}

void cc_counts(unsigned long *hits, unsigned long *misses)
{
	pthread_mutex_lock(&cc_mu);
	*hits = cc_hits;
	*misses = cc_misses;
	pthread_mutex_unlock(&cc_mu);
}
