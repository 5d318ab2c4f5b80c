/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for fp_input_burst() (lib/proto/input.c, lib/tcp/flow.c): a
 * burst must do exactly what fp_input() does frame by frame, even when frames
 * earlier in the burst open, reset or close the flows that later frames'
 * lookahead already found. Two engines built alike (same secret, same clock)
 * get the same frames, one burst-wise, one frame-wise; verdicts, replies,
 * frames sent through tx and every counter must match.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fp/cfg.h"
#include "fp/core.h"
#include "fp/stats.h"
#include "fp/tcp.h"
#include "fp/wire.h"
#include "pkt_build.h"

#define OUR_IP   0x0a000001u
#define ROOM     2048
#define N_FLOWS  24
#define TX_MAX   4096
#define N_BURSTS 3000

static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x02};

struct side {
	struct fp_ctx ctx;
	struct fp_stats stats;
	void *mem;
	uint8_t tx[TX_MAX][ROOM]; /**< frames sent through tx, in order */
	uint16_t tx_len[TX_MAX];
	uint16_t tx_at[TX_MAX]; /**< the frame of the burst it was sent for */
	uint32_t n_tx;
};

static struct side a, b; /* a: burst-wise, b: frame-wise */
static uint16_t b_frame;  /* the frame b is given */

static uint8_t *
tx_alloc(void *arg, uint16_t *room)
{
	struct side *s = arg;

	if (s->n_tx >= TX_MAX)
		return NULL;
	*room = ROOM;
	return s->tx[s->n_tx];
}

static void
tx_send(void *arg, uint8_t *frame, uint16_t len, uint16_t port)
{
	struct side *s = arg;

	ck_assert_uint_eq(port, 0);
	ck_assert_ptr_eq(frame, s->tx[s->n_tx]);
	/* Burst-wise, the engine says which frame it is at (fp_ctx.burst_done). */
	s->tx_at[s->n_tx] = s == &a ? s->ctx.burst_done : b_frame;
	s->tx_len[s->n_tx++] = len;
}

static void
tx_discard(void *arg, uint8_t *frame)
{
	(void)arg;
	(void)frame;
}

static const struct fp_tx_ops ops = {tx_alloc, tx_send, tx_discard};

/* Fixed keys: both sides of a comparison hash alike. */
static const struct fp_tcp_keys keys = {{0xfeedface, 0xcafebeef}, {1, 2}, {3, 4}};

static void
side_init(struct side *s)
{
	struct fp_cfg cfg;
	size_t sz;

	memset(s, 0, sizeof(*s));
	fp_cfg_defaults(&cfg);
	cfg.tcp.max_flows = 16; /* fewer than the tuples used: refusals too */
	cfg.tcp.buffer_size = 4096;
	cfg.tcp.syn_cookies = 0;
	sz = fp_tcp_mem_size(&cfg.tcp);
	s->mem = aligned_alloc(64, (sz + 63) & ~(size_t)63);
	ck_assert_ptr_nonnull(s->mem);
	s->ctx.tcp = fp_tcp_init(s->mem, sz, &cfg.tcp, &keys);
	ck_assert_ptr_nonnull(s->ctx.tcp);
	memcpy(s->ctx.ifaces[0].mac, our_mac, 6);
	s->ctx.ifaces[0].ip4 = OUR_IP;
	s->ctx.ifaces[0].prefix_len = 24;
	s->ctx.ifaces[0].mtu = 1500;
	s->ctx.n_ifaces = 1;
	s->ctx.handlers = FP_HANDLE_ARP | FP_HANDLE_ICMP | FP_HANDLE_TCP;
	s->ctx.stats = &s->stats;
	s->ctx.tx = &ops;
	s->ctx.tx_arg = s;
	s->ctx.now_us = 1000000;
}

/* The peer side of one tuple: what it has sent and what it has seen. */
struct peer {
	uint32_t seq, ack;
	uint32_t rst_seq; /**< where a RST for a stale connection goes (open 3) */
	int open; /**< 0 closed, 2 SYN sent, 1 SYN-ACK seen and no RST or FIN since,
		   *   3 a SYN met the old connection: reset it, as RFC 5961 4 says */
};

static struct peer peers[N_FLOWS];

/* One random frame: mostly segments of the tuples (SYN, data, ACK, FIN, RST,
 * some out of window), some ICMP, ARP and junk. */
static size_t
random_frame(uint8_t *buf)
{
	static uint8_t data[1400];
	uint32_t r = test_rng() % 100, i = test_rng() % N_FLOWS;
	struct pkt_spec s;
	size_t len;

	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, peer_mac, 6);
	memcpy(s.dst_mac, our_mac, 6);
	s.src_ip = 0x0a000002u + i % 3;
	s.dst_ip = OUR_IP;
	s.sport = (uint16_t)(40000 + i);
	s.dport = 7;
	s.seq = peers[i].seq;
	s.ack = peers[i].ack;
	s.win = 65535;
	if (peers[i].open == 3) {
		s.flags = FP_TCP_RST;
		s.seq = peers[i].rst_seq;
		peers[i].open = 0;
		return pkt_build_tcp(buf, ROOM, &s);
	}
	if (!peers[i].open)
		r = 0; /* closed: open it */
	else if (peers[i].open == 2)
		r = 90 + test_rng() % 10; /* waiting for the SYN-ACK */
	else if (r < 10)
		r = r == 0 ? 0 : 10 + test_rng() % 90; /* rarely, a SYN on an open flow */
	if (r < 10) {
		s.flags = FP_TCP_SYN;
		peers[i].seq = test_rng();
		s.seq = peers[i].seq++;
		peers[i].open = 2; /* until the SYN-ACK or a RST comes back */
	} else if (r < 60) {
		s.flags = FP_TCP_ACK | FP_TCP_PSH;
		s.payload = data;
		s.payload_len = (uint16_t)(1 + test_rng() % sizeof(data));
		peers[i].seq += s.payload_len;
	} else if (r < 72) {
		s.flags = FP_TCP_ACK; /* everything echoed so far */
	} else if (r < 78) {
		s.flags = FP_TCP_ACK | FP_TCP_FIN;
		peers[i].seq++;
		peers[i].open = 0;
	} else if (r < 84) {
		s.flags = test_rng() % 2 ? FP_TCP_RST : FP_TCP_RST | FP_TCP_ACK;
		peers[i].open = 0;
	} else if (r < 90) {
		s.flags = FP_TCP_ACK;
		s.seq += test_rng(); /* out of window */
	} else if (r < 94) {
		s.icmp_type = FP_ICMP_ECHO_REQ;
		s.payload = data;
		s.payload_len = 56;
		return pkt_build_icmp(buf, ROOM, &s);
	} else if (r < 97) {
		return pkt_build_arp(buf, ROOM, &s, FP_ARP_OP_REQUEST);
	} else {
		len = 14 + test_rng() % 80;
		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)test_rng();
		memcpy(buf, our_mac, 6);
		return len;
	}
	return pkt_build_tcp(buf, ROOM, &s);
}

/* Learn the peers' next ACK from b's replies, so data gets acknowledged. */
static void
learn(const uint8_t *f, uint16_t len)
{
	uint16_t dport;
	uint32_t seq, i;

	if (len < 54 || fp_load_be16(f + 12) != FP_ETHERTYPE_IPV4 || f[23] != FP_IPPROTO_TCP)
		return;
	dport = fp_load_be16(f + 36);
	if (dport < 40000 || dport >= 40000 + N_FLOWS)
		return;
	i = dport - 40000u;
	seq = fp_load_be32(f + 38) + fp_load_be16(f + 16) - 20u - (f[46] >> 4) * 4u;
	seq += !!(f[47] & FP_TCP_SYN) + !!(f[47] & FP_TCP_FIN);
	if (!(f[47] & FP_TCP_RST))
		peers[i].ack = seq;
	if ((f[47] & (FP_TCP_SYN | FP_TCP_ACK)) == (FP_TCP_SYN | FP_TCP_ACK))
		peers[i].open = 1;
	else if (peers[i].open == 2 && (f[47] & FP_TCP_ACK)) {
		/* The old connection is still there (a challenge ACK): reset it
		 * with the sequence number it expects, then try again. */
		peers[i].rst_seq = fp_load_be32(f + 42);
		peers[i].open = 3;
	}
	if (f[47] & FP_TCP_RST)
		peers[i].open = 0;
}

#define MAX_N (FP_BURST_MAX * 5 / 2)

START_TEST(test_burst_same_as_frame_by_frame)
{
	/* Bursts of up to 2.5 x FP_BURST_MAX: the longer ones go in pieces. */
	static uint8_t fa[MAX_N][ROOM], fb[MAX_N][ROOM];
	struct fp_pkt pa[MAX_N];
	enum fp_verdict va[MAX_N];
	uint16_t lens[MAX_N];
	uint32_t burst, k, tx = 0, verdicts[3] = {0};

	side_init(&a);
	side_init(&b);
	for (burst = 0; burst < N_BURSTS; burst++) {
		uint16_t n = (uint16_t)(1 + test_rng() % MAX_N);

		a.n_tx = b.n_tx = 0;
		for (k = 0; k < n; k++) {
			lens[k] = (uint16_t)random_frame(fa[k]);
			memcpy(fb[k], fa[k], lens[k]);
			pa[k] = (struct fp_pkt){.data = fa[k], .len = lens[k], .room = ROOM};
		}
		fp_input_burst(&a.ctx, pa, n, va);
		for (k = 0; k < n; k++) {
			struct fp_pkt pb = {.data = fb[k], .len = lens[k], .room = ROOM};
			enum fp_verdict vb;

			b_frame = (uint16_t)k;
			vb = fp_input(&b.ctx, &pb);
			ck_assert_int_eq(va[k], vb);
			if (vb == FP_VERDICT_DROP)
				ck_assert_uint_eq(pa[k].drop_reason, b.ctx.drop_reason);
			verdicts[vb]++;
			if (vb == FP_VERDICT_TX) {
				ck_assert_uint_eq(pa[k].len, pb.len);
				ck_assert_mem_eq(fa[k], fb[k], pb.len);
				ck_assert_uint_eq(pa[k].flags & FP_PKT_TX_CSUM,
						pb.flags & FP_PKT_TX_CSUM);
				learn(fb[k], pb.len);
			}
		}
		ck_assert_uint_eq(a.n_tx, b.n_tx);
		for (k = 0; k < b.n_tx; k++) {
			ck_assert_uint_eq(a.tx_len[k], b.tx_len[k]);
			ck_assert_uint_eq(a.tx_at[k], b.tx_at[k]);
			ck_assert_mem_eq(a.tx[k], b.tx[k], b.tx_len[k]);
			learn(b.tx[k], b.tx_len[k]);
		}
		tx += b.n_tx;
		ck_assert_mem_eq(&a.stats, &b.stats, sizeof(a.stats));
		/* Time moves between bursts; timers fire alike. */
		a.ctx.now_us = b.ctx.now_us = a.ctx.now_us + test_rng() % 20000;
		fp_tick(&a.ctx, a.ctx.now_us);
		fp_tick(&b.ctx, b.ctx.now_us);
	}
	/* The mix reached the interesting paths: flows opened, reset and
	 * closed under lookahead, echoes in place and through tx. */
	ck_assert_uint_gt(fp_stats_get(&b.stats, FP_CTR_FLOWS_OPENED), 30);
	ck_assert_uint_gt(fp_stats_get(&b.stats, FP_CTR_FLOWS_RESET), 5);
	ck_assert_uint_gt(fp_stats_get(&b.stats, FP_CTR_FLOWS_REFUSED), 100);
	ck_assert_uint_gt(fp_stats_get(&b.stats, FP_CTR_TCP_BYTES_ECHOED), 50000);
	ck_assert_uint_gt(verdicts[FP_VERDICT_TX], 1000);
	ck_assert_uint_gt(verdicts[FP_VERDICT_DROP], 100);
	ck_assert_uint_gt(tx, 0);
	free(a.mem);
	free(b.mem);
}
END_TEST

/* A frame handed to fp_input() with stale lookup hints is not misled by them. */
START_TEST(test_burst_hints_ignored_by_fp_input)
{
	static uint8_t f1[ROOM], f2[ROOM];
	struct pkt_spec s;
	struct fp_pkt p;
	size_t len;

	side_init(&a);
	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, peer_mac, 6);
	memcpy(s.dst_mac, our_mac, 6);
	s.src_ip = 0x0a000002u;
	s.dst_ip = OUR_IP;
	s.sport = 40000;
	s.dport = 7;
	s.seq = 100;
	s.flags = FP_TCP_SYN;
	s.win = 65535;
	len = pkt_build_tcp(f1, ROOM, &s);
	p = (struct fp_pkt){.data = f1, .len = (uint16_t)len, .room = ROOM};
	ck_assert_int_eq(fp_input(&a.ctx, &p), FP_VERDICT_TX);
	s.seq = 101;
	s.ack = fp_load_be32(f1 + 38) + 1;
	s.flags = FP_TCP_ACK;
	len = pkt_build_tcp(f2, ROOM, &s);
	/* A wrong hash and flow slot, as a careless adapter might leave them. */
	p = (struct fp_pkt){.data = f2,
			.len = (uint16_t)len,
			.room = ROOM,
			.flags = FP_PKT_HASH | FP_PKT_FLOW,
			.hash = 12345,
			.flow = 3};
	ck_assert_int_eq(fp_input(&a.ctx, &p), FP_VERDICT_CONSUMED);
	ck_assert_uint_eq(p.flags & FP_PKT_TX_CSUM, 0);
	ck_assert_uint_eq(fp_stats_get(&a.stats, FP_CTR_TCP_RST_SENT), 0);
	ck_assert_uint_eq(fp_tcp_flow_count(a.ctx.tcp), 1);
	free(a.mem);
}
END_TEST

static Suite *
burst_suite(void)
{
	Suite *s = suite_create("burst");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_burst_same_as_frame_by_frame);
	tcase_add_test(tc, test_burst_hints_ignored_by_fp_input);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(burst_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
