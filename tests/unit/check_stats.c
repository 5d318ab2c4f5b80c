/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/stats/stats.c: counter names (the keys of the telemetry
 * document and the CLI's stats output, so they must be unique and non-empty
 * among all members of a counter block)
 * and fp_stats_accumulate(), which the app uses to total its lcores.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fp/stats.h"
#include "fp/tlm.h"

/* The enum names as text, from the same list, to check the names against. */
static const char *const enum_names[FP_CTR_COUNT] = {
#define X_ENUM_NAME(id, name) [FP_CTR_##id] = #id,
		FP_FOREACH_COUNTER(X_ENUM_NAME)
#undef X_ENUM_NAME
};

/*
 * Each block of the telemetry document (and of DPDK telemetry) holds every
 * counter under its name plus the derived members, so the keys of one
 * encoded block must be non-empty and unique. names_match_enum cannot see a
 * counter named like a derived member (a DROPS counter would be "drops").
 */
START_TEST(test_stats_names_unique_nonempty)
{
	static char buf[16384];
	static const char *keys[FP_CTR_COUNT + 8];
	struct fp_tlm_json j;
	struct fp_stats st;
	unsigned n = 0;
	int len;
	char *p;

	memset(&st, 0, sizeof(st));
	fp_tlm_json_init(&j, buf, sizeof(buf));
	fp_tlm_json_counters(&j, &st);
	len = fp_tlm_json_finish(&j);
	ck_assert_int_gt(len, 0);
	/* A flat object of "key":number members, as our encoder writes it. */
	ck_assert_int_eq(buf[0], '{');
	for (p = buf + 1; *p == '"'; n++) {
		char *end = strchr(p + 1, '"');

		ck_assert_ptr_nonnull(end);
		ck_assert_uint_lt(n, sizeof(keys) / sizeof(keys[0]));
		*end = '\0';
		keys[n] = p + 1;
		ck_assert_msg(end > p + 1, "empty key after %u keys", n);
		ck_assert_int_eq(end[1], ':');
		p = end + 2 + strspn(end + 2, "0123456789");
		if (*p == ',')
			p++;
	}
	ck_assert_msg(*p == '}', "unexpected '%c' after %u keys", *p, n);
	ck_assert_uint_ge(n, FP_CTR_COUNT);
	for (unsigned i = 0; i < n; i++)
		for (unsigned k = i + 1; k < n; k++)
			ck_assert_msg(strcmp(keys[i], keys[k]) != 0,
					"members %u and %u of a counter block share the key %s", i,
					k, keys[i]);
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

/* Drop reasons: exactly the drop_* counters, the name without "drop_", non-empty. */
START_TEST(test_stats_drop_reason)
{
	unsigned drops = 0;

	for (unsigned i = 0; i < FP_CTR_COUNT; i++) {
		const char *name = fp_stats_name((enum fp_counter)i);
		const char *reason = fp_stats_drop_reason((enum fp_counter)i);

		if (strncmp(name, "drop_", 5) != 0) {
			ck_assert_ptr_null(reason);
			continue;
		}
		drops++;
		ck_assert_ptr_nonnull(reason);
		ck_assert_str_eq(reason, name + 5);
		ck_assert_uint_gt(strlen(reason), 0);
	}
	ck_assert_uint_gt(drops, 0);
	ck_assert_str_eq(fp_stats_drop_reason(FP_CTR_DROP_ETH_TRUNCATED), "eth_truncated");
	ck_assert_ptr_null(fp_stats_drop_reason(FP_CTR_RX_PACKETS));
	ck_assert_ptr_null(fp_stats_drop_reason(FP_CTR_COUNT));
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

/*
 * fp_stats_drops() sums FP_FOREACH_DROP_COUNTER: exactly the counters named
 * drop_*, each once, and no other (an event counter put into the drop list,
 * or a drop left among the events, fails here).
 */
START_TEST(test_stats_drops_sums_drop_counters)
{
	struct fp_stats st;
	uint64_t want = 0;

	memset(&st, 0, sizeof(st));
	for (unsigned i = 0; i < FP_CTR_COUNT; i++) {
		uint64_t v = (uint64_t)1 << (i % 60);

		fp_stats_add(&st, (enum fp_counter)i, v);
		if (strncmp(fp_stats_name((enum fp_counter)i), "drop_", 5) == 0)
			want += v;
	}
	ck_assert_uint_gt(want, 0);
	ck_assert_uint_eq(fp_stats_drops(&st), want);
	/* The list is contiguous at the end, as telemetry readers expect. */
	ck_assert_str_eq(fp_stats_name(FP_CTR_DROP_ETH_TRUNCATED), "drop_eth_truncated");
	for (unsigned i = 0; i < FP_CTR_COUNT; i++)
		ck_assert_int_eq(strncmp(fp_stats_name((enum fp_counter)i), "drop_", 5) == 0,
				i >= FP_CTR_DROP_ETH_TRUNCATED);
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
	tcase_add_test(tc, test_stats_drop_reason);
	tcase_add_test(tc, test_stats_add_get);
	tcase_add_test(tc, test_stats_accumulate);
	tcase_add_test(tc, test_stats_drops_sums_drop_counters);
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
