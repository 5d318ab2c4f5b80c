/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/tlm/prom.c: byte-exact pages in both formats (counter, gauge, info,
 * label and HELP escaping, milli values), -ENOSPC at every short buffer size
 * with nothing left behind, misuse latched as -EINVAL, and the Accept-header
 * choice between the formats, with a mutation loop over that parser.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fp/prom.h"

/* One page with every kind of family and the characters that need escaping. */
static int
build_page(char *buf, size_t cap, enum fp_prom_format fmt)
{
	const struct fp_prom_label build[] = {{"version", "0.1.0"}, {"dpdk", "DPDK 22.11.4"}};
	const struct fp_prom_label l1[] = {{"lcore", "1"}};
	const struct fp_prom_label l2[] = {{"lcore", "2"}};
	const struct fp_prom_label drop[] = {{"lcore", "1"}, {"reason", "ip4_csum"}};
	const struct fp_prom_label odd[] = {{"device", "a\"b\\c\nd"}};
	struct fp_prom p;

	fp_prom_init(&p, buf, cap, fmt);
	fp_prom_family(&p, "fp_build", FP_PROM_INFO, "Build information.");
	fp_prom_sample(&p, build, 2, 1);
	fp_prom_family(&p, "fp_rx_packets", FP_PROM_COUNTER, "Frames received.");
	fp_prom_sample(&p, l1, 1, 0);
	fp_prom_sample(&p, l2, 1, UINT64_MAX);
	fp_prom_family(&p, "fp_drops", FP_PROM_COUNTER, "Dropped frames, by reason.");
	fp_prom_sample(&p, drop, 2, 7);
	fp_prom_family(&p, "fp_flows_open", FP_PROM_GAUGE, "Open flows; a \\ and a\nnewline.");
	fp_prom_sample(&p, NULL, 0, 42);
	fp_prom_sample(&p, odd, 1, 3);
	fp_prom_family(&p, "fp_uptime_seconds", FP_PROM_GAUGE, "");
	fp_prom_sample_milli(&p, NULL, 0, 12345);
	fp_prom_sample_milli(&p, NULL, 0, 7);
	return fp_prom_finish(&p);
}

static const char text_page[] = "# HELP fp_build_info Build information.\n"
				"# TYPE fp_build_info gauge\n"
				"fp_build_info{version=\"0.1.0\",dpdk=\"DPDK 22.11.4\"} 1\n"
				"# HELP fp_rx_packets_total Frames received.\n"
				"# TYPE fp_rx_packets_total counter\n"
				"fp_rx_packets_total{lcore=\"1\"} 0\n"
				"fp_rx_packets_total{lcore=\"2\"} 18446744073709551615\n"
				"# HELP fp_drops_total Dropped frames, by reason.\n"
				"# TYPE fp_drops_total counter\n"
				"fp_drops_total{lcore=\"1\",reason=\"ip4_csum\"} 7\n"
				"# HELP fp_flows_open Open flows; a \\\\ and a\\nnewline.\n"
				"# TYPE fp_flows_open gauge\n"
				"fp_flows_open 42\n"
				"fp_flows_open{device=\"a\\\"b\\\\c\\nd\"} 3\n"
				"# HELP fp_uptime_seconds \n"
				"# TYPE fp_uptime_seconds gauge\n"
				"fp_uptime_seconds 12.345\n"
				"fp_uptime_seconds 0.007\n";

static const char om_page[] = "# HELP fp_build Build information.\n"
			      "# TYPE fp_build info\n"
			      "fp_build_info{version=\"0.1.0\",dpdk=\"DPDK 22.11.4\"} 1\n"
			      "# HELP fp_rx_packets Frames received.\n"
			      "# TYPE fp_rx_packets counter\n"
			      "fp_rx_packets_total{lcore=\"1\"} 0\n"
			      "fp_rx_packets_total{lcore=\"2\"} 18446744073709551615\n"
			      "# HELP fp_drops Dropped frames, by reason.\n"
			      "# TYPE fp_drops counter\n"
			      "fp_drops_total{lcore=\"1\",reason=\"ip4_csum\"} 7\n"
			      "# HELP fp_flows_open Open flows; a \\\\ and a\\nnewline.\n"
			      "# TYPE fp_flows_open gauge\n"
			      "fp_flows_open 42\n"
			      "fp_flows_open{device=\"a\\\"b\\\\c\\nd\"} 3\n"
			      "# HELP fp_uptime_seconds \n"
			      "# TYPE fp_uptime_seconds gauge\n"
			      "fp_uptime_seconds 12.345\n"
			      "fp_uptime_seconds 0.007\n"
			      "# EOF\n";

START_TEST(test_prom_text_golden)
{
	char buf[4096];
	int n = build_page(buf, sizeof(buf), FP_PROM_TEXT);

	ck_assert_int_eq(n, (int)strlen(text_page));
	ck_assert_str_eq(buf, text_page);
}
END_TEST

START_TEST(test_prom_openmetrics_golden)
{
	char buf[4096];
	int n = build_page(buf, sizeof(buf), FP_PROM_OPENMETRICS);

	ck_assert_int_eq(n, (int)strlen(om_page));
	ck_assert_str_eq(buf, om_page);
}
END_TEST

/* Every buffer shorter than the page gives -ENOSPC, "" and no byte past cap. */
START_TEST(test_prom_enospc_every_size)
{
	const enum fp_prom_format fmts[] = {FP_PROM_TEXT, FP_PROM_OPENMETRICS};

	for (size_t f = 0; f < 2; f++) {
		const char *want = fmts[f] == FP_PROM_TEXT ? text_page : om_page;
		size_t need = strlen(want) + 1;

		for (size_t cap = 0; cap <= need; cap++) {
			char *buf = malloc(cap + 16);
			int rc;

			memset(buf, 'x', cap + 16);
			rc = build_page(buf, cap, fmts[f]);
			if (cap < need) {
				ck_assert_int_eq(rc, -ENOSPC);
				if (cap > 0)
					ck_assert_int_eq(buf[0], '\0');
			} else {
				ck_assert_int_eq(rc, (int)need - 1);
				ck_assert_str_eq(buf, want);
			}
			for (size_t i = cap; i < cap + 16; i++)
				ck_assert_int_eq(buf[i], 'x');
			free(buf);
		}
	}
}
END_TEST

static int
finish_after(void (*fn)(struct fp_prom *))
{
	char buf[512];
	struct fp_prom p;

	fp_prom_init(&p, buf, sizeof(buf), FP_PROM_TEXT);
	fn(&p);
	return fp_prom_finish(&p);
}

static void
sample_without_family(struct fp_prom *p)
{
	fp_prom_sample(p, NULL, 0, 1);
}

static void
bad_family_name(struct fp_prom *p)
{
	fp_prom_family(p, "9lives", FP_PROM_GAUGE, "x");
}

static void
bad_family_char(struct fp_prom *p)
{
	fp_prom_family(p, "fp-x", FP_PROM_GAUGE, "x");
}

static void
empty_family_name(struct fp_prom *p)
{
	fp_prom_family(p, "", FP_PROM_GAUGE, "x");
}

static void
long_family_name(struct fp_prom *p)
{
	char name[FP_PROM_NAME_MAX];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	fp_prom_family(p, name, FP_PROM_GAUGE, "x");
}

static void
bad_label_name(struct fp_prom *p)
{
	const struct fp_prom_label l[] = {{"a:b", "v"}};

	fp_prom_family(p, "fp_x", FP_PROM_GAUGE, "x");
	fp_prom_sample(p, l, 1, 1);
}

static void
reserved_label_name(struct fp_prom *p)
{
	const struct fp_prom_label l[] = {{"__name__", "v"}};

	fp_prom_family(p, "fp_x", FP_PROM_GAUGE, "x");
	fp_prom_sample(p, l, 1, 1);
}

static void
null_label_value(struct fp_prom *p)
{
	const struct fp_prom_label l[] = {{"a", NULL}};

	fp_prom_family(p, "fp_x", FP_PROM_GAUGE, "x");
	fp_prom_sample(p, l, 1, 1);
}

static void
info_not_one(struct fp_prom *p)
{
	fp_prom_family(p, "fp_x", FP_PROM_INFO, "x");
	fp_prom_sample(p, NULL, 0, 2);
}

static void
info_milli(struct fp_prom *p)
{
	fp_prom_family(p, "fp_x", FP_PROM_INFO, "x");
	fp_prom_sample_milli(p, NULL, 0, 1000);
}

static void
names_ok(struct fp_prom *p)
{
	const struct fp_prom_label l[] = {{"_a1", ""}};

	fp_prom_family(p, "ns:fp_x_1", FP_PROM_GAUGE, NULL);
	fp_prom_sample(p, l, 1, 0);
}

START_TEST(test_prom_misuse)
{
	char buf[64];
	struct fp_prom p;

	ck_assert_int_eq(finish_after(sample_without_family), -EINVAL);
	ck_assert_int_eq(finish_after(bad_family_name), -EINVAL);
	ck_assert_int_eq(finish_after(bad_family_char), -EINVAL);
	ck_assert_int_eq(finish_after(empty_family_name), -EINVAL);
	ck_assert_int_eq(finish_after(long_family_name), -EINVAL);
	ck_assert_int_eq(finish_after(bad_label_name), -EINVAL);
	ck_assert_int_eq(finish_after(reserved_label_name), -EINVAL);
	ck_assert_int_eq(finish_after(null_label_value), -EINVAL);
	ck_assert_int_eq(finish_after(info_not_one), -EINVAL);
	ck_assert_int_eq(finish_after(info_milli), -EINVAL);
	ck_assert_int_gt(finish_after(names_ok), 0);

	/* The first error wins: a later overflow does not hide a misuse. */
	fp_prom_init(&p, buf, sizeof(buf), FP_PROM_TEXT);
	fp_prom_sample(&p, NULL, 0, 1);
	for (int i = 0; i < 20; i++)
		fp_prom_family(&p, "fp_x", FP_PROM_GAUGE, "a long help text that overflows");
	ck_assert_int_eq(fp_prom_finish(&p), -EINVAL);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_prom_content_type)
{
	ck_assert_str_eq(fp_prom_content_type(FP_PROM_TEXT),
			"text/plain; version=0.0.4; charset=utf-8");
	ck_assert_str_eq(fp_prom_content_type(FP_PROM_OPENMETRICS),
			"application/openmetrics-text; version=1.0.0; charset=utf-8");
}
END_TEST

START_TEST(test_prom_negotiate)
{
	static const struct {
		const char *accept;
		enum fp_prom_format want;
	} cases[] = {
			{NULL, FP_PROM_TEXT},
			{"", FP_PROM_TEXT},
			{"*/*", FP_PROM_TEXT},
			{"text/plain", FP_PROM_TEXT},
			/* what Prometheus 2.42 sends */
			{"application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
			 "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
					FP_PROM_OPENMETRICS},
			{"application/openmetrics-text", FP_PROM_OPENMETRICS},
			{"Application/OpenMetrics-Text ; Q=1.000", FP_PROM_OPENMETRICS},
			{"application/openmetrics-text; version=1.0.0; charset=utf-8",
					FP_PROM_OPENMETRICS},
			{"application/openmetrics-text;q=0", FP_PROM_TEXT},
			{"application/openmetrics-text;q=0.000", FP_PROM_TEXT},
			{"application/openmetrics-text;q=0.001", FP_PROM_OPENMETRICS},
			{"application/openmetrics-text;q=0.2, text/plain;q=0.9", FP_PROM_TEXT},
			{"text/plain;q=0.5, application/openmetrics-text;q=0.5",
					FP_PROM_OPENMETRICS},
			{"text/*;q=0.9, application/openmetrics-text;q=0.8", FP_PROM_TEXT},
			/* malformed q: the range does not count */
			{"application/openmetrics-text;q=2", FP_PROM_TEXT},
			{"application/openmetrics-text;q=0.5000", FP_PROM_TEXT},
			{"application/openmetrics-text;q=1.5", FP_PROM_TEXT},
			{"application/openmetrics-text;q=", FP_PROM_TEXT},
			{"application/openmetrics-text;q=x", FP_PROM_TEXT},
			{"application/openmetrics-text;q", FP_PROM_OPENMETRICS},
			{"application/openmetrics-textx", FP_PROM_TEXT},
			{"application/openmetrics", FP_PROM_TEXT},
			{",,;;,=,application/openmetrics-text;;=;q=1", FP_PROM_OPENMETRICS},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(fp_prom_negotiate(cases[i].accept) == cases[i].want, "case %zu: %s",
				i, cases[i].accept ? cases[i].accept : "(null)");
}
END_TEST

/* Mutations of a real Accept header never crash or read past the NUL. */
START_TEST(test_prom_negotiate_fuzz)
{
	static const char seed[] = "application/openmetrics-text;version=1.0.0;q=0.75,"
				   "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
	unsigned int r = 777;

	for (int iter = 0; iter < 100000; iter++) {
		size_t len = sizeof(seed) - 1;
		char *buf = malloc(len + 1); /* exact size: ASan catches over-reads */
		enum fp_prom_format f;

		memcpy(buf, seed, len + 1);
		for (int m = 0; m < 1 + iter % 6; m++) {
			r = r * 1103515245u + 12345u;
			buf[(r >> 8) % len] = (char)(r >> 20);
		}
		r = r * 1103515245u + 12345u;
		if (iter % 3 == 0)
			buf[(r >> 8) % (len + 1)] = '\0';
		f = fp_prom_negotiate(buf);
		ck_assert(f == FP_PROM_TEXT || f == FP_PROM_OPENMETRICS);
		free(buf);
	}
}
END_TEST

static Suite *
prom_suite(void)
{
	Suite *s = suite_create("prom");
	TCase *tc = tcase_create("writer");

	tcase_add_test(tc, test_prom_text_golden);
	tcase_add_test(tc, test_prom_openmetrics_golden);
	tcase_add_test(tc, test_prom_enospc_every_size);
	tcase_add_test(tc, test_prom_misuse);
	tcase_add_test(tc, test_prom_content_type);
	suite_add_tcase(s, tc);

	tc = tcase_create("accept");
	tcase_add_test(tc, test_prom_negotiate);
	tcase_add_test(tc, test_prom_negotiate_fuzz);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(prom_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
