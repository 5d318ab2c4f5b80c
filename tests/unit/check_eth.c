/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/proto/eth.c and fp_input()'s Ethernet step, the first
 * thing every received frame meets: header writer, in-place reply addressing,
 * padding, and the drop reasons for short, foreign, tagged and unknown frames,
 * both through fp_input() and through fp_eth_validate() alone (the check the
 * lwIP firmware's netif runs in front of lwIP).
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fp/eth.h"
#include "fp/wire.h"
#include "../fixtures/fx_ctx.h"

static const uint8_t our_mac[6] = FX_OUR_MAC;
static const uint8_t peer_mac[6] = FX_PEER_MAC;

START_TEST(test_eth_write_round_trip)
{
	uint8_t f[FP_ETH_HLEN];

	fp_eth_write(f, peer_mac, our_mac, FP_ETHERTYPE_ARP);
	ck_assert_mem_eq(f + FP_ETH_OFF_DST, peer_mac, 6);
	ck_assert_mem_eq(f + FP_ETH_OFF_SRC, our_mac, 6);
	ck_assert_uint_eq(fp_load_be16(f + FP_ETH_OFF_TYPE), FP_ETHERTYPE_ARP);
	/* Same bytes scapy wrote for Ether(dst=PEER_MAC, src=OUR_MAC, type=ARP). */
	ck_assert_mem_eq(f, fx_arp_reply_expected, FP_ETH_HLEN);
}
END_TEST

START_TEST(test_eth_reply_swaps)
{
	uint8_t f[FP_ETH_HLEN];

	memcpy(f, fx_icmp_echo_request, sizeof(f));
	fp_eth_reply(f, our_mac);
	ck_assert_mem_eq(f + FP_ETH_OFF_DST, peer_mac, 6);
	ck_assert_mem_eq(f + FP_ETH_OFF_SRC, our_mac, 6);
	ck_assert_uint_eq(fp_load_be16(f + FP_ETH_OFF_TYPE), FP_ETHERTYPE_IPV4);
}
END_TEST

START_TEST(test_eth_pad)
{
	uint8_t f[64];

	memset(f, 0xaa, sizeof(f));
	ck_assert_uint_eq(fp_eth_pad(f, 42, 64), 60);
	for (int i = 42; i < 60; i++)
		ck_assert_uint_eq(f[i], 0);
	ck_assert_uint_eq(f[60], 0xaa); /* nothing written past the minimum */
	ck_assert_uint_eq(f[41], 0xaa);
	memset(f, 0xaa, sizeof(f));
	ck_assert_uint_eq(fp_eth_pad(f, 42, 59), 42); /* no room: the NIC pads */
	ck_assert_uint_eq(f[42], 0xaa);
	ck_assert_uint_eq(fp_eth_pad(f, 61, 64), 61);
	ck_assert_uint_eq(fp_eth_pad(f, 60, 60), 60);
}
END_TEST

START_TEST(test_eth_addr_classes)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const uint8_t almost[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};

	ck_assert(fp_eth_is_bcast(bcast));
	ck_assert(!fp_eth_is_bcast(mcast));
	ck_assert(!fp_eth_is_bcast(almost));
	ck_assert(!fp_eth_is_bcast(our_mac));
	ck_assert(fp_eth_is_group(bcast));
	ck_assert(fp_eth_is_group(mcast));
	ck_assert(!fp_eth_is_group(our_mac));
}
END_TEST

START_TEST(test_eth_truncated_every_length)
{
	struct fx f;

	fx_init(&f);
	for (uint16_t len = 0; len < FP_ETH_HLEN; len++)
		fx_expect_drop(&f, fx_icmp_echo_request, len, FP_CTR_DROP_ETH_TRUNCATED);
	/* rx counters see every frame, dropped or not */
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_RX_PACKETS), FP_ETH_HLEN);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_RX_BYTES),
			FP_ETH_HLEN * (FP_ETH_HLEN - 1) / 2);
}
END_TEST

START_TEST(test_eth_not_us)
{
	struct fx f;
	uint8_t fr[sizeof(fx_icmp_echo_request)];

	fx_init(&f);
	memcpy(fr, fx_icmp_echo_request, sizeof(fr));
	fr[5] = 0x09; /* another host's unicast MAC */
	fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_ETH_NOT_US);
	memcpy(fr, (const uint8_t[]){0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}, 6); /* IPv4 multicast */
	fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_ETH_NOT_US);
	memcpy(fr, (const uint8_t[]){0x33, 0x33, 0x00, 0x00, 0x00, 0x01}, 6); /* IPv6 multicast */
	fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_ETH_NOT_US);
}
END_TEST

START_TEST(test_eth_port_out_of_range)
{
	struct fx f;
	uint8_t *buf = malloc(sizeof(fx_icmp_echo_request));
	struct fp_pkt pkt = {.data = buf,
			.len = sizeof(fx_icmp_echo_request),
			.room = sizeof(fx_icmp_echo_request),
			.port = 1};

	fx_init(&f);
	memcpy(buf, fx_icmp_echo_request, pkt.len);
	ck_assert_int_eq(fp_input(&f.ctx, &pkt), FP_VERDICT_DROP);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_DROP_ETH_NOT_US), 1);
	pkt.port = FP_MAX_IFACES;
	f.ctx.n_ifaces = 0xffff; /* a bad count must not index past ifaces[] */
	ck_assert_int_eq(fp_input(&f.ctx, &pkt), FP_VERDICT_DROP);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_DROP_ETH_NOT_US), 2);
	free(buf);
}
END_TEST

START_TEST(test_eth_second_port)
{
	/* Port 1 has its own MAC and address: the reply leaves with port 1's MAC. */
	static const uint8_t mac1[6] = {0x02, 0, 0, 0, 0, 0x11};
	struct fx f;
	uint8_t fr[sizeof(fx_icmp_echo_request)], out[128];
	uint8_t *buf = malloc(sizeof(fr));
	struct fp_pkt pkt = {.data = buf, .len = sizeof(fr), .room = sizeof(fr), .port = 1};

	fx_init(&f);
	f.ctx.ifaces[1] = f.ctx.ifaces[0];
	memcpy(f.ctx.ifaces[1].mac, mac1, 6);
	f.ctx.n_ifaces = 2;
	memcpy(buf, fx_icmp_echo_request, sizeof(fr));
	/* Port 0's MAC on port 1 is not us. */
	ck_assert_int_eq(fp_input(&f.ctx, &pkt), FP_VERDICT_DROP);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_DROP_ETH_NOT_US), 1);
	memcpy(buf, fx_icmp_echo_request, sizeof(fr));
	memcpy(buf, mac1, 6);
	pkt.len = sizeof(fr);
	ck_assert_int_eq(fp_input(&f.ctx, &pkt), FP_VERDICT_TX);
	memcpy(out, buf, pkt.len);
	ck_assert_mem_eq(out + FP_ETH_OFF_SRC, mac1, 6);
	free(buf);
}
END_TEST

START_TEST(test_eth_vlan)
{
	struct fx f;
	uint8_t fr[sizeof(fx_icmp_echo_request) + 4];

	fx_init(&f);
	/* 802.1Q tag inserted after the MACs (as scapy's Ether()/Dot1Q(vlan=5)/IP() lays it out). */
	memcpy(fr, fx_icmp_echo_request, 12);
	memcpy(fr + 12, (const uint8_t[]){0x81, 0x00, 0x00, 0x05}, 4);
	memcpy(fr + 16, fx_icmp_echo_request + 12, sizeof(fx_icmp_echo_request) - 12);
	fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_ETH_VLAN);
	fr[12] = 0x88;
	fr[13] = 0xa8; /* 802.1ad */
	fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_ETH_VLAN);
	/* A tag alone, nothing after it, is still a VLAN drop (not a crash). */
	fx_expect_drop(&f, fr, FP_ETH_HLEN, FP_CTR_DROP_ETH_VLAN);
}
END_TEST

START_TEST(test_eth_other_types)
{
	static const uint16_t types[] = {0x86dd, 0x88cc, 0x0000, 0x05dc, 0x8035, 0xffff};
	struct fx f;
	uint8_t fr[sizeof(fx_arp_request)];

	fx_init(&f);
	memcpy(fr, fx_arp_request, sizeof(fr));
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		fp_store_be16(fr + FP_ETH_OFF_TYPE, types[i]);
		fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_ETH_TYPE);
	}
	/* ARP with the ARP handler off counts as an unhandled type. */
	f.ctx.handlers &= ~(uint32_t)FP_HANDLE_ARP;
	fx_expect_drop(&f, fx_arp_request, sizeof(fx_arp_request), FP_CTR_DROP_ETH_TYPE);
}
END_TEST

START_TEST(test_eth_broadcast_ip4_reaches_ip4)
{
	/*
	 * A broadcast-MAC IPv4 frame passes Ethernet and is judged by the IPv4
	 * step: not ours there, or unicast to us, which RFC 1122 3.3.6 drops.
	 */
	struct fx f;
	uint8_t fr[sizeof(fx_icmp_echo_request)];

	fx_init(&f);
	memcpy(fr, fx_icmp_echo_request, sizeof(fr));
	memset(fr, 0xff, 6);
	fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_IP4_LINK_BCAST);
	/* swap the last bytes of source and destination: the header sum holds */
	fr[FP_ETH_HLEN + FP_IP4_OFF_DST + 3] = 2;
	fr[FP_ETH_HLEN + FP_IP4_OFF_SRC + 3] = 1;
	fx_expect_drop(&f, fr, sizeof(fr), FP_CTR_DROP_IP4_NOT_US);
}
END_TEST

/* fp_eth_validate() on a copy of frame: its result, and exactly one counter on a drop. */
static int
eth_validate(struct fx *f, const uint8_t *frame, uint16_t len, enum fp_counter why)
{
	uint8_t *buf = malloc(len ? len : 1);
	struct fp_pkt pkt = {.data = buf, .len = len, .room = len};
	struct fp_stats before = f->stats;
	int ok;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, frame, len);
	ok = fp_eth_validate(&f->ctx, &pkt);
	if (ok) {
		ck_assert_uint_eq(pkt.l3, FP_ETH_HLEN);
		ck_assert_uint_eq(fp_stats_drops(&f->stats), fp_stats_drops(&before));
	} else {
		ck_assert_uint_eq(fp_stats_get(&f->stats, why), fp_stats_get(&before, why) + 1);
		ck_assert_uint_eq(fp_stats_drops(&f->stats), fp_stats_drops(&before) + 1);
	}
	/* Counting received frames is the caller's job (fp_input(), the netif). */
	ck_assert_uint_eq(fp_stats_get(&f->stats, FP_CTR_RX_PACKETS), 0);
	ck_assert_mem_eq(buf, frame, len); /* borrows, never rewrites */
	free(buf);
	return ok;
}

START_TEST(test_eth_validate_alone)
{
	struct fx f;
	uint8_t fr[sizeof(fx_icmp_echo_request)];

	fx_init(&f);
	ck_assert_int_eq(eth_validate(&f, fx_icmp_echo_request, sizeof(fr), 0), 1);
	ck_assert_int_eq(eth_validate(&f, fx_arp_request, sizeof(fx_arp_request), 0), 1);
	for (uint16_t len = 0; len < FP_ETH_HLEN; len++)
		ck_assert_int_eq(eth_validate(&f, fx_icmp_echo_request, len,
						 FP_CTR_DROP_ETH_TRUNCATED),
				0);
	memcpy(fr, fx_icmp_echo_request, sizeof(fr));
	fr[5] ^= 0x01; /* another host's unicast MAC */
	ck_assert_int_eq(eth_validate(&f, fr, sizeof(fr), FP_CTR_DROP_ETH_NOT_US), 0);
	memcpy(fr, fx_icmp_echo_request, sizeof(fr));
	fp_store_be16(fr + FP_ETH_OFF_TYPE, FP_ETHERTYPE_VLAN);
	ck_assert_int_eq(eth_validate(&f, fr, sizeof(fr), FP_CTR_DROP_ETH_VLAN), 0);
	fp_store_be16(fr + FP_ETH_OFF_TYPE, FP_ETHERTYPE_QINQ);
	ck_assert_int_eq(eth_validate(&f, fr, sizeof(fr), FP_CTR_DROP_ETH_VLAN), 0);
	/* Any other ethertype is the caller's decision, not a validation failure. */
	fp_store_be16(fr + FP_ETH_OFF_TYPE, 0x86dd);
	ck_assert_int_eq(eth_validate(&f, fr, sizeof(fr), 0), 1);
	f.ctx.n_ifaces = 0; /* no interface: nothing is for us */
	ck_assert_int_eq(eth_validate(&f, fx_icmp_echo_request, sizeof(fr), FP_CTR_DROP_ETH_NOT_US),
			0);
}
END_TEST

static Suite *
eth_suite(void)
{
	Suite *s = suite_create("eth");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_eth_write_round_trip);
	tcase_add_test(tc, test_eth_reply_swaps);
	tcase_add_test(tc, test_eth_pad);
	tcase_add_test(tc, test_eth_addr_classes);
	tcase_add_test(tc, test_eth_truncated_every_length);
	tcase_add_test(tc, test_eth_not_us);
	tcase_add_test(tc, test_eth_port_out_of_range);
	tcase_add_test(tc, test_eth_second_port);
	tcase_add_test(tc, test_eth_vlan);
	tcase_add_test(tc, test_eth_other_types);
	tcase_add_test(tc, test_eth_broadcast_ip4_reaches_ip4);
	tcase_add_test(tc, test_eth_validate_alone);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(eth_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
