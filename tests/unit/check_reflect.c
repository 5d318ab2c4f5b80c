/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/proto/reflect.c: fp_reflect() after fp_rx_classify(), as the app's
 * reflect stage runs them. Addresses and ports come back swapped, every
 * other byte is kept, and the checksums stay valid without being touched.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fp/csum.h"
#include "fp/reflect.h"
#include "fp/wire.h"
#include "../fixtures/fx_ctx.h"
#include "pkt_build.h"

#define IP(f) ((f) + FP_ETH_HLEN)
#define L4(f) ((f) + FP_ETH_HLEN + FP_IP4_HLEN)

static const uint8_t our_mac[6] = FX_OUR_MAC;
static const uint8_t peer_mac[6] = FX_PEER_MAC;

static size_t
build_tcp(uint8_t *fr, size_t room)
{
	static const uint8_t data[5] = "hello";
	struct pkt_spec s = {
			.src_ip = FX_PEER_IP,
			.dst_ip = FX_OUR_IP,
			.sport = 40000,
			.dport = 9,
			.seq = 1000,
			.ack = 77,
			.flags = FP_TCP_ACK | FP_TCP_PSH,
			.win = 1024,
			.payload = data,
			.payload_len = sizeof(data),
	};

	memcpy(s.src_mac, peer_mac, 6);
	memcpy(s.dst_mac, our_mac, 6);
	return pkt_build_tcp(fr, room, &s);
}

static void
classify_and_reflect(struct fx *f, uint8_t *fr, size_t len)
{
	struct fp_pkt pkt = {.data = fr, .len = (uint16_t)len, .room = (uint16_t)len};

	ck_assert_int_eq(fp_rx_classify(&f->ctx, &pkt), FP_RX_IP4);
	ck_assert_int_eq(fp_reflect(&pkt), FP_VERDICT_TX);
	ck_assert_uint_eq(pkt.len, len);
}

/* A ones'-complement sum over the pseudo-header and L4 bytes: 0 when valid. */
static uint16_t
l4_csum(const uint8_t *fr, uint8_t proto)
{
	uint16_t l4_len = (uint16_t)(fp_load_be16(IP(fr) + FP_IP4_OFF_TOTLEN) - FP_IP4_HLEN);

	return fp_csum_fold(fp_csum_partial(L4(fr), l4_len,
			fp_csum_pseudo_ip4(fp_load_be32(IP(fr) + FP_IP4_OFF_SRC),
					fp_load_be32(IP(fr) + FP_IP4_OFF_DST), proto, l4_len)));
}

START_TEST(test_reflect_tcp)
{
	struct fx f;
	uint8_t fr[128], orig[128];
	size_t len;

	fx_init(&f);
	len = build_tcp(fr, sizeof(fr));
	memcpy(orig, fr, len);
	classify_and_reflect(&f, fr, len);

	ck_assert_mem_eq(fr + FP_ETH_OFF_DST, peer_mac, 6);
	ck_assert_mem_eq(fr + FP_ETH_OFF_SRC, our_mac, 6);
	ck_assert_uint_eq(fp_load_be32(IP(fr) + FP_IP4_OFF_SRC), FX_OUR_IP);
	ck_assert_uint_eq(fp_load_be32(IP(fr) + FP_IP4_OFF_DST), FX_PEER_IP);
	ck_assert_uint_eq(fp_load_be16(L4(fr) + FP_TCP_OFF_SPORT), 9);
	ck_assert_uint_eq(fp_load_be16(L4(fr) + FP_TCP_OFF_DPORT), 40000);
	/* Everything from the TCP sequence number on is the sender's. */
	ck_assert_mem_eq(L4(fr) + FP_TCP_OFF_SEQ, L4(orig) + FP_TCP_OFF_SEQ,
			len - FP_ETH_HLEN - FP_IP4_HLEN - FP_TCP_OFF_SEQ);
	ck_assert_mem_eq(IP(fr), IP(orig), FP_IP4_OFF_SRC);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(IP(fr), FP_IP4_HLEN, 0)), 0);
	ck_assert_uint_eq(l4_csum(fr, FP_IPPROTO_TCP), 0);

	/* Reflected twice is the original frame. */
	{
		struct fp_pkt pkt = {.data = fr,
				.len = (uint16_t)len,
				.room = (uint16_t)len,
				.l3 = FP_ETH_HLEN,
				.l4 = FP_ETH_HLEN + FP_IP4_HLEN,
				.l4_len = (uint16_t)(len - FP_ETH_HLEN - FP_IP4_HLEN)};

		ck_assert_int_eq(fp_reflect(&pkt), FP_VERDICT_TX);
		ck_assert_mem_eq(fr, orig, len);
	}
}
END_TEST

/* UDP: the ports swap too; ICMP: addresses only (its first 4 bytes are type, code, sum). */
START_TEST(test_reflect_udp_icmp)
{
	struct fx f;
	uint8_t fr[128], orig[128];
	size_t len;
	struct pkt_spec s = {.src_ip = FX_PEER_IP,
			.dst_ip = FX_OUR_IP,
			.icmp_type = 8,
			.icmp_id = 7,
			.icmp_seq = 1};

	fx_init(&f);
	/* A UDP datagram made from the TCP frame: new protocol, length and checksums. */
	len = build_tcp(fr, sizeof(fr));
	len = FP_ETH_HLEN + FP_IP4_HLEN + 8 + 4;
	IP(fr)[FP_IP4_OFF_PROTO] = FP_IPPROTO_UDP;
	fp_store_be16(IP(fr) + FP_IP4_OFF_TOTLEN, FP_IP4_HLEN + 12);
	fp_store_be16(L4(fr) + 4, 12);
	fp_store_be16(L4(fr) + 6, 0);
	memcpy(L4(fr) + 8, "ping", 4);
	pkt_fix_ip4_csum(fr);
	fp_store_be16(L4(fr) + 6,
			fp_csum_fold(fp_csum_partial(L4(fr), 12,
					fp_csum_pseudo_ip4(FX_PEER_IP, FX_OUR_IP, FP_IPPROTO_UDP,
							12))));
	ck_assert_uint_eq(l4_csum(fr, FP_IPPROTO_UDP), 0);
	classify_and_reflect(&f, fr, len);
	ck_assert_uint_eq(fp_load_be16(L4(fr)), 9);
	ck_assert_uint_eq(fp_load_be16(L4(fr) + 2), 40000);
	ck_assert_uint_eq(l4_csum(fr, FP_IPPROTO_UDP), 0);

	memcpy(s.src_mac, peer_mac, 6);
	memcpy(s.dst_mac, our_mac, 6);
	len = pkt_build_icmp(fr, sizeof(fr), &s);
	memcpy(orig, fr, len);
	classify_and_reflect(&f, fr, len);
	ck_assert_uint_eq(fp_load_be32(IP(fr) + FP_IP4_OFF_DST), FX_PEER_IP);
	ck_assert_mem_eq(L4(fr), L4(orig), len - FP_ETH_HLEN - FP_IP4_HLEN);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(IP(fr), FP_IP4_HLEN, 0)), 0);
}
END_TEST

/* fp_rx_classify() is fp_input()'s first half: same counters, the reason of each drop. */
START_TEST(test_rx_classify)
{
	struct fx f;
	uint8_t fr[128];
	size_t len;
	struct fp_pkt pkt;

	fx_init(&f);
	len = build_tcp(fr, sizeof(fr));
	IP(fr)[FP_IP4_OFF_CSUM] ^= 1;
	pkt = (struct fp_pkt){.data = fr, .len = (uint16_t)len, .room = (uint16_t)len};
	ck_assert_int_eq(fp_rx_classify(&f.ctx, &pkt), FP_RX_DROPPED);
	ck_assert_uint_eq(f.ctx.drop_reason, FP_CTR_DROP_IP4_CSUM);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_RX_PACKETS), 1);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_RX_BYTES), len);

	pkt = (struct fp_pkt){.data = (uint8_t *)(uintptr_t)fx_arp_request,
			.len = sizeof(fx_arp_request),
			.room = sizeof(fx_arp_request)};
	ck_assert_int_eq(fp_rx_classify(&f.ctx, &pkt), FP_RX_ARP);
	ck_assert_uint_eq(pkt.l3, FP_ETH_HLEN);
	f.ctx.handlers = FP_HANDLE_ICMP;
	ck_assert_int_eq(fp_rx_classify(&f.ctx, &pkt), FP_RX_DROPPED);
	ck_assert_uint_eq(f.ctx.drop_reason, FP_CTR_DROP_ETH_TYPE);
	ck_assert_uint_eq(fp_stats_drops(&f.stats), 2);
}
END_TEST

static Suite *
reflect_suite(void)
{
	Suite *s = suite_create("reflect");
	TCase *tc = tcase_create("reflect");

	tcase_add_test(tc, test_reflect_tcp);
	tcase_add_test(tc, test_reflect_udp_icmp);
	tcase_add_test(tc, test_rx_classify);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(reflect_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
