/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/proto/ip4.c: the IPv4 checks fp_input() runs before any
 * L4 handler (each drop reason with its counter, in order), padding trim and
 * the l3/l4 offsets, the source-address rules and the header writers.
 */
#include <stdlib.h>

#include <check.h>

#include "fp/csum.h"
#include "fp/ip4.h"
#include "fp/wire.h"
#include "../fixtures/fx_ctx.h"
#include "pkt_build.h"

#define IP(f) ((f) + FP_ETH_HLEN)

/* A valid ping from the peer, built with pkt_build_icmp (8 payload bytes). */
static size_t
ping(uint8_t *fr, size_t room)
{
	static const uint8_t payload[8] = "abcdefgh";
	struct pkt_spec s = {.src_mac = FX_PEER_MAC,
			.dst_mac = FX_OUR_MAC,
			.src_ip = FX_PEER_IP,
			.dst_ip = FX_OUR_IP,
			.icmp_type = FP_ICMP_ECHO_REQ,
			.icmp_id = 1,
			.icmp_seq = 1,
			.payload = payload,
			.payload_len = sizeof(payload)};

	return pkt_build_icmp(fr, room, &s);
}

START_TEST(test_ip4_write_round_trip)
{
	uint8_t h[FP_IP4_HLEN];

	fp_ip4_write(h, FX_PEER_IP, FX_OUR_IP, FP_IPPROTO_TCP, 100, 0xbeef);
	ck_assert_uint_eq(h[0], 0x45);
	ck_assert_uint_eq(fp_load_be16(h + FP_IP4_OFF_TOTLEN), 120);
	ck_assert_uint_eq(fp_load_be16(h + FP_IP4_OFF_ID), 0xbeef);
	ck_assert_uint_eq(fp_load_be16(h + FP_IP4_OFF_FRAG), 0x4000);
	ck_assert_uint_eq(h[FP_IP4_OFF_TTL], 64);
	ck_assert_uint_eq(h[FP_IP4_OFF_PROTO], FP_IPPROTO_TCP);
	ck_assert_uint_eq(fp_load_be32(h + FP_IP4_OFF_SRC), FX_PEER_IP);
	ck_assert_uint_eq(fp_load_be32(h + FP_IP4_OFF_DST), FX_OUR_IP);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(h, sizeof(h), 0)), 0);
}
END_TEST

START_TEST(test_ip4_reply_header)
{
	uint8_t h[FP_IP4_HLEN];

	memcpy(h, IP(fx_icmp_echo_request), sizeof(h));
	fp_ip4_reply(h);
	/* scapy's reply header: addresses swapped, TTL 64, TOS/ID/DF kept, checksum fresh. */
	ck_assert_mem_eq(h, IP(fx_icmp_echo_reply_expected), sizeof(h));
}
END_TEST

/* The reply's checksum is updated, not recomputed: it must still equal a recompute. */
START_TEST(test_ip4_reply_update_matches_recompute)
{
	uint8_t h[FP_IP4_HLEN], r[FP_IP4_HLEN];

	for (uint32_t n = 0; n < 5000; n++) {
		fp_ip4_write(h, n * 2654435761u, ~n * 40503u, (uint8_t)n, (uint16_t)(n % 1480),
				(uint16_t)(n * 7));
		h[FP_IP4_OFF_TTL] = (uint8_t)(n >> 3);
		fp_store_be16(h + FP_IP4_OFF_CSUM, 0);
		fp_store_be16(h + FP_IP4_OFF_CSUM, fp_csum_fold(fp_csum_partial(h, sizeof(h), 0)));
		fp_ip4_reply(h);
		memcpy(r, h, sizeof(r));
		fp_store_be16(r + FP_IP4_OFF_CSUM, 0);
		ck_assert_uint_eq(fp_load_be16(h + FP_IP4_OFF_CSUM),
				fp_csum_fold(fp_csum_partial(r, sizeof(r), 0)));
	}
}
END_TEST

START_TEST(test_ip4_valid_sets_offsets_and_trims)
{
	struct fx f;
	uint8_t fr[128];
	size_t len = ping(fr, sizeof(fr));
	struct fp_pkt pkt;

	fx_init(&f);
	f.ctx.handlers = 0;               /* stop right after validation: drop_ip4_proto */
	memset(fr + len, 0x77, 60 - len); /* 50-byte ping padded to 60 */
	ck_assert_int_eq(fx_run(&f, fr, 60, 60, 0, NULL, &pkt), FP_VERDICT_DROP);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_DROP_IP4_PROTO), 1);
	ck_assert_uint_eq(pkt.l3, FP_ETH_HLEN);
	ck_assert_uint_eq(pkt.l4, FP_ETH_HLEN + FP_IP4_HLEN);
	ck_assert_uint_eq(pkt.l4_len, FP_ICMP_HLEN + 8);
	ck_assert_uint_eq(pkt.len, len); /* padding trimmed to the IPv4 total length */
}
END_TEST

START_TEST(test_ip4_version)
{
	struct fx f;
	uint8_t fr[128];
	size_t len = ping(fr, sizeof(fr));

	fx_init(&f);
	for (unsigned v = 0; v < 16; v++) {
		if (v == 4)
			continue;
		IP(fr)[0] = (uint8_t)(v << 4 | 5);
		fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_VERSION);
	}
}
END_TEST

START_TEST(test_ip4_bad_ihl)
{
	struct fx f;
	uint8_t fr[128];
	size_t len = ping(fr, sizeof(fr));

	fx_init(&f);
	for (unsigned ihl = 0; ihl < 5; ihl++) {
		IP(fr)[0] = (uint8_t)(0x40 | ihl);
		pkt_fix_ip4_csum(fr);
		fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_BAD_IHL);
	}
}
END_TEST

START_TEST(test_ip4_options)
{
	struct fx f;
	uint8_t fr[128];
	/* The ping below, rebuilt by hand with a 4-byte NOP,NOP,NOP,EOL option (IHL 6). */
	size_t len = ping(fr, sizeof(fr));

	fx_init(&f);
	memmove(IP(fr) + 24, IP(fr) + 20, len - FP_ETH_HLEN - 20);
	memcpy(IP(fr) + 20, (const uint8_t[]){1, 1, 1, 0}, 4);
	IP(fr)[0] = 0x46;
	fp_store_be16(IP(fr) + FP_IP4_OFF_TOTLEN, (uint16_t)(len + 4 - FP_ETH_HLEN));
	pkt_fix_ip4_csum(fr);
	fx_expect_drop(&f, fr, (uint16_t)(len + 4), FP_CTR_DROP_IP4_OPTIONS);
	/* Every IHL 6..15, even one claiming more header than the frame holds. */
	for (unsigned ihl = 6; ihl < 16; ihl++) {
		IP(fr)[0] = (uint8_t)(0x40 | ihl);
		fx_expect_drop(&f, fr, (uint16_t)(len + 4), FP_CTR_DROP_IP4_OPTIONS);
	}
}
END_TEST

START_TEST(test_ip4_bad_total_length)
{
	struct fx f;
	uint8_t fr[128];
	size_t len = ping(fr, sizeof(fr));
	uint16_t tot = (uint16_t)(len - FP_ETH_HLEN);
	static const uint16_t bad[] = {0, 1, 19, 0xffff};

	fx_init(&f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fp_store_be16(IP(fr) + FP_IP4_OFF_TOTLEN, bad[i]);
		pkt_fix_ip4_csum(fr);
		fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_BAD_LEN);
	}
	/* One byte more than the frame carries. */
	fp_store_be16(IP(fr) + FP_IP4_OFF_TOTLEN, (uint16_t)(tot + 1));
	pkt_fix_ip4_csum(fr);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_BAD_LEN);
	/* Shorter than the frame is valid IPv4 (the rest is padding); the cut ICMP fails its checksum. */
	fp_store_be16(IP(fr) + FP_IP4_OFF_TOTLEN, (uint16_t)(tot - 2));
	pkt_fix_ip4_csum(fr);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_ICMP_CSUM);
	/* Total length 20: no L4 bytes at all. */
	fp_store_be16(IP(fr) + FP_IP4_OFF_TOTLEN, 20);
	pkt_fix_ip4_csum(fr);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_ICMP_TRUNCATED);
}
END_TEST

START_TEST(test_ip4_longer_than_mtu)
{
	/* A 1501-byte datagram (as the af_packet PMD's kernel defrag delivers a
	 * fragmented 1473-byte ping) on a 1500-byte link: no reply we could send. */
	static uint8_t payload[1473];
	static uint8_t fr[1600];
	struct pkt_spec s = {.src_mac = FX_PEER_MAC,
			.dst_mac = FX_OUR_MAC,
			.src_ip = FX_PEER_IP,
			.dst_ip = FX_OUR_IP,
			.icmp_type = FP_ICMP_ECHO_REQ,
			.payload = payload,
			.payload_len = sizeof(payload)};
	size_t len = pkt_build_icmp(fr, sizeof(fr), &s);
	struct fx f;

	fx_init(&f);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_BAD_LEN);
	/* Exactly the MTU is fine; so is anything when the MTU is not set. */
	s.payload_len = 1472;
	len = pkt_build_icmp(fr, sizeof(fr), &s);
	ck_assert_int_eq(
			fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL), FP_VERDICT_TX);
	s.payload_len = 1473;
	len = pkt_build_icmp(fr, sizeof(fr), &s);
	f.ctx.ifaces[0].mtu = 0;
	ck_assert_int_eq(
			fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL), FP_VERDICT_TX);
}
END_TEST

START_TEST(test_ip4_bad_csum)
{
	struct fx f;
	uint8_t fr[128];
	size_t len = ping(fr, sizeof(fr));

	fx_init(&f);
	/* Flip each header byte in turn (except fields checked before the checksum). */
	for (unsigned i = FP_IP4_OFF_TOS; i < FP_IP4_HLEN; i++) {
		if (i == FP_IP4_OFF_TOTLEN || i == FP_IP4_OFF_TOTLEN + 1)
			continue;
		IP(fr)[i] ^= 0x04;
		fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_CSUM);
		IP(fr)[i] ^= 0x04;
	}
	/* The same corruption with the NIC's "checksum good" flag is not checked. */
	IP(fr)[FP_IP4_OFF_CSUM] ^= 0x01;
	ck_assert_int_eq(fx_run(&f, fr, (uint16_t)len, (uint16_t)len, FP_PKT_IP4_CSUM_GOOD, NULL,
					 NULL),
			FP_VERDICT_TX);
	/* 0x0000 in place of a correct 0xffff-sum header: still wrong. */
	fp_store_be16(IP(fr) + FP_IP4_OFF_CSUM, 0);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_CSUM);
}
END_TEST

START_TEST(test_ip4_ttl_zero)
{
	struct fx f;
	uint8_t fr[128];
	size_t len = ping(fr, sizeof(fr));

	fx_init(&f);
	IP(fr)[FP_IP4_OFF_TTL] = 0;
	pkt_fix_ip4_csum(fr);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_TTL);
	IP(fr)[FP_IP4_OFF_TTL] = 1; /* TTL 1 is fine for the final destination */
	pkt_fix_ip4_csum(fr);
	ck_assert_int_eq(
			fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL), FP_VERDICT_TX);
}
END_TEST

START_TEST(test_ip4_fragments)
{
	static const uint16_t frag[] = {0x2000, 0x6000, 0x0001, 0x00b9, 0x1fff, 0x2001, 0x8001};
	struct fx f;
	uint8_t fr[128];
	size_t len = ping(fr, sizeof(fr));

	fx_init(&f);
	for (size_t i = 0; i < sizeof(frag) / sizeof(frag[0]); i++) {
		fp_store_be16(IP(fr) + FP_IP4_OFF_FRAG, frag[i]);
		pkt_fix_ip4_csum(fr);
		fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_FRAGMENT);
	}
	/* DF alone and no flags are whole datagrams. */
	fp_store_be16(IP(fr) + FP_IP4_OFF_FRAG, 0x4000);
	pkt_fix_ip4_csum(fr);
	ck_assert_int_eq(
			fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL), FP_VERDICT_TX);
	fp_store_be16(IP(fr) + FP_IP4_OFF_FRAG, 0);
	pkt_fix_ip4_csum(fr);
	ck_assert_int_eq(
			fx_run(&f, fr, (uint16_t)len, (uint16_t)len, 0, NULL, NULL), FP_VERDICT_TX);
}
END_TEST

START_TEST(test_ip4_not_us)
{
	static const uint32_t dst[] = {
			0x0a000003u, 0x0a0000ffu, 0xffffffffu, 0xe0000001u, 0, 0x0b000001u};
	struct fx f;
	uint8_t fr[128];
	size_t len = ping(fr, sizeof(fr));

	fx_init(&f);
	for (size_t i = 0; i < sizeof(dst) / sizeof(dst[0]); i++) {
		fp_store_be32(IP(fr) + FP_IP4_OFF_DST, dst[i]);
		pkt_fix_ip4_csum(fr);
		fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_NOT_US);
	}
	/* An interface without an address accepts nothing, not even dst 0.0.0.0. */
	f.ctx.ifaces[0].ip4 = 0;
	fp_store_be32(IP(fr) + FP_IP4_OFF_DST, 0);
	pkt_fix_ip4_csum(fr);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_NOT_US);
}
END_TEST

START_TEST(test_ip4_bad_src)
{
	static const uint32_t src[] = {
			0x00000000u, /* 0.0.0.0 */
			0x00000001u, /* 0.0.0.1, "this network" */
			0xffffffffu, /* limited broadcast */
			0x0a0000ffu, /* our subnet's broadcast (10.0.0.0/24) */
			0xe0000001u, /* 224.0.0.1 multicast */
			0xefffffffu, /* 239.255.255.255 */
			0xf0000001u, /* 240/4 reserved */
			0x7f000001u, /* 127.0.0.1 */
			0x7f123456u, /* 127/8 */
			FX_OUR_IP,   /* ourselves: spoofed or looped */
	};
	struct fx f;
	uint8_t fr[128];
	size_t len = ping(fr, sizeof(fr));

	fx_init(&f);
	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		fp_store_be32(IP(fr) + FP_IP4_OFF_SRC, src[i]);
		pkt_fix_ip4_csum(fr);
		fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_BAD_SRC);
	}
}
END_TEST

START_TEST(test_ip4_src_ok_rules)
{
	struct fp_iface ifc = {.ip4 = 0xc0a80101u, .prefix_len = 24};

	ck_assert(fp_ip4_src_ok(0xc0a80102u, &ifc));
	ck_assert(fp_ip4_src_ok(0x08080808u, &ifc));
	ck_assert(fp_ip4_src_ok(0xc0a801feu, &ifc));
	ck_assert(fp_ip4_src_ok(0xc0a802ffu, &ifc)); /* another subnet's broadcast looks unicast */
	ck_assert(fp_ip4_src_ok(0xdfffffffu, &ifc)); /* 223.255.255.255: last class C */
	ck_assert(!fp_ip4_src_ok(0xc0a801ffu, &ifc));
	ck_assert(!fp_ip4_src_ok(0xc0a80101u, &ifc));
	/* /31 and /32 have no broadcast address (RFC 3021). */
	ifc.prefix_len = 31;
	ck_assert(fp_ip4_src_ok(0xc0a80100u, &ifc));
	ifc.prefix_len = 32;
	ck_assert(fp_ip4_src_ok(0xc0a801ffu, &ifc));
	/* prefix 0 (not configured): no directed broadcast either. */
	ifc.prefix_len = 0;
	ck_assert(fp_ip4_src_ok(0xc0a801ffu, &ifc));
	ifc.prefix_len = 16;
	ck_assert(!fp_ip4_src_ok(0xc0a8ffffu, &ifc));
	ck_assert(fp_ip4_src_ok(0xc0a801ffu, &ifc));
}
END_TEST

START_TEST(test_ip4_proto)
{
	static const uint8_t protos[] = {0, 2, 17, 41, 47, 50, 58, 132, 255};
	struct fx f;
	uint8_t fr[128];
	size_t len = ping(fr, sizeof(fr));

	fx_init(&f);
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		IP(fr)[FP_IP4_OFF_PROTO] = protos[i];
		pkt_fix_ip4_csum(fr);
		fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_PROTO);
	}
	/* ICMP with its handler off. */
	IP(fr)[FP_IP4_OFF_PROTO] = FP_IPPROTO_ICMP;
	pkt_fix_ip4_csum(fr);
	f.ctx.handlers = FP_HANDLE_ARP | FP_HANDLE_TCP;
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_PROTO);
	/* TCP with no engine (ctx->tcp NULL), handler bit on or off. */
	fx_expect_drop(&f, fx_tcp_syn, sizeof(fx_tcp_syn), FP_CTR_DROP_IP4_PROTO);
	f.ctx.handlers = FP_HANDLE_ARP | FP_HANDLE_ICMP;
	fx_expect_drop(&f, fx_tcp_syn, sizeof(fx_tcp_syn), FP_CTR_DROP_IP4_PROTO);
}
END_TEST

START_TEST(test_ip4_check_order)
{
	/* Several faults at once: the earliest check in the documented order wins. */
	struct fx f;
	uint8_t fr[128];
	size_t len = ping(fr, sizeof(fr));

	fx_init(&f);
	IP(fr)[FP_IP4_OFF_TTL] = 0;
	fp_store_be16(IP(fr) + FP_IP4_OFF_FRAG, 0x2000);
	fp_store_be32(IP(fr) + FP_IP4_OFF_SRC, 0x7f000001u);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_CSUM);
	pkt_fix_ip4_csum(fr);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_TTL);
	IP(fr)[FP_IP4_OFF_TTL] = 9;
	pkt_fix_ip4_csum(fr);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_FRAGMENT);
	fp_store_be16(IP(fr) + FP_IP4_OFF_FRAG, 0);
	pkt_fix_ip4_csum(fr);
	fx_expect_drop(&f, fr, (uint16_t)len, FP_CTR_DROP_IP4_BAD_SRC);
}
END_TEST

START_TEST(test_ip4_truncated_header)
{
	struct fx f;
	uint8_t fr[128];

	ping(fr, sizeof(fr));
	fx_init(&f);
	for (uint16_t len = FP_ETH_HLEN; len < FP_ETH_HLEN + FP_IP4_HLEN; len++)
		fx_expect_drop(&f, fr, len, FP_CTR_DROP_IP4_TRUNCATED);
}
END_TEST

static Suite *
ip4_suite(void)
{
	Suite *s = suite_create("ip4");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ip4_write_round_trip);
	tcase_add_test(tc, test_ip4_reply_header);
	tcase_add_test(tc, test_ip4_reply_update_matches_recompute);
	tcase_add_test(tc, test_ip4_valid_sets_offsets_and_trims);
	tcase_add_test(tc, test_ip4_version);
	tcase_add_test(tc, test_ip4_bad_ihl);
	tcase_add_test(tc, test_ip4_options);
	tcase_add_test(tc, test_ip4_bad_total_length);
	tcase_add_test(tc, test_ip4_longer_than_mtu);
	tcase_add_test(tc, test_ip4_bad_csum);
	tcase_add_test(tc, test_ip4_ttl_zero);
	tcase_add_test(tc, test_ip4_fragments);
	tcase_add_test(tc, test_ip4_not_us);
	tcase_add_test(tc, test_ip4_bad_src);
	tcase_add_test(tc, test_ip4_src_ok_rules);
	tcase_add_test(tc, test_ip4_proto);
	tcase_add_test(tc, test_ip4_check_order);
	tcase_add_test(tc, test_ip4_truncated_header);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ip4_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
