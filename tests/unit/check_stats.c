/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/stats/stats.c: counter names (the keys of the telemetry
 * document and the CLI's stats output, so they must be unique and non-empty)
 * and fp_stats_accumulate(), which the app uses to total its lcores.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fp/stats.h"

/* The enum names as text, from the same list, to check the names against. */
static const char *const enum_names[FP_CTR_COUNT] = {
#define X_ENUM_NAME(id, name) [FP_CTR_##id] = #id,
		FP_FOREACH_COUNTER(X_ENUM_NAME)
#undef X_ENUM_NAME
};

START_TEST(test_stats_names_unique_nonempty)
{
	ck_assert_int_gt(FP_CTR_COUNT, 0);
	for (unsigned i = 0; i < FP_CTR_COUNT; i++) {
		const char *a = fp_stats_name((enum fp_counter)i);

		ck_assert_ptr_nonnull(a);
		ck_assert_uint_gt(strlen(a), 0);
		for (unsigned j = i + 1; j < FP_CTR_COUNT; j++) {
			const char *b = fp_stats_name((enum fp_counter)j);

			ck_assert_ptr_nonnull(b);
			ck_assert_msg(strcmp(a, b) != 0, "counters %u and %u share the name %s", i,
					j, a);
		}
	}
}
END_TEST

/* Schema keys: lower case, digits and '_', the enum suffix in lower case. */
START_TEST(test_stats_names_match_enum)
{
	for (unsigned i = 0; i < FP_CTR_COUNT; i++) {
		const char *name = fp_stats_name((enum fp_counter)i);
		const char *id = enum_names[i];

		ck_assert_uint_eq(strlen(name), strlen(id));
		for (size_t k = 0; name[k] != '\0'; k++) {
			int want = tolower((unsigned char)id[k]);

			ck_assert_msg(islower((unsigned char)name[k]) ||
							isdigit((unsigned char)name[k]) ||
							name[k] == '_',
					"bad character in counter name %s", name);
			ck_assert_int_eq(name[k], want);
		}
	}
	ck_assert_str_eq(fp_stats_name(FP_CTR_RX_PACKETS), "rx_packets");
	ck_assert_str_eq(fp_stats_name(FP_CTR_DROP_TX_FULL), "drop_tx_full");
}
END_TEST

START_TEST(test_stats_name_out_of_range)
{
	ck_assert_ptr_null(fp_stats_name(FP_CTR_COUNT));
	ck_assert_ptr_null(fp_stats_name((enum fp_counter)(FP_CTR_COUNT + 1)));
	ck_assert_ptr_null(fp_stats_name((enum fp_counter)1000));
	ck_assert_ptr_null(fp_stats_name((enum fp_counter) - 1));
	ck_assert_ptr_nonnull(fp_stats_name((enum fp_counter)(FP_CTR_COUNT - 1)));
}
END_TEST

START_TEST(test_stats_add_get)
{
	struct fp_stats st;

	memset(&st, 0, sizeof(st));
	fp_stats_inc(&st, FP_CTR_RX_PACKETS);
	fp_stats_inc(&st, FP_CTR_RX_PACKETS);
	fp_stats_add(&st, FP_CTR_RX_BYTES, 1500);
	fp_stats_set_flows_open(&st, 9);
	ck_assert_uint_eq(fp_stats_get(&st, FP_CTR_RX_PACKETS), 2);
	ck_assert_uint_eq(fp_stats_get(&st, FP_CTR_RX_BYTES), 1500);
	ck_assert_uint_eq(fp_stats_get(&st, FP_CTR_TX_PACKETS), 0);
	ck_assert_uint_eq(fp_stats_get_flows_open(&st), 9);
}
END_TEST

START_TEST(test_stats_accumulate)
{
	struct fp_stats a, b, total;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&total, 0, sizeof(total));
	for (unsigned i = 0; i < FP_CTR_COUNT; i++) {
		fp_stats_add(&a, (enum fp_counter)i, i + 1);
		fp_stats_add(&b, (enum fp_counter)i, 1000u * (i + 1));
	}
	/* A value past 32 bits must not be truncated. */
	fp_stats_add(&b, FP_CTR_TX_BYTES, (uint64_t)1 << 40);
	fp_stats_set_flows_open(&a, 3);
	fp_stats_set_flows_open(&b, 40);

	fp_stats_accumulate(&total, &a);
	fp_stats_accumulate(&total, &b);
	for (unsigned i = 0; i < FP_CTR_COUNT; i++) {
		uint64_t want = 1001u * (uint64_t)(i + 1);

		if (i == FP_CTR_TX_BYTES)
			want += (uint64_t)1 << 40;
		ck_assert_uint_eq(fp_stats_get(&total, (enum fp_counter)i), want);
	}
	ck_assert_uint_eq(fp_stats_get_flows_open(&total), 43);
	/* The sources are left alone. */
	ck_assert_uint_eq(fp_stats_get(&a, FP_CTR_RX_PACKETS), FP_CTR_RX_PACKETS + 1);
	ck_assert_uint_eq(fp_stats_get_flows_open(&a), 3);

	/* Accumulating into a non-zero total adds, it does not overwrite. */
	fp_stats_accumulate(&total, &a);
	ck_assert_uint_eq(fp_stats_get(&total, FP_CTR_RX_PACKETS),
			1001u * (FP_CTR_RX_PACKETS + 1) + FP_CTR_RX_PACKETS + 1);
	ck_assert_uint_eq(fp_stats_get_flows_open(&total), 46);
}
END_TEST

static Suite *
stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_stats_names_unique_nonempty);
	tcase_add_test(tc, test_stats_names_match_enum);
	tcase_add_test(tc, test_stats_name_out_of_range);
	tcase_add_test(tc, test_stats_add_get);
	tcase_add_test(tc, test_stats_accumulate);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(stats_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
