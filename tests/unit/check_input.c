/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/proto/input.c: fp_input()'s dispatch to ARP, ICMP and
 * the real TCP engine (lib/tcp), the handler bits, the rx counters, a TCP SYN
 * cut at every length, fp_tick() driving TCP timers, and a randomised run
 * over mutated fixtures holding the "one drop, one counter" invariant.
 */
#include <signal.h>
#include <stdlib.h>

#include <check.h>

#include "fp/cfg.h"
#include "fp/csum.h"
#include "fp/eth.h"
#include "fp/tcp.h"
#include "fp/wire.h"
#include "../fixtures/fx_ctx.h"
#include "pkt_build.h"

#define IP(f)  ((f) + FP_ETH_HLEN)
#define TCP(f) ((f) + FP_ETH_HLEN + FP_IP4_HLEN)

/* Frames the TCP engine sent through tx_ops (retransmissions, echo data). */
struct cap {
	uint8_t buf[2048];
	int allocated;
	int sent;
	uint16_t last_len;
	uint8_t last[2048];
};

static uint8_t *
cap_alloc(void *arg, uint16_t *room)
{
	struct cap *c = arg;

	ck_assert_int_eq(c->allocated, 0); /* at most one outstanding frame */
	c->allocated = 1;
	*room = sizeof(c->buf);
	return c->buf;
}

static void
cap_send(void *arg, uint8_t *frame, uint16_t len, uint16_t port)
{
	struct cap *c = arg;

	ck_assert_ptr_eq(frame, c->buf);
	ck_assert_uint_le(len, sizeof(c->buf));
	ck_assert_uint_eq(port, 0); /* the fixture's one interface */
	memcpy(c->last, frame, len);
	c->last_len = len;
	c->sent++;
	c->allocated = 0;
}

static void
cap_discard(void *arg, uint8_t *frame)
{
	struct cap *c = arg;

	ck_assert_ptr_eq(frame, c->buf);
	c->allocated = 0;
}

static const struct fp_tx_ops cap_ops = {cap_alloc, cap_send, cap_discard};

/* A test context with a real TCP engine (echo on port 7, 16 flows). */
struct fxt {
	struct fx fx;
	struct cap cap;
	struct fp_cfg cfg;
	void *mem;
};

/* Fixed TCP keys: every run sees the same ISNs. */
static const struct fp_tcp_keys keys = {{1, 2}, {3, 4}, {5, 6}};

static void
fxt_init(struct fxt *t)
{
	size_t need;

	fx_init(&t->fx);
	memset(&t->cap, 0, sizeof(t->cap));
	fp_cfg_defaults(&t->cfg);
	t->cfg.tcp.max_flows = 16;
	t->cfg.tcp.buffer_size = 4096;
	t->cfg.tcp.syn_cookies = 0;
	need = fp_tcp_mem_size(&t->cfg.tcp);
	ck_assert_uint_gt(need, 0);
	t->mem = aligned_alloc(64, (need + 63) & ~(size_t)63);
	ck_assert_ptr_nonnull(t->mem);
	t->fx.ctx.tcp = fp_tcp_init(t->mem, need, &t->cfg.tcp, &keys);
	ck_assert_ptr_nonnull(t->fx.ctx.tcp);
	t->fx.ctx.handlers |= FP_HANDLE_TCP;
	t->fx.tx_may_count_drop = 1;
	t->fx.ctx.tx = &cap_ops;
	t->fx.ctx.tx_arg = &t->cap;
	t->fx.ctx.now_us = 1000000;
}

static void
fxt_fini(struct fxt *t)
{
	ck_assert_int_eq(t->cap.allocated, 0); /* no frame left between alloc and send */
	free(t->mem);
}

START_TEST(test_input_rx_counters)
{
	struct fx f;

	fx_init(&f);
	fx_run(&f, fx_arp_request, sizeof(fx_arp_request), 64, 0, NULL, NULL);
	fx_run(&f, fx_icmp_echo_request, sizeof(fx_icmp_echo_request), sizeof(fx_icmp_echo_request),
			0, NULL, NULL);
	fx_run(&f, fx_tcp_syn, 3, 3, 0, NULL, NULL);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_RX_PACKETS), 3);
	ck_assert_uint_eq(fp_stats_get(&f.stats, FP_CTR_RX_BYTES),
			sizeof(fx_arp_request) + sizeof(fx_icmp_echo_request) + 3);
}
END_TEST

START_TEST(test_input_dispatch_by_handlers)
{
	/* handlers bits x frame type -> verdict (and drop counter when dropped) */
	static const struct {
		uint32_t handlers;
		int frame; /* 0 ARP, 1 ICMP, 2 TCP SYN */
		enum fp_verdict v;
		enum fp_counter why;
	} cases[] = {
			{FP_HANDLE_ARP, 0, FP_VERDICT_TX, 0},
			{FP_HANDLE_ICMP | FP_HANDLE_TCP, 0, FP_VERDICT_DROP, FP_CTR_DROP_ETH_TYPE},
			{FP_HANDLE_ICMP, 1, FP_VERDICT_TX, 0},
			{FP_HANDLE_ARP | FP_HANDLE_TCP, 1, FP_VERDICT_DROP, FP_CTR_DROP_IP4_PROTO},
			{FP_HANDLE_TCP, 2, FP_VERDICT_TX, 0},
			{FP_HANDLE_ARP | FP_HANDLE_ICMP, 2, FP_VERDICT_DROP, FP_CTR_DROP_IP4_PROTO},
			{0, 0, FP_VERDICT_DROP, FP_CTR_DROP_ETH_TYPE},
			{0, 1, FP_VERDICT_DROP, FP_CTR_DROP_IP4_PROTO},
			{0, 2, FP_VERDICT_DROP, FP_CTR_DROP_IP4_PROTO},
	};
	const uint8_t *frames[] = {fx_arp_request, fx_icmp_echo_request, fx_tcp_syn};
	const uint16_t lens[] = {
			sizeof(fx_arp_request), sizeof(fx_icmp_echo_request), sizeof(fx_tcp_syn)};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fxt t;

		fxt_init(&t);
		t.fx.ctx.handlers = cases[i].handlers;
		ck_assert_msg(fx_run(&t.fx, frames[cases[i].frame], lens[cases[i].frame], 128, 0,
					      NULL, NULL) == cases[i].v,
				"case %zu", i);
		if (cases[i].v == FP_VERDICT_DROP)
			ck_assert_uint_eq(fp_stats_get(&t.fx.stats, cases[i].why), 1);
		fxt_fini(&t);
	}
}
END_TEST

START_TEST(test_input_tcp_syn_reaches_engine)
{
	struct fxt t;
	uint8_t out[128];
	struct fp_pkt pkt;

	fxt_init(&t);
	ck_assert_int_eq(fx_run(&t.fx, fx_tcp_syn, sizeof(fx_tcp_syn), 128, 0, out, &pkt),
			FP_VERDICT_TX);
	/* The engine saw the offsets fp_input() set and answered SYN|ACK in place. */
	ck_assert_uint_ge(pkt.len, FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_HLEN);
	ck_assert_uint_eq(TCP(out)[FP_TCP_OFF_FLAGS] & (FP_TCP_SYN | FP_TCP_ACK),
			FP_TCP_SYN | FP_TCP_ACK);
	ck_assert_uint_eq(fp_load_be32(TCP(out) + FP_TCP_OFF_ACK), 1001);
	ck_assert_uint_eq(fp_load_be32(IP(out) + FP_IP4_OFF_DST), FX_PEER_IP);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(IP(out), FP_IP4_HLEN, 0)), 0);
	ck_assert_uint_eq(fp_tcp_flow_count(t.fx.ctx.tcp), 1);
	fxt_fini(&t);
}
END_TEST

START_TEST(test_input_tcp_syn_truncated_every_length)
{
	struct fxt t;
	uint16_t full = sizeof(fx_tcp_syn);

	fxt_init(&t);
	for (uint16_t len = 0; len < full; len++) {
		if (len < FP_ETH_HLEN)
			fx_expect_drop(&t.fx, fx_tcp_syn, len, FP_CTR_DROP_ETH_TRUNCATED);
		else if (len < FP_ETH_HLEN + FP_IP4_HLEN)
			fx_expect_drop(&t.fx, fx_tcp_syn, len, FP_CTR_DROP_IP4_TRUNCATED);
		else
			fx_expect_drop(&t.fx, fx_tcp_syn, len, FP_CTR_DROP_IP4_BAD_LEN);
	}
	ck_assert_uint_eq(fp_tcp_flow_count(t.fx.ctx.tcp), 0);
	ck_assert_int_eq(fx_run(&t.fx, fx_tcp_syn, full, full, 0, NULL, NULL), FP_VERDICT_TX);
	fxt_fini(&t);
}
END_TEST

START_TEST(test_input_tcp_header_cut_by_ip_length)
{
	/* IPv4 is consistent but carries fewer than 20 TCP bytes: the engine's drop. */
	struct fxt t;
	uint8_t fr[sizeof(fx_tcp_syn)];

	fxt_init(&t);
	for (uint16_t l4 = 0; l4 < FP_TCP_HLEN; l4++) {
		memcpy(fr, fx_tcp_syn, sizeof(fr));
		fp_store_be16(IP(fr) + FP_IP4_OFF_TOTLEN, (uint16_t)(FP_IP4_HLEN + l4));
		pkt_fix_ip4_csum(fr);
		fx_expect_drop(&t.fx, fr, sizeof(fr), FP_CTR_DROP_TCP_TRUNCATED);
	}
	fxt_fini(&t);
}
END_TEST

START_TEST(test_input_tick)
{
	struct fxt t;
	struct fx f;

	/* Without an engine fp_tick() only moves the clock. */
	fx_init(&f);
	fp_tick(&f.ctx, 42);
	ck_assert_uint_eq(f.ctx.now_us, 42);

	/* With one, an unanswered SYN-ACK is retransmitted once its RTO (1 s) passes. */
	fxt_init(&t);
	ck_assert_int_eq(fx_run(&t.fx, fx_tcp_syn, sizeof(fx_tcp_syn), 128, 0, NULL, NULL),
			FP_VERDICT_TX);
	fp_tick(&t.fx.ctx, t.fx.ctx.now_us + 100000);
	ck_assert_int_eq(t.cap.sent, 0);
	fp_tick(&t.fx.ctx, t.fx.ctx.now_us + 2000000);
	ck_assert_uint_eq(t.fx.ctx.now_us, 1000000 + 100000 + 2000000);
	ck_assert_int_ge(t.cap.sent, 1);
	ck_assert_uint_eq(TCP(t.cap.last)[FP_TCP_OFF_FLAGS] & (FP_TCP_SYN | FP_TCP_ACK),
			FP_TCP_SYN | FP_TCP_ACK);
	fxt_fini(&t);
}
END_TEST

START_TEST(test_input_mutated_frames_invariant)
{
	/* Random bit flips, byte writes and cuts of every fixture; fx_run() asserts
	 * that each drop moves exactly one drop counter and replies fit the buffer. */
	static const struct {
		const uint8_t *p;
		uint16_t len;
	} seeds[] = {
			{fx_arp_request, sizeof(fx_arp_request)},
			{fx_icmp_echo_request, sizeof(fx_icmp_echo_request)},
			{fx_icmp_echo_request_padded, sizeof(fx_icmp_echo_request_padded)},
			{fx_tcp_syn, sizeof(fx_tcp_syn)},
			{fx_tcp_data, sizeof(fx_tcp_data)},
			{fx_tcp_fin, sizeof(fx_tcp_fin)},
	};
	struct fxt t;
	uint8_t fr[128];
	int verdicts[3] = {0};

	fxt_init(&t);
	for (int iter = 0; iter < 30000; iter++) {
		size_t k = test_rng() % (sizeof(seeds) / sizeof(seeds[0]));
		uint16_t len = seeds[k].len;
		int nmut = 1 + (int)(test_rng() % 3);

		memcpy(fr, seeds[k].p, len);
		for (int m = 0; m < nmut; m++) {
			uint32_t r = test_rng();

			if (r % 4 == 0)
				fr[test_rng() % seeds[k].len] ^= (uint8_t)(1u << (r >> 8) % 8);
			else if (r % 4 == 1)
				fr[test_rng() % seeds[k].len] = (uint8_t)(r >> 16);
			else if (r % 4 == 2)
				len = (uint16_t)(test_rng() % (len + 1u));
			else if (len > FP_ETH_HLEN + FP_IP4_HLEN)
				pkt_fix_ip4_csum(
						fr); /* get past the IPv4 checksum to deeper code */
		}
		if (test_rng() % 8 == 0)
			t.fx.ctx.now_us += test_rng() % 3000000;
		verdicts[fx_run(&t.fx, fr, len, (uint16_t)(len + (test_rng() % 2) * 20), 0, NULL,
				NULL)]++;
		if (iter % 1000 == 0)
			fp_tick(&t.fx.ctx, t.fx.ctx.now_us);
	}
	/* The mix really reached every outcome. */
	ck_assert_int_gt(verdicts[FP_VERDICT_DROP], 0);
	ck_assert_int_gt(verdicts[FP_VERDICT_TX], 0);
	ck_assert_int_gt(verdicts[FP_VERDICT_CONSUMED] + verdicts[FP_VERDICT_TX], 100);
	fxt_fini(&t);
}
END_TEST

/*
 * IEEE 802 sources are individual addresses: a ping, a SYN or an ARP request
 * from a broadcast or multicast source is dropped, no reply goes to the group
 * and no flow is made (RFC 1122 3.3.6).
 */
START_TEST(test_input_group_source_dropped)
{
	static const uint8_t groups[][6] = {
			{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01},
			{0x33, 0x33, 0x00, 0x00, 0x00, 0x01},
			{0x03, 0x00, 0x00, 0x00, 0x00, 0x02}, /* only the I/G bit set */
	};
	const uint8_t *frames[] = {fx_icmp_echo_request, fx_tcp_syn, fx_arp_request};
	const uint16_t lens[] = {
			sizeof(fx_icmp_echo_request), sizeof(fx_tcp_syn), sizeof(fx_arp_request)};
	struct fxt t;

	fxt_init(&t);
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		for (size_t i = 0; i < 3; i++) {
			uint8_t fr[128];

			memcpy(fr, frames[i], lens[i]);
			memcpy(fr + FP_ETH_OFF_SRC, groups[g], 6);
			fx_expect_drop(&t.fx, fr, lens[i], FP_CTR_DROP_ETH_SRC_GROUP);
		}
	}
	ck_assert_uint_eq(fp_stats_get(&t.fx.stats, FP_CTR_DROP_ETH_SRC_GROUP), 12);
	ck_assert_uint_eq(fp_tcp_flow_count(t.fx.ctx.tcp), 0);
	ck_assert_uint_eq(fp_stats_get(&t.fx.stats, FP_CTR_ARP_REPLIES_SENT), 0);
	/* the same frames from a unicast source are answered */
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(fx_run(&t.fx, frames[i], lens[i], 128, 0, NULL, NULL),
				FP_VERDICT_TX);
	fxt_fini(&t);
}
END_TEST

/*
 * RFC 1122 3.3.6: unicast IPv4 that came as a link-layer broadcast is
 * dropped (its own counter); an ARP request, broadcast by design, is answered.
 */
START_TEST(test_input_unicast_ip4_on_link_bcast_dropped)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint8_t fr[128], out[128];
	struct fxt t;

	fxt_init(&t);
	memcpy(fr, fx_icmp_echo_request, sizeof(fx_icmp_echo_request));
	memcpy(fr + FP_ETH_OFF_DST, bcast, 6);
	fx_expect_drop(&t.fx, fr, sizeof(fx_icmp_echo_request), FP_CTR_DROP_IP4_LINK_BCAST);
	memcpy(fr, fx_tcp_syn, sizeof(fx_tcp_syn));
	memcpy(fr + FP_ETH_OFF_DST, bcast, 6);
	fx_expect_drop(&t.fx, fr, sizeof(fx_tcp_syn), FP_CTR_DROP_IP4_LINK_BCAST);
	ck_assert_uint_eq(fp_tcp_flow_count(t.fx.ctx.tcp), 0);
	/* IPv4 that is not ours keeps its older reason, whatever the link address */
	/* swap the last bytes of source and destination: the header sum holds */
	fr[FP_ETH_HLEN + FP_IP4_OFF_DST + 3] = 2;
	fr[FP_ETH_HLEN + FP_IP4_OFF_SRC + 3] = 1;
	fx_expect_drop(&t.fx, fr, sizeof(fx_tcp_syn), FP_CTR_DROP_IP4_NOT_US);
	ck_assert_uint_eq(fp_stats_get(&t.fx.stats, FP_CTR_DROP_IP4_LINK_BCAST), 2);

	ck_assert(fp_eth_is_bcast(fx_arp_request + FP_ETH_OFF_DST));
	ck_assert_int_eq(fx_run(&t.fx, fx_arp_request, sizeof(fx_arp_request), 128, 0, out, NULL),
			FP_VERDICT_TX);
	ck_assert_mem_eq(out + FP_ETH_OFF_DST, fx_arp_request + FP_ETH_OFF_SRC, 6);
	ck_assert_uint_eq(fp_stats_get(&t.fx.stats, FP_CTR_ARP_REPLIES_SENT), 1);
	fxt_fini(&t);
}
END_TEST
#ifndef NDEBUG
/*
 * A broken adapter invariant (more valid bytes than the buffer holds) stops
 * the program at FP_ASSERT in the builds CI runs (debug, debugoptimized)
 * instead of being read past. Release builds (NDEBUG) compile it out.
 */
START_TEST(test_input_assert_len_over_room)
{
	struct fx f;
	uint8_t buf[sizeof(fx_arp_request)];
	struct fp_pkt pkt = {.data = buf, .len = sizeof(buf), .room = sizeof(buf) - 1};

	fx_init(&f);
	memcpy(buf, fx_arp_request, sizeof(buf));
	fp_input(&f.ctx, &pkt);
}
END_TEST
#endif

static Suite *
input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_input_rx_counters);
	tcase_add_test(tc, test_input_dispatch_by_handlers);
	tcase_add_test(tc, test_input_tcp_syn_reaches_engine);
	tcase_add_test(tc, test_input_tcp_syn_truncated_every_length);
	tcase_add_test(tc, test_input_tcp_header_cut_by_ip_length);
	tcase_add_test(tc, test_input_tick);
	tcase_add_test(tc, test_input_mutated_frames_invariant);
	tcase_add_test(tc, test_input_group_source_dropped);
	tcase_add_test(tc, test_input_unicast_ip4_on_link_bcast_dropped);
#ifndef NDEBUG
	tcase_add_test_raise_signal(tc, test_input_assert_len_over_room, SIGABRT);
#endif
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(input_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
