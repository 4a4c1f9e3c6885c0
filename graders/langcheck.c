/* The language check: see langcheck.h for the rule.
 *
 * libexttextcat (Debian libexttextcat-2.0-0 + libexttextcat-data) is loaded
 * with dlopen on first use rather than linked, so that a build without the
 * package still works and falls back to the script checks; its classifier
 * handle is not thread-safe, so calls are serialised. The handle lives until
 * the process exits. */
#include "langcheck.h"

#include <ctype.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "grader.h"
#include "normalize.h"
#include "text.h"

#define TEXTCAT_LIB "libexttextcat-2.0.so.0"
#define TEXTCAT_DIR "/usr/share/libexttextcat/"
#define NGRAM_BYTES 1500

enum script {
	SC_LATIN, SC_GREEK, SC_CYRILLIC, SC_HEBREW, SC_ARABIC, SC_DEVANAGARI, SC_BENGALI,
	SC_TELUGU, SC_THAI, SC_HANGUL, SC_KANA, SC_HAN, SC_OTHER, SC_NONE, SC_COUNT = SC_NONE,
};

/* The script of a letter, or SC_NONE for digits, punctuation and symbols. */
static enum script script_of(uint32_t c)
{
	if (c < 0x80)
		return isalpha((int)c) ? SC_LATIN : SC_NONE;
	if (gr_digit_value(c) >= 0)
		return SC_NONE;
	if ((c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF))
		return SC_LATIN;
	if (c >= 0x370 && c <= 0x3FF)
		return c == 0x3C0 ? SC_NONE : SC_GREEK; /* π is maths */
	if (c >= 0x400 && c <= 0x52F)
		return SC_CYRILLIC;
	if (c >= 0x5D0 && c <= 0x5EA)
		return SC_HEBREW;
	if ((c >= 0x620 && c <= 0x64A) || (c >= 0x671 && c <= 0x6D3) || (c >= 0x750 && c <= 0x77F) ||
	    (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC))
		return SC_ARABIC;
	if (c >= 0x900 && c <= 0x963)
		return SC_DEVANAGARI;
	if (c >= 0x980 && c <= 0x9E5)
		return SC_BENGALI;
	if (c >= 0xC00 && c <= 0xC65)
		return SC_TELUGU;
	if (c >= 0xE01 && c <= 0xE4E && c != 0xE3F)
		return SC_THAI;
	if ((c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3131 && c <= 0x318E))
		return SC_HANGUL;
	if ((c >= 0x3041 && c <= 0x30FF && c != 0x30FB) || (c >= 0x31F0 && c <= 0x31FF) ||
	    (c >= 0xFF66 && c <= 0xFF9D))
		return SC_KANA;
	if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0x20000 && c <= 0x2FFFF))
		return SC_HAN;
	if ((c >= 0x0A00 && c <= 0x0DFF) || (c >= 0x0E80 && c <= 0x0EFF) || (c >= 0x1000 && c <= 0x109F) ||
	    (c >= 0x10A0 && c <= 0x10FF) || (c >= 0x1780 && c <= 0x17FF) || (c >= 0x0530 && c <= 0x058F))
		return SC_OTHER;
	return SC_NONE;
}

static const struct {
	const char *lang;
	enum script script;
	int shared; /* other languages write this script: ask the n-grams */
} langs[] = {
	{"th", SC_THAI, 0},	    {"bn", SC_BENGALI, 0},   {"te", SC_TELUGU, 0},
	{"ko", SC_HANGUL, 0},	    {"ja", SC_KANA, 0},	     {"zh", SC_HAN, 0},
	{"yue", SC_HAN, 0},	    {"el", SC_GREEK, 0},     {"he", SC_HEBREW, 0},
	{"hi", SC_DEVANAGARI, 1}, {"mr", SC_DEVANAGARI, 1}, {"ne", SC_DEVANAGARI, 1},
	{"ar", SC_ARABIC, 1},	    {"fa", SC_ARABIC, 1},    {"ur", SC_ARABIC, 1},
	{"ru", SC_CYRILLIC, 1},   {"uk", SC_CYRILLIC, 1},  {"bg", SC_CYRILLIC, 1},
	{"sr", SC_CYRILLIC, 1},   {"be", SC_CYRILLIC, 1},  {"kk", SC_CYRILLIC, 1},
	{"mk", SC_CYRILLIC, 1},   {"mn", SC_CYRILLIC, 1},
};

/* ---- libexttextcat, loaded on first use ---- */

static pthread_once_t tc_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t tc_lock = PTHREAD_MUTEX_INITIALIZER;
static void *tc_handle;
static char *(*tc_classify)(void *, const char *, size_t);

static void tc_load(void)
{
	void *lib = dlopen(TEXTCAT_LIB, RTLD_NOW | RTLD_LOCAL);
	void *(*init)(const char *, const char *);

	if (!lib)
		return;
	*(void **)&init = dlsym(lib, "special_textcat_Init");
	*(void **)&tc_classify = dlsym(lib, "textcat_Classify");
	if (init && tc_classify)
		tc_handle = init(TEXTCAT_DIR "fpdb.conf", TEXTCAT_DIR);
	if (!tc_handle)
		dlclose(lib);
}

int gr_lang_have_ngrams(void)
{
	pthread_once(&tc_once, tc_load);
	return tc_handle != NULL;
}

/* Does the classifier's answer ("[en--utf8][sco--utf8]", "UNKNOWN",
 * "SHORT") allow lang? */
static int ngram_allows(const char *r, const char *lang, size_t ll)
{
	int named = 0;

	for (const char *p = strchr(r, '['); p; p = strchr(p + 1, '[')) {
		const char *id = p + 1;
		size_t k = strcspn(id, "-]");

		named = 1;
		if (k == ll && strncmp(id, lang, ll) == 0)
			return 1;
		/* Scots is English to anyone grading maths. */
		if (ll == 2 && strncmp(lang, "en", 2) == 0 && k == 3 && strncmp(id, "sco", 3) == 0)
			return 1;
	}
	return !named;
}

static int ngram_check(const char *text, size_t n, const char *lang, size_t ll)
{
	int ok = 1;
	char *r;

	if (!gr_lang_have_ngrams())
		return 1;
	pthread_mutex_lock(&tc_lock);
	r = tc_classify(tc_handle, text, n);
	if (r)
		ok = ngram_allows(r, lang, ll);
	pthread_mutex_unlock(&tc_lock);
	return ok;
}

/* ---- the check ---- */

int gr_lang_check(const char *text, const char *lang)
{
	size_t counts[SC_COUNT] = {0}, total = 0, n, ll = 0, i = 0, tl = 0;
	char plain[NGRAM_BYTES + 8];
	enum script want = SC_LATIN;
	int shared = 1, in_math = 0;

	if (!lang || !text)
		return GR_LANG_OK;
	while (lang[ll] && isalpha((unsigned char)lang[ll]) && ll < 8)
		ll++;
	if (ll < 2 || ll > 3)
		return GR_LANG_OK;
	for (size_t k = 0; k < sizeof(langs) / sizeof(langs[0]); k++)
		if (strlen(langs[k].lang) == ll && strncmp(lang, langs[k].lang, ll) == 0) {
			want = langs[k].script;
			shared = langs[k].shared;
		}
	n = strlen(text);
	/* Bounded by n: every step moves i forward. */
	while (i < n) {
		uint32_t cp;
		size_t l;
		enum script sc;

		if (text[i] == '$') {
			/* A lone '$' (a price) opens no maths. */
			in_math = !in_math && memchr(text + i + 1, '$', n - i - 1) != NULL;
			i++;
			continue;
		}
		if (text[i] == '\\') {
			i++;
			while (i < n && isalpha((unsigned char)text[i]))
				i++;
			continue;
		}
		l = tb_text_utf8_next(text + i, n - i, &cp);
		sc = in_math ? SC_NONE : script_of(cp);
		if (sc != SC_NONE) {
			counts[sc]++;
			total++;
		}
		/* Letters and single spaces for the n-gram classifier. */
		if (tl + l < NGRAM_BYTES) {
			if (sc != SC_NONE && sc != SC_OTHER) {
				memcpy(plain + tl, text + i, l);
				tl += l;
			} else if (tl && plain[tl - 1] != ' ') {
				plain[tl++] = ' ';
			}
		}
		i += l;
	}
	if (total < GR_LANG_MIN_LETTERS)
		return GR_LANG_OK;
	if (want == SC_KANA) {
		if (2 * (counts[SC_KANA] + counts[SC_HAN]) < total)
			return GR_LANG_WRONG;
		return counts[SC_HAN] >= 8 && counts[SC_KANA] == 0 ? GR_LANG_WRONG : GR_LANG_OK;
	}
	if (want == SC_HAN && counts[SC_KANA] * 5 > counts[SC_HAN])
		return GR_LANG_WRONG;
	if (2 * counts[want] < total)
		return GR_LANG_WRONG;
	if (shared && counts[want] >= GR_LANG_NGRAM_LETTERS && !ngram_check(plain, tl, lang, ll))
		return GR_LANG_WRONG;
	return GR_LANG_OK;
}
