/* The bottom text module: one UTF-8 decoder with jansson's rules, display
 * width, and the escapes for terminals, markup and JSON bodies. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"
#include "testutil.h"
#include "text.h"

/* What tb_text_put_markup() wrote, in a string the caller frees. */
static char *markup(const char *s, size_t max, tb_text_markup how)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	tb_text_put_markup(f, s, max, how);
	fclose(f);
	return buf;
}

START_TEST(decodes_valid)
{
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} cases[] = {
		{"A", 1, 'A'},           {"\xC2\x80", 2, 0x80},         {"\xDF\xBF", 2, 0x7FF},
		{"\xE0\xA0\x80", 3, 0x800}, {"\xE7\xAD\x94", 3, 0x7B54}, {"\xEF\xBF\xBF", 3, 0xFFFF},
		{"\xF0\x90\x80\x80", 4, 0x10000}, {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t cp = 0;

		ck_assert_uint_eq(tb_text_utf8_seq(cases[i].s, strlen(cases[i].s), &cp), cases[i].len);
		ck_assert_uint_eq(cp, cases[i].cp);
		ck_assert_uint_eq(tb_text_utf8_next(cases[i].s, strlen(cases[i].s), &cp), cases[i].len);
		ck_assert_uint_eq(cp, cases[i].cp);
	}
}
END_TEST

START_TEST(refuses_invalid)
{
	/* stray continuation, overlong forms, surrogates, past U+10FFFF, bad
	 * leads, a sequence cut by a NUL or an ASCII byte */
	static const char *const bad[] = {
		"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xE0\x9F\xBF",
		"\xF0\x80\x80\x80", "\xF0\x8F\xBF\xBF", "\xED\xA0\x80", "\xED\xBF\xBF",
		"\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF8\x88\x80\x80", "\xFF",
		"\xE7\xAD", "\xE7" "A\x94", "\xF0\x90\x80",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t cp = 0;

		ck_assert_msg(tb_text_utf8_seq(bad[i], TB_TEXT_UTF8_MAX, &cp) == 0, "case %zu", i);
		ck_assert_uint_eq(tb_text_utf8_next(bad[i], TB_TEXT_UTF8_MAX, &cp), 1);
		ck_assert_uint_eq(cp, 0xFFFD);
	}
}
END_TEST

START_TEST(stays_within_n)
{
	/* a valid sequence that would need more bytes than the caller has */
	const char s[] = "\xE7\xAD\x94";
	uint32_t cp;

	ck_assert_uint_eq(tb_text_utf8_seq(s, 2, &cp), 0);
	ck_assert_uint_eq(tb_text_utf8_seq(s, 3, &cp), 3);
	ck_assert_uint_eq(tb_text_utf8_next(s, 1, &cp), 1);
	ck_assert_uint_eq(cp, 0xFFFD);
}
END_TEST

START_TEST(counts_columns)
{
	ck_assert_uint_eq(tb_text_columns(""), 0);
	ck_assert_uint_eq(tb_text_columns("qwen3"), 5);
	ck_assert_uint_eq(tb_text_columns("r\xC3\xA9sum\xC3\xA9 \xE7\xAD\x94"), 8);
}
END_TEST

START_TEST(visible_escapes)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	tb_text_put_visible(f, "a\x1b[31mb\x01\xff\xc2\x85ok \xE7\xAD\x94\x7F");
	tb_text_put_visible(f, NULL);
	fclose(f);
	ck_assert_str_eq(buf, "a\\x1B[31mb\\x01\\xFF\\u0085ok \xE7\xAD\x94\\x7F");
	free(buf);
}
END_TEST

START_TEST(markup_dialects)
{
	const char *s = "<a href='x'>&\"\t\x01\x7F\xC2\x85\xEF\xBF\xBE\xFF";
	char *out;

	out = markup(s, 1000, TB_TEXT_HTML);
	ck_assert_str_eq(out, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\t\\x01\\x7F\\xC2\\x85\xEF\xBF\xBE\\xFF");
	free(out);
	out = markup(s, 1000, TB_TEXT_XML);
	ck_assert_str_eq(out, "&lt;a href=&apos;x&apos;&gt;&amp;&quot;\t\\x01\x7F\xC2\x85\\xEF\\xBF\\xBE\\xFF");
	free(out);
	out = markup("a\tb\nc", 1000, TB_TEXT_XML_ATTR);
	ck_assert_str_eq(out, "a&#9;b&#10;c");
	free(out);
	out = markup("abcdef", 3, TB_TEXT_HTML);
	ck_assert_str_eq(out, "abc\n[... cut at 3 bytes of 6]");
	free(out);
	out = markup("abcdef", 3, TB_TEXT_XML);
	ck_assert_str_eq(out, "abc[...]");
	free(out);
	out = markup(NULL, 3, TB_TEXT_XML);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

/* Byte for byte what jansson writes inside the quotes. */
START_TEST(json_escape_matches_jansson)
{
	static const char *const texts[] = {
		"", "plain", "say \"hi\"\\", "tab\there\nnew\rline\b\f", "\x01\x1F\x7F",
		"\xE7\xAD\x94 \xF0\x9F\x98\x80 \xC2\x85", "</script>",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		json_t *j = json_string(texts[i]);
		char *want = json_dumps(j, JSON_ENCODE_ANY);
		tb_buf b;

		tb_buf_init(&b, 1 << 16);
		ck_assert_int_eq(tb_text_json_escape(&b, texts[i]), TB_OK);
		want[strlen(want) - 1] = '\0';
		ck_assert_str_eq(tb_buf_str(&b), want + 1);
		tb_buf_release(&b);
		free(want);
		json_decref(j);
	}
}
END_TEST

START_TEST(json_escape_refuses)
{
	tb_buf b;

	tb_buf_init(&b, 1 << 16);
	ck_assert_int_eq(tb_text_json_escape(&b, "ok \xED\xA0\x80"), TB_ERR);
	tb_buf_release(&b);
	tb_buf_init(&b, 4);
	ck_assert_int_eq(tb_text_json_escape(&b, "longer than four"), TB_TOOBIG);
	tb_buf_release(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, decodes_valid);
	tcase_add_test(tc, refuses_invalid);
	tcase_add_test(tc, stays_within_n);
	tcase_add_test(tc, counts_columns);
	tcase_add_test(tc, visible_escapes);
	tcase_add_test(tc, markup_dialects);
	tcase_add_test(tc, json_escape_matches_jansson);
	tcase_add_test(tc, json_escape_refuses);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
