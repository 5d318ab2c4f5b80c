/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/cfg/text.c (fp/text.h): the helpers the configuration
 * parser and the app's pipeline parser share. Line splitting, bounded numbers,
 * trimming and "name:line: message" errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fp/text.h"

START_TEST(test_text_lines_lf_crlf_last)
{
	static const char text[] = "a = 1\r\n\n  b\nlast";
	struct fp_text_src src = {"t", 0, NULL, 0};
	struct fp_text_lines it;
	char line[16];

	fp_text_lines_init(&it, text, sizeof(text) - 1);
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 15), 1);
	ck_assert_str_eq(line, "a = 1");
	ck_assert_uint_eq(src.line, 1);
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 15), 1);
	ck_assert_str_eq(line, "");
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 15), 1);
	ck_assert_str_eq(line, "  b");
	/* The last line needs no newline. */
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 15), 1);
	ck_assert_str_eq(line, "last");
	ck_assert_uint_eq(src.line, 4);
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 15), 0);
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 15), 0);
	ck_assert_uint_eq(src.line, 4);

	/* Empty text and a final newline make no extra line. */
	src.line = 0;
	fp_text_lines_init(&it, "x\n", 2);
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 15), 1);
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 15), 0);
	ck_assert_uint_eq(src.line, 1);
	fp_text_lines_init(&it, "", 0);
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 15), 0);
}
END_TEST

START_TEST(test_text_lines_too_long_and_nul)
{
	static const char nul[] = "ok\nb\0c\n";
	struct fp_text_src src = {"t", 0, NULL, 0};
	struct fp_text_lines it;
	char line[5];

	/* max bytes fit (CR not counted); one more does not. */
	fp_text_lines_init(&it, "abcd\r\nabcde\n", 12);
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 4), 1);
	ck_assert_str_eq(line, "abcd");
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 4), -E2BIG);
	ck_assert_uint_eq(src.line, 2); /* the error names the long line */

	src.line = 0;
	fp_text_lines_init(&it, nul, sizeof(nul) - 1);
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 4), 1);
	ck_assert_int_eq(fp_text_next_line(&it, &src, line, 4), -EILSEQ);
	ck_assert_uint_eq(src.line, 2);
}
END_TEST

START_TEST(test_text_parse_uint)
{
	const char *s;
	uint32_t v = 7;

	s = "123,4";
	ck_assert_int_eq(fp_text_parse_uint(&s, 1000, &v), 0);
	ck_assert_uint_eq(v, 123);
	ck_assert_str_eq(s, ",4");

	s = "x1";
	ck_assert_int_eq(fp_text_parse_uint(&s, 1000, &v), -EINVAL);
	ck_assert_str_eq(s, "x1"); /* not moved on error */
	s = "";
	ck_assert_int_eq(fp_text_parse_uint(&s, 1000, &v), -EINVAL);
	s = "-1";
	ck_assert_int_eq(fp_text_parse_uint(&s, 1000, &v), -EINVAL);

	s = "127";
	ck_assert_int_eq(fp_text_parse_uint(&s, 127, &v), 0);
	ck_assert_uint_eq(v, 127);
	s = "128";
	ck_assert_int_eq(fp_text_parse_uint(&s, 127, &v), -ERANGE);
	ck_assert_str_eq(s, "128");

	s = "4294967295";
	ck_assert_int_eq(fp_text_parse_uint(&s, UINT32_MAX, &v), 0);
	ck_assert_uint_eq(v, UINT32_MAX);
	s = "4294967296";
	ck_assert_int_eq(fp_text_parse_uint(&s, UINT32_MAX, &v), -ERANGE);
	/* A long run of digits cannot wrap around into range. */
	s = "000000000000000000000000000042";
	ck_assert_int_eq(fp_text_parse_uint(&s, 100, &v), 0);
	ck_assert_uint_eq(v, 42);
	s = "18446744073709551658";
	ck_assert_int_eq(fp_text_parse_uint(&s, UINT32_MAX, &v), -ERANGE);
}
END_TEST

START_TEST(test_text_blank_trim_end)
{
	char buf[] = " \t key \t ";
	char *s = fp_text_skip_blank(buf);

	ck_assert_ptr_eq(s, buf + 3);
	fp_text_rtrim(s, buf + strlen(buf));
	ck_assert_str_eq(s, "key");
	ck_assert_str_eq(buf, " \t key");

	/* rtrim stops at start. */
	char all[] = "   ";

	fp_text_rtrim(all + 1, all + 3);
	ck_assert_uint_eq(all[0], ' ');
	ck_assert_uint_eq(all[1], '\0');

	ck_assert(fp_text_blank(' ') && fp_text_blank('\t'));
	ck_assert(!fp_text_blank('\n') && !fp_text_blank('a') && !fp_text_blank('\0'));
	ck_assert(fp_text_at_end("") && fp_text_at_end("# c"));
	ck_assert(!fp_text_at_end(" #") && !fp_text_at_end("a#"));
}
END_TEST

START_TEST(test_text_fail)
{
	char err[64];
	char small[12];
	struct fp_text_src src = {"f.conf", 7, err, sizeof(err)};

	fp_text_fail(&src, "bad %s %d", "thing", 42);
	ck_assert_str_eq(err, "f.conf:7: bad thing 42");

	/* No line (a value set at run time): the label alone, or nothing. */
	src.name = "config set";
	src.line = 0;
	fp_text_fail(&src, "bad %s", "value");
	ck_assert_str_eq(err, "config set: bad value");
	src.name = NULL;
	fp_text_fail(&src, "bad %s", "value");
	ck_assert_str_eq(err, "bad value");
	src.name = "f.conf";
	src.line = 7;

	/* Truncated to the buffer, always terminated. */
	src.err = small;
	src.err_len = sizeof(small);
	fp_text_fail(&src, "a long message");
	ck_assert_str_eq(small, "f.conf:7: a");
	src.line = 12345;
	fp_text_fail(&src, "x");
	ck_assert_str_eq(small, "f.conf:1234");

	/* No buffer: nothing happens. */
	src.err = NULL;
	fp_text_fail(&src, "x");
	src.err = err;
	src.err_len = 0;
	err[0] = 'q';
	fp_text_fail(&src, "x");
	ck_assert_uint_eq(err[0], 'q');
}
END_TEST

START_TEST(test_text_bracket)
{
	char err[80];
	struct fp_text_src src = {"p", 3, err, sizeof(err)};
	char ok[] = "  port 1 \t]  # comment";
	char bare[] = "tcp]";
	char open[] = "tcp  ";
	char junk[] = "tcp] x0123456789";
	char junk2[] = "tcp] x0123456789";

	ck_assert_str_eq(fp_text_bracket(&src, ok, "section header", 40), "port 1");
	ck_assert_str_eq(fp_text_bracket(&src, bare, "section header", 40), "tcp");
	err[0] = '\0';
	ck_assert_ptr_null(fp_text_bracket(&src, open, "block header", 40));
	ck_assert_str_eq(err, "p:3: missing ']' in block header");
	ck_assert_ptr_null(fp_text_bracket(&src, junk, "section header", 40));
	ck_assert_str_eq(err, "p:3: trailing junk 'x0123456789' after section header");
	/* (the call above cut junk at its ']') */
	ck_assert_ptr_null(fp_text_bracket(&src, junk2, "section header", 4));
	ck_assert_str_eq(err, "p:3: trailing junk 'x012' after section header");
}
END_TEST

START_TEST(test_text_parse_ip4)
{
	/* Accepted, with what follows the address. */
	static const struct {
		const char *in;
		uint32_t ip;
		const char *rest;
	} ok[] = {
			{"198.18.0.1", 0xc6120001u, ""},
			{"0.0.0.0", 0, ""},
			{"255.255.255.255", 0xffffffffu, ""},
			{"010.1.2.3", 0x0a010203u, ""}, /* decimal, not octal */
			{"10.0.0.1/24", 0x0a000001u, "/24"},
			{"10.0.0.1:7", 0x0a000001u, ":7"},
			{"1.2.3.4.5", 0x01020304u, ".5"},
			{"1.2.3.4 ", 0x01020304u, " "},
	};
	/* Refused: what sscanf("%u") or inet_aton() would take, and plain garbage. */
	static const char *const bad[] = {
			"",
			" 1.2.3.4",
			"+1.2.3.4",
			"1.+2.3.4",
			"0x7f.0.0.1",
			"1.2.3",
			"1.2.3.",
			"1..2.3",
			"256.1.1.1",
			"1.2.3.256",
			"1234.1.1.1",
			"0001.1.1.1",
			"a.b.c.d",
			"1 .2.3.4",
			"1.2.3.-4",
			"4294967295",
	};
	char buf[FP_IP4_STR_LEN];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const char *s = ok[i].in;
		uint32_t ip = 1;

		ck_assert_msg(fp_text_parse_ip4(&s, &ip) == 0, "'%s' refused", ok[i].in);
		ck_assert_uint_eq(ip, ok[i].ip);
		ck_assert_str_eq(s, ok[i].rest);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *s = bad[i];
		uint32_t ip = 7;

		ck_assert_msg(fp_text_parse_ip4(&s, &ip) == -EINVAL, "'%s' accepted", bad[i]);
		ck_assert_ptr_eq(s, bad[i]);
		ck_assert_uint_eq(ip, 7);
	}

	ck_assert_str_eq(fp_text_format_ip4(0xc6120001u, buf), "198.18.0.1");
	ck_assert_str_eq(fp_text_format_ip4(0, buf), "0.0.0.0");
	ck_assert_str_eq(fp_text_format_ip4(0xffffffffu, buf), "255.255.255.255");
	/* Every formatted address parses back to itself. */
	for (uint64_t v = 0; v <= 0xffffffffu; v += 0x01010101u / 3) {
		const char *s = fp_text_format_ip4((uint32_t)v, buf);
		uint32_t ip;

		ck_assert_int_eq(fp_text_parse_ip4(&s, &ip), 0);
		ck_assert_uint_eq(ip, (uint32_t)v);
		ck_assert_str_eq(s, "");
	}
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_text_lines_lf_crlf_last);
	tcase_add_test(tc, test_text_lines_too_long_and_nul);
	tcase_add_test(tc, test_text_parse_uint);
	tcase_add_test(tc, test_text_blank_trim_end);
	tcase_add_test(tc, test_text_fail);
	tcase_add_test(tc, test_text_bracket);
	tcase_add_test(tc, test_text_parse_ip4);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(text_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
