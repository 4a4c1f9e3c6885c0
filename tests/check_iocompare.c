/* The io tests' output comparison: exact bytes, words, numbers within a
 * tolerance, and the names of the modes. */
#include <string.h>

#include "iocompare.h"
#include "testutil.h"

static int same(gr_io_compare how, const char *got, const char *want)
{
	return gr_io_same(how, 1e-6, got, strlen(got), want, strlen(want));
}

START_TEST(test_exact)
{
	ck_assert(same(GR_IO_EXACT, "3\n0\n", "3\n0\n"));
	ck_assert(!same(GR_IO_EXACT, "3\n0", "3\n0\n"));
	ck_assert(!same(GR_IO_EXACT, "3 0\n", "3\n0\n"));
	ck_assert(gr_io_same(GR_IO_EXACT, 0, "a\0b", 3, "a\0b", 3));
	ck_assert(!gr_io_same(GR_IO_EXACT, 0, "a\0b", 3, "a\0c", 3));
}
END_TEST

START_TEST(test_tokens)
{
	ck_assert(same(GR_IO_TOKENS, " 3 \r\n\n 0 \t", "3\n0\n"));
	ck_assert(same(GR_IO_TOKENS, "", "\n"));
	ck_assert(!same(GR_IO_TOKENS, "3", "3\n0\n"));
	ck_assert(!same(GR_IO_TOKENS, "3\n0\n0", "3\n0\n"));
	ck_assert(!same(GR_IO_TOKENS, "30", "3 0"));
	ck_assert(!same(GR_IO_TOKENS, "3.0", "3"));
	ck_assert(!same(GR_IO_TOKENS, "YES", "yes"));
}
END_TEST

START_TEST(test_numbers)
{
	ck_assert(same(GR_IO_NUMBERS, "3.0000001 YES", "3 YES"));
	ck_assert(same(GR_IO_NUMBERS, "1000000.5", "1000000"));  /* relative */
	ck_assert(same(GR_IO_NUMBERS, "-0", "0"));
	ck_assert(same(GR_IO_NUMBERS, "1e-9", "0"));
	ck_assert(!same(GR_IO_NUMBERS, "3.01", "3"));
	ck_assert(!same(GR_IO_NUMBERS, "YES", "yes"));
	/* words that strtod would read but are no decimal numbers */
	ck_assert(!same(GR_IO_NUMBERS, "nan", "nan0"));
	ck_assert(!same(GR_IO_NUMBERS, "0x10", "16"));
	ck_assert(!same(GR_IO_NUMBERS, "inf", "1e999"));
	ck_assert(!same(GR_IO_NUMBERS, "-", "0"));
	ck_assert(!same(GR_IO_NUMBERS, ".", "0"));
	ck_assert(same(GR_IO_NUMBERS, ".5", "0.5"));
}
END_TEST

START_TEST(test_names)
{
	gr_io_compare how = GR_IO_EXACT;

	ck_assert_int_eq(gr_io_compare_parse("tokens", &how), 0);
	ck_assert_int_eq(how, GR_IO_TOKENS);
	ck_assert_int_eq(gr_io_compare_parse("numbers", &how), 0);
	ck_assert_int_eq(how, GR_IO_NUMBERS);
	ck_assert_int_eq(gr_io_compare_parse("exact", &how), 0);
	ck_assert_int_eq(how, GR_IO_EXACT);
	ck_assert_int_eq(gr_io_compare_parse("Exact", &how), -1);
	ck_assert_int_eq(gr_io_compare_parse("", &how), -1);
}
END_TEST

static Suite *iocompare_suite(void)
{
	Suite *s = suite_create("iocompare");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_exact);
	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(iocompare_suite());
}
