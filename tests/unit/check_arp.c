/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/proto/arp.c, reached from fp_input() for ethertype
 * 0x0806: the in-place reply byte by byte, what is answered and what is not,
 * and every malformed case.
 */
#include <stdlib.h>

#include <check.h>

#include "fp/arp.h"
#include "fp/wire.h"
#include "../fixtures/fx_ctx.h"
#include "pkt_build.h"

static const uint8_t our_mac[6] = FX_OUR_MAC;
static const uint8_t peer_mac[6] = FX_PEER_MAC;

START_TEST(test_arp_request_reply_bytes)
{
	struct fx f;
	uint8_t out[64];
	struct fp_pkt pkt;

	fx_init(&f);
	ck_assert_int_eq(fx_run(&f, fx_arp_request, sizeof(fx_arp_request), 64, 0, out, &pkt),
			FP_VERDICT_TX);
	/* Byte for byte what scapy builds for the reply, padding zeroed. */
	ck_assert_uint_eq(pkt.len, sizeof(fx_arp_reply_expected));
	ck_assert_mem_eq(out, fx_arp_reply_expected, sizeof(fx_arp_reply_expected));
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ARP_REQUESTS), 1);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ARP_REPLIES_SENT), 1);
}
END_TEST

START_TEST(test_arp_reply_without_padding_room)
{
	struct fx f;
	uint8_t out[64];
	struct fp_pkt pkt;

	fx_init(&f);
	/* A 42-byte request in a 42-byte buffer: reply stays 42 bytes (the NIC pads). */
	ck_assert_int_eq(fx_run(&f, fx_arp_request, 42, 42, 0, out, &pkt), FP_VERDICT_TX);
	ck_assert_uint_eq(pkt.len, 42);
	ck_assert_mem_eq(out, fx_arp_reply_expected, 42);
}
END_TEST

START_TEST(test_arp_padding_is_zeroed)
{
	struct fx f;
	uint8_t fr[60], out[64];

	fx_init(&f);
	memcpy(fr, fx_arp_request, sizeof(fr));
	memset(fr + 42, 0x5a, 18); /* junk padding must not be reflected */
	ck_assert_int_eq(fx_run(&f, fr, sizeof(fr), sizeof(fr), 0, out, NULL), FP_VERDICT_TX);
	ck_assert_mem_eq(out, fx_arp_reply_expected, sizeof(fx_arp_reply_expected));
}
END_TEST

START_TEST(test_arp_request_not_us)
{
	struct fx f;
	struct pkt_spec s = {.src_mac = FX_PEER_MAC,
			.dst_mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			.src_ip = FX_PEER_IP,
			.dst_ip = 0x0a000009u};
	uint8_t fr[64];
	size_t len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REQUEST);

	fx_init(&f);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_ARP_NOT_US);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ARP_REQUESTS), 1);
}
END_TEST

/* Announcements of a binding are taken in without an answer. */
START_TEST(test_arp_gratuitous_and_reply_consumed)
{
	struct fx f;
	struct pkt_spec s = {.src_mac = FX_PEER_MAC,
			.dst_mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			.src_ip = 0x0a000005u,
			.dst_ip = 0x0a000005u};
	uint8_t fr[64];
	size_t len;

	fx_init(&f);
	/* Gratuitous request: sender == target. */
	len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REQUEST);
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL),
			FP_VERDICT_CONSUMED);
	/* Gratuitous reply (op 2, broadcast). */
	s.src_ip = s.dst_ip = 0x0a000006u;
	len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REPLY);
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL),
			FP_VERDICT_CONSUMED);
	/* Unicast reply to us. */
	memcpy(s.dst_mac, our_mac, 6);
	s.src_ip = 0x0a000007u;
	s.dst_ip = FX_OUR_IP;
	len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REPLY);
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL),
			FP_VERDICT_CONSUMED);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ARP_REPLIES_SENT), 0);
}
END_TEST

START_TEST(test_arp_our_ip_claimed_or_probed)
{
	struct fx f;
	struct pkt_spec s = {.src_mac = FX_PEER_MAC,
			.dst_mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			.src_ip = FX_OUR_IP,
			.dst_ip = FX_OUR_IP};
	uint8_t fr[64], out[64];
	size_t len;

	fx_init(&f);
	/* Someone else announcing our address: not answered. */
	len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REQUEST);
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL),
			FP_VERDICT_CONSUMED);
	/* RFC 5227 probe (sender 0.0.0.0) for our address: answered. */
	s.src_ip = 0;
	len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REQUEST);
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, out, NULL), FP_VERDICT_TX);
	ck_assert_uint_eq(fp_load_be32(out + FP_ETH_HLEN + FP_ARP_OFF_TPA), 0);
	ck_assert_uint_eq(fp_load_be32(out + FP_ETH_HLEN + FP_ARP_OFF_SPA), FX_OUR_IP);
	ck_assert_mem_eq(out + FP_ETH_HLEN + FP_ARP_OFF_THA, peer_mac, 6);
}
END_TEST

START_TEST(test_arp_unconfigured_iface)
{
	struct fx f;
	struct pkt_spec s = {.src_mac = FX_PEER_MAC,
			.dst_mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			.src_ip = FX_PEER_IP,
			.dst_ip = 0};
	uint8_t fr[64];
	size_t len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REQUEST);

	fx_init(&f);
	f.ctx.ifaces[0].ip4 = 0; /* no address: a request for 0.0.0.0 is not for us */
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_ARP_NOT_US);
}
END_TEST

START_TEST(test_arp_malformed_fields)
{
	/* Offset in the ARP header, bytes to write there: each makes the packet malformed. */
	static const struct {
		uint8_t off, len;
		uint8_t v[2];
	} bad[] = {
			{FP_ARP_OFF_HTYPE, 2, {0x00, 0x06}}, /* IEEE 802 */
			{FP_ARP_OFF_HTYPE, 2, {0x00, 0x00}},
			{FP_ARP_OFF_PTYPE, 2, {0x86, 0xdd}},
			{FP_ARP_OFF_HLEN, 1, {8}},
			{FP_ARP_OFF_HLEN, 1, {0}},
			{FP_ARP_OFF_PLEN, 1, {16}},
			{FP_ARP_OFF_OP, 2, {0x00, 0x00}},
			{FP_ARP_OFF_OP, 2, {0x00, 0x03}}, /* RARP request */
			{FP_ARP_OFF_OP, 2, {0x01, 0x01}},
			{FP_ARP_OFF_SHA, 1, {0x01}}, /* group sender MAC */
			{FP_ARP_OFF_SHA, 1, {0xff}},
	};
	struct fx f;
	uint8_t fr[60];

	fx_init(&f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(fr, fx_arp_request, sizeof(fr));
		memcpy(fr + FP_ETH_HLEN + bad[i].off, bad[i].v, bad[i].len);
		fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_ARP_MALFORMED);
	}
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ARP_REQUESTS), 0);
}
END_TEST

START_TEST(test_arp_truncated_every_length)
{
	struct fx f;
	uint8_t out[64];

	fx_init(&f);
	for (uint16_t len = 0; len <= sizeof(fx_arp_request); len++) {
		if (len < FP_ETH_HLEN)
			fx_expect_drop(&f, fx_arp_request, len, FP_CTR_DROP_ETH_TRUNCATED);
		else if (len < FP_ETH_HLEN + FP_ARP_LEN)
			fx_expect_drop(&f, fx_arp_request, len, FP_CTR_DROP_ARP_MALFORMED);
		else
			ck_assert_int_eq(fx_run(&f, fx_arp_request, len, len, 0, out, NULL),
					FP_VERDICT_TX);
	}
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ARP_REPLIES_SENT),
			sizeof(fx_arp_request) - (FP_ETH_HLEN + FP_ARP_LEN) + 1);
}
END_TEST

static Suite *
arp_suite(void)
{
	Suite *s = suite_create("arp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_arp_request_reply_bytes);
	tcase_add_test(tc, test_arp_reply_without_padding_room);
	tcase_add_test(tc, test_arp_padding_is_zeroed);
	tcase_add_test(tc, test_arp_request_not_us);
	tcase_add_test(tc, test_arp_gratuitous_and_reply_consumed);
	tcase_add_test(tc, test_arp_our_ip_claimed_or_probed);
	tcase_add_test(tc, test_arp_unconfigured_iface);
	tcase_add_test(tc, test_arp_malformed_fields);
	tcase_add_test(tc, test_arp_truncated_every_length);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(arp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
