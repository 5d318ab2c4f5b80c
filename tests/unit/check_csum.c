/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/proto/csum.c: the Internet checksum every header builder
 * and validator on the packet path uses (RFC 1071), the incremental update
 * the ICMP echo reply relies on (RFC 1624) and the IPv4 pseudo-header.
 */
#include <stdlib.h>

#include <check.h>

#include "fp/csum.h"
#include "fp/wire.h"
#include "pkt_build.h"
#include "../fixtures/frames.h"

/* Reference: RFC 1071 4.1's loop, one 16-bit word at a time, 32-bit accumulator. */
static uint16_t
ref_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

START_TEST(test_csum_rfc1071_example)
{
	/* RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
	static const uint8_t v[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(v, sizeof(v), 0)), (uint16_t)~0xddf2);
	/* Byte order independence (RFC 1071 2.B): same sum in two pieces. */
	ck_assert_uint_eq(
			fp_csum_fold(fp_csum_partial(v + 4, 4, fp_csum_partial(v, 4, 0))), 0x220d);
}
END_TEST

START_TEST(test_csum_captured_ip4_header)
{
	/* IPv4 header from a capture (192.168.0.1 -> 192.168.0.199, UDP), as in
	 * Wikipedia's "IPv4 header checksum" example; stored checksum b861. */
	uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
			0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};

	/* A valid header sums to 0xffff, which folds to 0. */
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(h, sizeof(h), 0)), 0);
	ck_assert(fp_csum_hdr20_ok(h));
	/* One bit off in either byte of a word, and the sum is no longer all ones. */
	h[9] ^= 0x01;
	ck_assert(!fp_csum_hdr20_ok(h));
	h[9] ^= 0x01;
	h[8] ^= 0x80;
	ck_assert(!fp_csum_hdr20_ok(h));
	h[8] ^= 0x80;
	h[10] = h[11] = 0;
	ck_assert(!fp_csum_hdr20_ok(h));
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(h, sizeof(h), 0)), 0xb861);
}
END_TEST

START_TEST(test_csum_scapy_headers)
{
	/* Checksums scapy computed for frames.h: IPv4 header and ICMP message. */
	const uint8_t *ip = fx_icmp_echo_request + FP_ETH_HLEN;

	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(ip, FP_IP4_HLEN, 0)), 0);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(ip + FP_IP4_HLEN,
					  sizeof(fx_icmp_echo_request) - FP_ETH_HLEN - FP_IP4_HLEN,
					  0)),
			0);
}
END_TEST

START_TEST(test_csum_pseudo_ip4_scapy_tcp)
{
	/* The TCP checksum scapy computed for fx_tcp_syn verifies with our pseudo-header. */
	const uint8_t *ip = fx_tcp_syn + FP_ETH_HLEN;
	uint16_t l4_len = (uint16_t)(fp_load_be16(ip + FP_IP4_OFF_TOTLEN) - FP_IP4_HLEN);
	uint32_t sum = fp_csum_pseudo_ip4(fp_load_be32(ip + FP_IP4_OFF_SRC),
			fp_load_be32(ip + FP_IP4_OFF_DST), FP_IPPROTO_TCP, l4_len);

	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(ip + FP_IP4_HLEN, l4_len, sum)), 0);
}
END_TEST

START_TEST(test_csum_odd_lengths)
{
	/* Hand-computed: a trailing odd byte counts as the high byte of a word. */
	static const uint8_t one[] = {0x01};
	static const uint8_t three[] = {0x01, 0x02, 0x03};
	uint8_t buf[1501];

	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(one, 1, 0)), (uint16_t)~0x0100);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(three, 3, 0)), (uint16_t)~0x0402);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(buf, 0, 0)), 0xffff);
	/* Every length 0..1501, every start alignment 0..3, against the reference loop. */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)test_rng();
	for (size_t off = 0; off < 4; off++)
		for (size_t len = 0; len + off <= sizeof(buf); len++)
			ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(buf + off, len, 0)),
					ref_csum(buf + off, len));
}
END_TEST

/* The sum of a buffer is the ones' complement sum of its even-offset pieces,
 * whatever running sum it starts from: the TCP engine adds a payload's sum
 * to a header summed apart. */
START_TEST(test_csum_pieces_add_up)
{
	uint8_t buf[1600];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)test_rng();
	for (int n = 0; n < 20000; n++) {
		size_t len = test_rng() % sizeof(buf), cut = (test_rng() % (len + 1)) & ~(size_t)1;
		uint32_t start = test_rng();
		uint32_t whole = fp_csum_partial(buf, len, start);
		uint32_t parts = fp_csum_add(fp_csum_partial(buf, cut, start),
				fp_csum_partial(buf + cut, len - cut, 0));

		ck_assert_uint_eq(fp_csum_fold(whole), fp_csum_fold(parts));
		/* The inline 20-byte header sum is the same sum, and its check
		 * agrees with the reference. */
		ck_assert_uint_eq(fp_csum_fold(fp_csum_hdr20(buf + len % 1500)),
				ref_csum(buf + len % 1500, 20));
		ck_assert_int_eq(fp_csum_hdr20_ok(buf + len % 1500),
				ref_csum(buf + len % 1500, 20) == 0);
	}
}
END_TEST

/* The loop fp_csum_partial() picks for this CPU (AVX2 from 128 bytes where
 * there is one) gives the portable loop's sum for every length, start and
 * running sum. */
START_TEST(test_csum_cpu_loop_matches_portable)
{
	static uint8_t buf[4096 + 64];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)test_rng();
	for (int n = 0; n < 20000; n++) {
		size_t off = test_rng() % 64, len = test_rng() % 4097;
		uint32_t start = n % 3 ? test_rng() : 0;

		ck_assert_uint_eq(fp_csum_partial(buf + off, len, start),
				fp__csum_partial_portable(buf + off, len, start));
	}
	memset(buf, 0xff, sizeof(buf));
	for (size_t len = 120; len < 400; len++)
		ck_assert_uint_eq(fp_csum_partial(buf + 1, len, 0),
				fp__csum_partial_portable(buf + 1, len, 0));
}
END_TEST

START_TEST(test_csum_all_ones_no_overflow)
{
	/* 64 KiB of 0xff: the accumulator must not lose carries. */
	static uint8_t big[65536];

	memset(big, 0xff, sizeof(big));
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(big, sizeof(big), 0)),
			ref_csum(big, sizeof(big)));
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(big, sizeof(big), 0)), 0);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(big, sizeof(big), 0xffffffffu)), 0);
}
END_TEST

START_TEST(test_csum_rfc1624_example)
{
	/* RFC 1624 section 4: HC 0xdd2f, m 0x5555 -> m' 0x3285 gives 0x0000 (eqn. 3). */
	ck_assert_uint_eq(fp_csum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
	/* The one case eqn. 3 cannot get right: the data became all zero (an echo
	 * request 08 00 <csum f7ff> 0000 0000 turned into a reply). The stored value
	 * must be 0xffff, eqn. 3 gives 0x0000; fp_icmp_input() handles it. */
	ck_assert_uint_eq(fp_csum_update16(0xf7ff, 0x0800, 0x0000), 0x0000);
}
END_TEST

START_TEST(test_csum_rfc1624_matches_recompute)
{
	uint8_t buf[256];
	int zero_cases = 0;

	/* Random messages, random word changed: incremental == full recompute. */
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 4 + 2 * (test_rng() % 120);
		size_t at = 2 + 2 * (test_rng() % ((len - 2) / 2));
		uint16_t csum, old_word, new_word, full;

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)test_rng();
		if (iter % 7 == 0)
			memset(buf + 2, 0xff, len - 2); /* edge: sums of -0 */
		buf[0] = buf[1] = 0;                    /* checksum field at offset 0 */
		csum = fp_csum_fold(fp_csum_partial(buf, len, 0));
		fp_store_be16(buf, csum);
		old_word = fp_load_be16(buf + at);
		new_word = iter % 5 == 0 ? (uint16_t)~old_word : (uint16_t)test_rng();
		fp_store_be16(buf + at, new_word);
		csum = fp_csum_update16(csum, old_word, new_word);
		buf[0] = buf[1] = 0;
		full = fp_csum_fold(fp_csum_partial(buf, len, 0));
		if (full == 0xffff) {
			/* Data now all zero: the documented exception (see csum.h). */
			ck_assert_uint_eq(csum, 0x0000);
			zero_cases++;
			continue;
		}
		/* Equal to a full recompute, and the message validates with it. */
		ck_assert_msg(csum == full,
				"iter %d len %zu at %zu old %04x new %04x: %04x != %04x", iter, len,
				at, old_word, new_word, csum, full);
		fp_store_be16(buf, csum);
		ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(buf, len, 0)), 0);
	}
	ck_assert_int_gt(zero_cases, 0); /* the edge cases above were really exercised */
}
END_TEST

START_TEST(test_csum_pseudo_ip4_fold)
{
	/* Pseudo-header of max values must fold without losing the carry. */
	uint32_t s = fp_csum_pseudo_ip4(0xffffffffu, 0xffffffffu, 0xff, 0xffff);
	uint8_t ph[12] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff};

	ck_assert_uint_eq(fp_csum_fold(s), ref_csum(ph, sizeof(ph)));
}
END_TEST

static Suite *
csum_suite(void)
{
	Suite *s = suite_create("csum");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_csum_rfc1071_example);
	tcase_add_test(tc, test_csum_captured_ip4_header);
	tcase_add_test(tc, test_csum_scapy_headers);
	tcase_add_test(tc, test_csum_pseudo_ip4_scapy_tcp);
	tcase_add_test(tc, test_csum_odd_lengths);
	tcase_add_test(tc, test_csum_cpu_loop_matches_portable);
	tcase_add_test(tc, test_csum_all_ones_no_overflow);
	tcase_add_test(tc, test_csum_pieces_add_up);
	tcase_add_test(tc, test_csum_rfc1624_example);
	tcase_add_test(tc, test_csum_rfc1624_matches_recompute);
	tcase_add_test(tc, test_csum_pseudo_ip4_fold);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(csum_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
