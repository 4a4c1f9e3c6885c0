/* Reasoning versus answer: the server's field, <think> tags split at the
 * last </think>, QwQ's lone </think>, traces cut before they closed, the
 * empty pair of /no_think, and mode leaks both ways. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"
#include "resp.h"
#include "split.h"
#include "sse.h"
#include "testutil.h"

enum { MAX_TEXT = 1 << 20 };

/* A response holding the given reasoning field and content (NULL: none). */
static void make(tb_resp *r, const char *reasoning, const char *content, const char *finish)
{
	resp_init(r, MAX_TEXT);
	if (reasoning)
		tb_buf_adds(&r->reasoning, reasoning);
	if (content)
		tb_buf_adds(&r->content, content);
	if (finish)
		strcpy(r->finish_reason, finish);
}

static void assert_text(const char *s, size_t n, const char *want)
{
	ck_assert_int_eq(n, strlen(want));
	ck_assert(memcmp(s, want, n) == 0);
}

START_TEST(t_field)
{
	tb_resp r;
	tb_split sp;

	make(&r, "Let me add 2 and 2.", "\n\n  4", "stop");
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_FIELD);
	assert_text(sp.reasoning, sp.reasoning_len, "Let me add 2 and 2.");
	assert_text(sp.answer, sp.answer_len, "4");
	ck_assert_int_eq(sp.truncated_in_thinking, 0);
	ck_assert_int_eq(sp.mode_leak, 0);
	/* The same in nothink mode is a leak. */
	split_response(&r, 0, &sp);
	ck_assert_int_eq(sp.mode_leak, 1);
	resp_release(&r);

	/* A field that holds only white space is no reasoning. */
	make(&r, "\n", "Paris", "stop");
	split_response(&r, 0, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_NONE);
	ck_assert_int_eq(sp.mode_leak, 0);
	assert_text(sp.answer, sp.answer_len, "Paris");
	resp_release(&r);
}
END_TEST

/* Qwen3 with /no_think still emits an empty pair, even when the server
 * parsed the reasoning out. */
START_TEST(t_field_with_empty_pair)
{
	tb_resp r;
	tb_split sp;

	make(&r, "trace", "<think>\n\n</think>\n\nHi there", "stop");
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_FIELD);
	assert_text(sp.answer, sp.answer_len, "Hi there");
	resp_release(&r);
}
END_TEST

START_TEST(t_tags_last_close)
{
	tb_resp r;
	tb_split sp;

	make(&r, NULL, "\n<think>\nI could write </think> here.\n</think>\n\n\\boxed{7}", "stop");
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_TAGS);
	assert_text(sp.reasoning, sp.reasoning_len, "I could write </think> here.");
	assert_text(sp.answer, sp.answer_len, "\\boxed{7}");
	ck_assert_int_eq(sp.mode_leak, 0);
	ck_assert_int_eq(sp.truncated_in_thinking, 0);
	resp_release(&r);
}
END_TEST

/* QwQ's template opens <think>; the output holds only the </think>. */
START_TEST(t_lone_close_qwq)
{
	tb_resp r;
	tb_split sp;

	make(&r, NULL, "Okay, 6 times 7 is 42.\n</think>\n\nThe answer is 42.", "stop");
	r.think_tags = 1;
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_TAGS);
	assert_text(sp.reasoning, sp.reasoning_len, "Okay, 6 times 7 is 42.");
	assert_text(sp.answer, sp.answer_len, "The answer is 42.");
	ck_assert_int_eq(sp.mode_leak, 0);
	resp_release(&r);
}
END_TEST

START_TEST(t_unclosed_is_truncated)
{
	tb_resp r;
	tb_split sp;

	make(&r, NULL, "<think>\nStill working on it", "length");
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_TAGS);
	ck_assert_int_eq(sp.truncated_in_thinking, 1);
	assert_text(sp.reasoning, sp.reasoning_len, "Still working on it");
	ck_assert_int_eq(sp.answer_len, 0);
	ck_assert_int_eq(sp.mode_leak, 0);
	/* Nothink mode: still reasoning with no answer, and a leak. */
	split_response(&r, 0, &sp);
	ck_assert_int_eq(sp.truncated_in_thinking, 1);
	ck_assert_int_eq(sp.answer_len, 0);
	ck_assert_int_eq(sp.mode_leak, 1);
	resp_release(&r);

	/* QwQ cut before </think>: no tag at all, but the template opened one. */
	make(&r, NULL, "Let me count the letters", "length");
	r.think_tags = 1;
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_TAGS);
	ck_assert_int_eq(sp.truncated_in_thinking, 1);
	assert_text(sp.reasoning, sp.reasoning_len, "Let me count the letters");
	ck_assert_int_eq(sp.answer_len, 0);
	resp_release(&r);
}
END_TEST

START_TEST(t_budget_spent_in_field)
{
	tb_resp r;
	tb_split sp;

	make(&r, "long trace", "", "length");
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_FIELD);
	ck_assert_int_eq(sp.truncated_in_thinking, 1);
	resp_release(&r);

	make(&r, "long trace", "", "stop");
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.truncated_in_thinking, 0);
	resp_release(&r);
}
END_TEST

START_TEST(t_empty_pair_not_reasoning)
{
	static const char *const pairs[] = {
		"<think></think>Paris",
		"<think>\n\n</think>\n\nParis",
		"\n<think>\n</think>\nParis",
	};
	tb_resp r;
	tb_split sp;

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		make(&r, NULL, pairs[i], "stop");
		split_response(&r, 0, &sp);
		ck_assert_int_eq(sp.method, TB_SPLIT_NONE);
		ck_assert_int_eq(sp.reasoning_len, 0);
		assert_text(sp.answer, sp.answer_len, "Paris");
		ck_assert_int_eq(sp.mode_leak, 0);
		ck_assert_int_eq(sp.truncated_in_thinking, 0);
		/* In think mode an empty trace is a leak. */
		split_response(&r, 1, &sp);
		ck_assert_int_eq(sp.mode_leak, 1);
		resp_release(&r);
	}
}
END_TEST

START_TEST(t_mode_leaks)
{
	tb_resp r;
	tb_split sp;

	make(&r, NULL, "42", "stop");
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_NONE);
	ck_assert_int_eq(sp.mode_leak, 1);
	split_response(&r, 0, &sp);
	ck_assert_int_eq(sp.mode_leak, 0);
	/* A failed request is an error, not a leak. */
	strcpy(r.error_code, "429");
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.mode_leak, 0);
	resp_release(&r);

	make(&r, NULL, "", "error");
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.mode_leak, 0);
	ck_assert_int_eq(sp.truncated_in_thinking, 0);
	resp_release(&r);

	make(&r, NULL, "<think>sneaky</think>ok", "stop");
	split_response(&r, 0, &sp);
	ck_assert_int_eq(sp.mode_leak, 1);
	resp_release(&r);
}
END_TEST

START_TEST(t_leading_newlines)
{
	tb_resp r;
	tb_split sp;

	make(&r, NULL, "\n\n \t42\n", "stop");
	split_response(&r, 0, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_NONE);
	assert_text(sp.answer, sp.answer_len, "42\n");
	resp_release(&r);

	make(&r, NULL, NULL, NULL);
	split_response(&r, 0, &sp);
	ck_assert_int_eq(sp.answer_len, 0);
	ck_assert_int_eq(sp.reasoning_len, 0);
	ck_assert_ptr_nonnull(sp.answer);
	ck_assert_ptr_nonnull(sp.reasoning);
	resp_release(&r);
}
END_TEST

START_TEST(t_method_names)
{
	ck_assert_str_eq(split_method_name(TB_SPLIT_NONE), "none");
	ck_assert_str_eq(split_method_name(TB_SPLIT_FIELD), "field");
	ck_assert_str_eq(split_method_name(TB_SPLIT_TAGS), "tags");
	ck_assert_str_eq(split_method_name((tb_split_method)42), "none");
}
END_TEST

static int on_event(void *ud, const char *event, const char *data, size_t len)
{
	(void)event;
	return resp_on_chunk(ud, data, len, 0);
}

/* Real payloads end to end: a stream and a body with reasoning fields. */
START_TEST(t_real_payloads)
{
	tb_resp r;
	tb_split sp;
	sse_parser p;
	size_t n;
	char *s = tu_read_file(tu_shared("payloads/openrouter-stream-reasoning-then-content.sse"), &n);

	ck_assert_ptr_nonnull(s);
	resp_init(&r, MAX_TEXT);
	sse_init(&p, MAX_TEXT, on_event, &r);
	ck_assert_int_eq(sse_feed(&p, s, n), TB_OK);
	sse_release(&p);
	split_response(&r, 1, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_FIELD);
	assert_text(sp.answer, sp.answer_len, "Hello! How can I help you today?");
	ck_assert_int_eq(sp.mode_leak, 0);
	resp_release(&r);
	free(s);

	s = tu_read_file(tu_shared("payloads/deepseek-nonstream-reasoning-content.json"), &n);
	ck_assert_ptr_nonnull(s);
	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_parse_body(&r, s, n), TB_OK);
	split_response(&r, 0, &sp);
	ck_assert_int_eq(sp.method, TB_SPLIT_FIELD);
	ck_assert_int_eq(sp.reasoning_len, r.reasoning.len);
	ck_assert_int_eq(sp.mode_leak, 1);
	ck_assert(sp.answer_len > 0 && strncmp(sp.answer, "There are **3**", 15) == 0);
	resp_release(&r);
	free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("split");
	TCase *tc = tcase_create("core");

	tu_require_shared();
	tcase_add_test(tc, t_field);
	tcase_add_test(tc, t_field_with_empty_pair);
	tcase_add_test(tc, t_tags_last_close);
	tcase_add_test(tc, t_lone_close_qwq);
	tcase_add_test(tc, t_unclosed_is_truncated);
	tcase_add_test(tc, t_budget_spent_in_field);
	tcase_add_test(tc, t_empty_pair_not_reasoning);
	tcase_add_test(tc, t_mode_leaks);
	tcase_add_test(tc, t_leading_newlines);
	tcase_add_test(tc, t_method_names);
	tcase_add_test(tc, t_real_payloads);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
