/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/proto/arp.c, reached from fp_input() for ethertype
 * 0x0806: the neighbour table (learn, refresh, replace the oldest, lookup),
 * the in-place reply byte by byte, learning rules and every malformed case.
 */
#include <errno.h>
#include <stdlib.h>

#include <check.h>

#include "fp/arp.h"
#include "fp/wire.h"
#include "../fixtures/fx_ctx.h"
#include "pkt_build.h"

static const uint8_t our_mac[6] = FX_OUR_MAC;
static const uint8_t peer_mac[6] = FX_PEER_MAC;

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0xa};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0xb};

START_TEST(test_arp_table_init_errors)
{
	struct fp_arp_table t;
	struct fp_arp_entry e[2];

	ck_assert_int_eq(fp_arp_table_init(&t, NULL, 2), -EINVAL);
	ck_assert_int_eq(fp_arp_table_init(&t, e, 0), -EINVAL);
	ck_assert_int_eq(fp_arp_table_init(&t, e, 2), 0);
	ck_assert_int_eq(fp_arp_learn(&t, 0, mac_a, 0), -EINVAL);
	ck_assert_int_eq(fp_arp_lookup(&t, 0, NULL), -ENOENT);
	ck_assert_int_eq(fp_arp_lookup(&t, 0x0a000002u, NULL), -ENOENT);
}
END_TEST

START_TEST(test_arp_table_learn_lookup_refresh)
{
	struct fp_arp_table t;
	struct fp_arp_entry e[4];
	uint8_t mac[6] = {0};

	fp_arp_table_init(&t, e, 4);
	ck_assert_int_eq(fp_arp_learn(&t, 0x0a000002u, mac_a, 100), 0);
	ck_assert_int_eq(fp_arp_lookup(&t, 0x0a000002u, mac), 0);
	ck_assert_mem_eq(mac, mac_a, 6);
	/* A refresh replaces the MAC in the same slot, not a second entry. */
	ck_assert_int_eq(fp_arp_learn(&t, 0x0a000002u, mac_b, 200), 0);
	ck_assert_int_eq(fp_arp_lookup(&t, 0x0a000002u, mac), 0);
	ck_assert_mem_eq(mac, mac_b, 6);
	ck_assert_uint_eq(e[0].updated_us, 200);
	ck_assert_uint_eq(e[1].ip, 0);
	/* lookup miss leaves mac_out alone */
	ck_assert_int_eq(fp_arp_lookup(&t, 0x0a000003u, mac), -ENOENT);
	ck_assert_mem_eq(mac, mac_b, 6);
}
END_TEST

/* The app's table size: a subnet's worth of consecutive neighbours all fit. */
START_TEST(test_arp_table_holds_200_neighbours_in_256_slots)
{
	static struct fp_arp_entry e[256];
	struct fp_arp_table t;
	uint8_t mac[6] = {2, 0, 0, 0, 0, 0}, got[6];

	ck_assert_int_eq(fp_arp_table_init(&t, e, 256), 0);
	for (uint32_t i = 1; i <= 200; i++) {
		mac[5] = (uint8_t)i;
		ck_assert_int_eq(fp_arp_learn(&t, 0xc6120000u + i, mac, i), 0);
	}
	for (uint32_t i = 1; i <= 200; i++) {
		ck_assert_int_eq(fp_arp_lookup(&t, 0xc6120000u + i, got), 0);
		ck_assert_uint_eq(got[5], i);
	}
	ck_assert_int_eq(fp_arp_lookup(&t, 0xc6120000u + 201, got), -ENOENT);
}
END_TEST

START_TEST(test_arp_table_replaces_oldest)
{
	struct fp_arp_table t;
	struct fp_arp_entry e[3];

	fp_arp_table_init(&t, e, 3);
	fp_arp_learn(&t, 1, mac_a, 0);
	fp_arp_learn(&t, 2, mac_a, 0);
	fp_arp_learn(&t, 3, mac_a, 0);
	fp_arp_learn(&t, 1, mac_b, 0); /* refresh: 2 is now the oldest */
	fp_arp_learn(&t, 4, mac_a, 0);
	ck_assert_int_eq(fp_arp_lookup(&t, 2, NULL), -ENOENT);
	ck_assert_int_eq(fp_arp_lookup(&t, 1, NULL), 0);
	ck_assert_int_eq(fp_arp_lookup(&t, 3, NULL), 0);
	ck_assert_int_eq(fp_arp_lookup(&t, 4, NULL), 0);
	fp_arp_learn(&t, 5, mac_a, 0); /* then 3 goes */
	ck_assert_int_eq(fp_arp_lookup(&t, 3, NULL), -ENOENT);
	ck_assert_int_eq(fp_arp_lookup(&t, 1, NULL), 0);
	/* Many more than the capacity: always exactly the 3 newest remain. */
	for (uint32_t ip = 10; ip < 1000; ip++) {
		fp_arp_learn(&t, ip, mac_a, ip);
		ck_assert_int_eq(fp_arp_lookup(&t, ip, NULL), 0);
		if (ip >= 12) {
			ck_assert_int_eq(fp_arp_lookup(&t, ip - 1, NULL), 0);
			ck_assert_int_eq(fp_arp_lookup(&t, ip - 2, NULL), 0);
			ck_assert_int_eq(fp_arp_lookup(&t, ip - 3, NULL), -ENOENT);
		}
	}
}
END_TEST

START_TEST(test_arp_request_reply_bytes)
{
	struct fx f;
	uint8_t out[64];
	uint8_t mac[6];
	struct fp_pkt pkt;

	fx_init(&f);
	ck_assert_int_eq(fx_run(&f, fx_arp_request, sizeof(fx_arp_request), 64, 0, out, &pkt),
			FP_VERDICT_TX);
	/* Byte for byte what scapy builds for the reply, padding zeroed. */
	ck_assert_uint_eq(pkt.len, sizeof(fx_arp_reply_expected));
	ck_assert_mem_eq(out, fx_arp_reply_expected, sizeof(fx_arp_reply_expected));
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ARP_REQUESTS), 1);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ARP_REPLIES_SENT), 1);
	/* The requester is learned. */
	ck_assert_int_eq(fp_arp_lookup(&f.arp, FX_PEER_IP, mac), 0);
	ck_assert_mem_eq(mac, peer_mac, 6);
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

START_TEST(test_arp_no_table)
{
	struct fx f;
	uint8_t fr[60], out[64];

	fx_init(&f);
	f.ctx.arp = NULL; /* learning is optional; replies are not */
	ck_assert_int_eq(fx_run(&f, fx_arp_request, 60, 60, 0, out, NULL), FP_VERDICT_TX);
	ck_assert_mem_eq(out, fx_arp_reply_expected, 60);
	/* A gratuitous ARP with nowhere to learn it is still consumed. */
	memcpy(fr, fx_arp_request, sizeof(fr));
	memcpy(fr + FP_ETH_HLEN + FP_ARP_OFF_TPA, fr + FP_ETH_HLEN + FP_ARP_OFF_SPA, 4);
	ck_assert_int_eq(fx_run(&f, fr, 60, 60, 0, NULL, NULL), FP_VERDICT_CONSUMED);
}
END_TEST

START_TEST(test_arp_request_not_us)
{
	struct fx f;
	struct pkt_spec s = {.src_mac = FX_PEER_MAC,
			.dst_mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			.src_ip = FX_PEER_IP,
			.dst_ip = 0x0a000009u};
	uint8_t fr[64], mac[6];
	size_t len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REQUEST);

	fx_init(&f);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_ARP_NOT_US);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ARP_REQUESTS), 1);
	/* Unknown sender: not learned (RFC 826 merge only refreshes). */
	ck_assert_int_eq(fp_arp_lookup(&f.arp, FX_PEER_IP, NULL), -ENOENT);
	/* Known sender with a new MAC: refreshed. */
	fp_arp_learn(&f.arp, FX_PEER_IP, mac_a, 0);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_ARP_NOT_US);
	ck_assert_int_eq(fp_arp_lookup(&f.arp, FX_PEER_IP, mac), 0);
	ck_assert_mem_eq(mac, peer_mac, 6);
}
END_TEST

START_TEST(test_arp_gratuitous_and_reply_learn)
{
	struct fx f;
	struct pkt_spec s = {.src_mac = FX_PEER_MAC,
			.dst_mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			.src_ip = 0x0a000005u,
			.dst_ip = 0x0a000005u};
	uint8_t fr[64], mac[6];
	size_t len;

	fx_init(&f);
	/* Gratuitous request: sender == target. */
	len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REQUEST);
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL),
			FP_VERDICT_CONSUMED);
	ck_assert_int_eq(fp_arp_lookup(&f.arp, 0x0a000005u, mac), 0);
	ck_assert_mem_eq(mac, peer_mac, 6);
	/* Gratuitous reply (op 2, broadcast). */
	s.src_ip = s.dst_ip = 0x0a000006u;
	len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REPLY);
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL),
			FP_VERDICT_CONSUMED);
	ck_assert_int_eq(fp_arp_lookup(&f.arp, 0x0a000006u, NULL), 0);
	/* Unicast reply to us. */
	memcpy(s.dst_mac, our_mac, 6);
	s.src_ip = 0x0a000007u;
	s.dst_ip = FX_OUR_IP;
	len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REPLY);
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL),
			FP_VERDICT_CONSUMED);
	ck_assert_int_eq(fp_arp_lookup(&f.arp, 0x0a000007u, NULL), 0);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_ARP_REPLIES_SENT), 0);
}
END_TEST

START_TEST(test_arp_never_learn_our_ip_or_zero)
{
	struct fx f;
	struct pkt_spec s = {.src_mac = FX_PEER_MAC,
			.dst_mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			.src_ip = FX_OUR_IP,
			.dst_ip = FX_OUR_IP};
	uint8_t fr[64], out[64];
	size_t len;

	fx_init(&f);
	/* Someone else announcing our address: not learned, not answered. */
	len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REQUEST);
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL),
			FP_VERDICT_CONSUMED);
	ck_assert_int_eq(fp_arp_lookup(&f.arp, FX_OUR_IP, NULL), -ENOENT);
	/* RFC 5227 probe (sender 0.0.0.0) for our address: answered, sender not learned. */
	s.src_ip = 0;
	len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REQUEST);
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, out, NULL), FP_VERDICT_TX);
	ck_assert_uint_eq(fp_load_be32(out + FP_ETH_HLEN + FP_ARP_OFF_TPA), 0);
	ck_assert_uint_eq(fp_load_be32(out + FP_ETH_HLEN + FP_ARP_OFF_SPA), FX_OUR_IP);
	ck_assert_mem_eq(out + FP_ETH_HLEN + FP_ARP_OFF_THA, peer_mac, 6);
	for (uint32_t i = 0; i < FX_ARP_SLOTS; i++)
		ck_assert_uint_eq(f.arp_slots[i].ip, 0);
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
	ck_assert_int_eq(fp_arp_lookup(&f.arp, FX_PEER_IP, NULL), -ENOENT);
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

	tcase_add_test(tc, test_arp_table_init_errors);
	tcase_add_test(tc, test_arp_table_learn_lookup_refresh);
	tcase_add_test(tc, test_arp_table_replaces_oldest);
	tcase_add_test(tc, test_arp_table_holds_200_neighbours_in_256_slots);
	tcase_add_test(tc, test_arp_request_reply_bytes);
	tcase_add_test(tc, test_arp_reply_without_padding_room);
	tcase_add_test(tc, test_arp_padding_is_zeroed);
	tcase_add_test(tc, test_arp_no_table);
	tcase_add_test(tc, test_arp_request_not_us);
	tcase_add_test(tc, test_arp_gratuitous_and_reply_learn);
	tcase_add_test(tc, test_arp_never_learn_our_ip_or_zero);
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
