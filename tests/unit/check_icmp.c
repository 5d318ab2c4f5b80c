/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/proto/icmp.c, reached from fp_input() after IPv4
 * validation: the in-place echo reply (byte-exact against scapy, checksums
 * valid for every payload length), padding, and each ICMP drop reason.
 */
#include <stdlib.h>

#include <check.h>

#include "fp/csum.h"
#include "fp/icmp.h"
#include "fp/wire.h"
#include "../fixtures/fx_ctx.h"
#include "pkt_build.h"

#define IP(f)   ((f) + FP_ETH_HLEN)
#define ICMP(f) ((f) + FP_ETH_HLEN + FP_IP4_HLEN)

static void
assert_reply_checksums_valid(const uint8_t *fr)
{
	uint16_t l4_len = (uint16_t)(fp_load_be16(IP(fr) + FP_IP4_OFF_TOTLEN) - FP_IP4_HLEN);

	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(IP(fr), FP_IP4_HLEN, 0)), 0);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(ICMP(fr), l4_len, 0)), 0);
}

START_TEST(test_icmp_echo_reply_bytes)
{
	struct fx f;
	uint8_t out[128];
	struct fp_pkt pkt;

	fx_init(&f);
	ck_assert_int_eq(fx_run(&f, fx_icmp_echo_request, sizeof(fx_icmp_echo_request),
					 sizeof(fx_icmp_echo_request), 0, out, &pkt),
			FP_VERDICT_TX);
	ck_assert_uint_eq(pkt.len, sizeof(fx_icmp_echo_reply_expected));
	/* Every byte as scapy builds the reply (its own checksum code, not ours). */
	ck_assert_mem_eq(out, fx_icmp_echo_reply_expected, sizeof(fx_icmp_echo_reply_expected));
	assert_reply_checksums_valid(out);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ICMP_ECHO_REPLIES), 1);
}
END_TEST

START_TEST(test_icmp_padded_request)
{
	struct fx f;
	uint8_t out[128];
	struct fp_pkt pkt;

	fx_init(&f);
	/* 42-byte ping padded with 0xaa to 60: reply is 60 bytes with zero padding. */
	ck_assert_int_eq(fx_run(&f, fx_icmp_echo_request_padded, 60, 60, 0, out, &pkt),
			FP_VERDICT_TX);
	ck_assert_uint_eq(pkt.len, 60);
	ck_assert_mem_eq(out, fx_icmp_echo_reply_padded_expected, 60);
	/* Same request without room to pad: 42 bytes go out. */
	ck_assert_int_eq(fx_run(&f, fx_icmp_echo_request_padded, 42, 42, 0, out, &pkt),
			FP_VERDICT_TX);
	ck_assert_uint_eq(pkt.len, 42);
	ck_assert_mem_eq(out, fx_icmp_echo_reply_padded_expected, 42);
}
END_TEST

START_TEST(test_icmp_reply_checksum_every_length)
{
	/* Random payloads of every length 0..1472 (odd ones too): reply checksums verify. */
	static uint8_t payload[1472];
	static uint8_t fr[1600], out[1600];
	struct fx f;

	fx_init(&f);
	for (uint16_t n = 0; n <= sizeof(payload); n++) {
		struct pkt_spec s = {.src_mac = FX_PEER_MAC,
				.dst_mac = FX_OUR_MAC,
				.src_ip = FX_PEER_IP,
				.dst_ip = FX_OUR_IP,
				.icmp_type = FP_ICMP_ECHO_REQ,
				.icmp_id = (uint16_t)test_rng(),
				.icmp_seq = n,
				.payload = payload,
				.payload_len = n};
		size_t len;
		struct fp_pkt pkt;

		for (uint16_t i = 0; i < n; i++)
			payload[i] = (uint8_t)test_rng();
		len = pkt_build_icmp(fr, sizeof(fr), &s);
		ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, sizeof(fr), 0, out, &pkt),
				FP_VERDICT_TX);
		assert_reply_checksums_valid(out);
		ck_assert_uint_eq(ICMP(out)[FP_ICMP_OFF_TYPE], FP_ICMP_ECHO_REPLY);
		ck_assert_mem_eq(ICMP(out) + 4, ICMP(fr) + 4, (size_t)n + 4); /* id, seq, data */
		ck_assert_uint_eq(pkt.len, len < 60 ? 60 : len);
	}
}
END_TEST

START_TEST(test_icmp_all_zero_reply)
{
	/* id 0, seq 0, zero payload: the reply's data is all zero and needs
	 * checksum 0xffff, where RFC 1624 eqn. 3 alone gives 0x0000. */
	static const uint8_t zeros[16];
	struct pkt_spec s = {.src_mac = FX_PEER_MAC,
			.dst_mac = FX_OUR_MAC,
			.src_ip = FX_PEER_IP,
			.dst_ip = FX_OUR_IP,
			.icmp_type = FP_ICMP_ECHO_REQ,
			.payload = zeros,
			.payload_len = sizeof(zeros)};
	uint8_t fr[128], out[128];
	size_t len = pkt_build_icmp(fr, sizeof(fr), &s);
	struct fx f;

	fx_init(&f);
	ck_assert_uint_eq(fp_load_be16(ICMP(fr) + FP_ICMP_OFF_CSUM), 0xf7ff);
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, out, NULL), FP_VERDICT_TX);
	ck_assert_uint_eq(fp_load_be16(ICMP(out) + FP_ICMP_OFF_CSUM), 0xffff);
	assert_reply_checksums_valid(out);
}
END_TEST

START_TEST(test_icmp_bad_csum)
{
	struct fx f;
	uint8_t fr[sizeof(fx_icmp_echo_request)];

	fx_init(&f);
	/* Flip one bit anywhere in the message. */
	for (size_t i = FP_ETH_HLEN + FP_IP4_HLEN; i < sizeof(fr); i++) {
		memcpy(fr, fx_icmp_echo_request, sizeof(fr));
		fr[i] ^= 0x10;
		fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_ICMP_CSUM);
	}
	/* With the NIC's "L4 checksum good" flag, the message is not re-checked. */
	memcpy(fr, fx_icmp_echo_request, sizeof(fr));
	fr[sizeof(fr) - 1] ^= 0x10;
	ck_assert_int_eq(fx_run(&f, fr, sizeof(fr), sizeof(fr), FP_PKT_L4_CSUM_GOOD, NULL, NULL),
			FP_VERDICT_TX);
}
END_TEST

START_TEST(test_icmp_other_types)
{
	static const uint8_t types[] = {0, 3, 5, 11, 13, 14, 17, 42, 255};
	struct fx f;
	uint8_t fr[sizeof(fx_icmp_echo_request)];

	fx_init(&f);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		uint8_t *icmp = ICMP(fr);

		memcpy(fr, fx_icmp_echo_request, sizeof(fr));
		icmp[FP_ICMP_OFF_TYPE] = types[i];
		fp_store_be16(icmp + FP_ICMP_OFF_CSUM, 0);
		fp_store_be16(icmp + FP_ICMP_OFF_CSUM,
				fp_csum_fold(fp_csum_partial(
						icmp, sizeof(fr) - FP_ETH_HLEN - FP_IP4_HLEN, 0)));
		fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_ICMP_TYPE);
	}
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ICMP_ECHO_REPLIES), 0);
}
END_TEST

START_TEST(test_icmp_short_message)
{
	struct fx f;
	uint8_t fr[64];

	fx_init(&f);
	/* IPv4 total length leaves 0..7 ICMP bytes: too short for the ICMP header. */
	for (uint16_t l4 = 0; l4 < FP_ICMP_HLEN; l4++) {
		memcpy(fr, fx_icmp_echo_request, sizeof(fr));
		fp_store_be16(IP(fr) + FP_IP4_OFF_TOTLEN, (uint16_t)(FP_IP4_HLEN + l4));
		pkt_fix_ip4_csum(fr);
		fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_ICMP_TRUNCATED);
	}
}
END_TEST

START_TEST(test_icmp_truncated_every_length)
{
	struct fx f;
	uint16_t full = sizeof(fx_icmp_echo_request);

	fx_init(&f);
	for (uint16_t len = 0; len <= full; len++) {
		if (len < FP_ETH_HLEN)
			fx_expect_drop(&f, fx_icmp_echo_request, len, FP_CTR_DROP_ETH_TRUNCATED);
		else if (len < FP_ETH_HLEN + FP_IP4_HLEN)
			fx_expect_drop(&f, fx_icmp_echo_request, len, FP_CTR_DROP_IP4_TRUNCATED);
		else if (len < full)
			fx_expect_drop(&f, fx_icmp_echo_request, len, FP_CTR_DROP_IP4_BAD_LEN);
		else
			ck_assert_int_eq(fx_run(&f, fx_icmp_echo_request, len, len, 0, NULL, NULL),
					FP_VERDICT_TX);
	}
}
END_TEST

static Suite *
icmp_suite(void)
{
	Suite *s = suite_create("icmp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_icmp_echo_reply_bytes);
	tcase_add_test(tc, test_icmp_padded_request);
	tcase_add_test(tc, test_icmp_reply_checksum_every_length);
	tcase_add_test(tc, test_icmp_all_zero_reply);
	tcase_add_test(tc, test_icmp_bad_csum);
	tcase_add_test(tc, test_icmp_other_types);
	tcase_add_test(tc, test_icmp_short_message);
	tcase_add_test(tc, test_icmp_truncated_every_length);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(icmp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
