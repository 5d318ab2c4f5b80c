/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the TCP echo engine (lib/tcp/): fp_tcp_input() is called
 * directly with frames from pkt_build.c, fp_tcp_tick() with a test clock, and
 * every frame the engine emits (in place or through tx ops) lands in one
 * capture list that the tests read in order. State-machine tests are named
 * test_tcp_<state>_<event>.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fp/core.h"
#include "fp/csum.h"
#include "fp/stats.h"
#include "fp/tcp.h"
#include "fp/wire.h"
#include "pkt_build.h"
#include "../../lib/tcp/tcp_priv.h"

#define OUR_IP     0x0a000001u /* 10.0.0.1 */
#define PEER_IP    0x0a000002u /* 10.0.0.2 */
#define OUR_PORT   7
#define PEER_PORT  40000
#define PEER_ISS   1000u
#define T0         1000000000ull /* test clock start, us */
#define FRAME_ROOM 2048
#define CAP_MAX    512

/* A check without Check's per-assertion bookkeeping, for hot loops. */
#define REQUIRE(c)                                                         \
	do {                                                               \
		if (!(c))                                                  \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #c); \
	} while (0)

static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x02};

/* --- capture tx ops --- */
static uint8_t cap_buf[CAP_MAX][FRAME_ROOM];
static uint16_t cap_len[CAP_MAX];
static int n_cap, rd, allocs_out, fail_alloc;
static int tight_room; /* no tailroom: replies that grow go through tx */

static uint8_t *
cap_alloc(void *arg, uint16_t *room)
{
	(void)arg;
	if (fail_alloc || n_cap >= CAP_MAX || allocs_out)
		return NULL;
	allocs_out++;
	*room = FRAME_ROOM;
	return cap_buf[n_cap];
}

static void
cap_send(void *arg, uint8_t *frame, uint16_t len)
{
	(void)arg;
	REQUIRE(frame == cap_buf[n_cap]);
	REQUIRE(len <= FRAME_ROOM);
	cap_len[n_cap++] = len;
	allocs_out--;
}

static void
cap_discard(void *arg, uint8_t *frame)
{
	(void)arg;
	(void)frame;
	allocs_out--;
}

static const struct fp_tx_ops cap_ops = {cap_alloc, cap_send, cap_discard};

/* --- environment --- */
static struct fp_cfg_tcp cfg;
static struct fp_stats stats;
static struct fp_ctx ctx;
static void *mem;
static uint32_t our_iss;  /* from the SYN-ACK */
static uint32_t p_seq;    /* peer's next sequence number */
static uint16_t p_win;    /* window field the peer sends with data */
static uint16_t our_port; /* source port expected on our segments */

static void
cfg_defaults(void)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.listen[0] = OUR_PORT;
	cfg.n_listen = 1;
	cfg.mss = 1460;
	cfg.max_flows = 8;
	cfg.buffer_size = 4096;
	cfg.syn_cookies = 0;
	cfg.idle_timeout_s = 300;
	cfg.time_wait_ms = 2000;
	cfg.rto_initial_ms = 1000;
	cfg.rto_min_ms = 200;
	cfg.rto_max_ms = 60000;
}

static void
env_start(void)
{
	size_t sz = fp_tcp_mem_size(&cfg);

	ck_assert_uint_gt(sz, 0);
	mem = aligned_alloc(64, (sz + 63) & ~(size_t)63);
	ck_assert_ptr_nonnull(mem);
	memset(&ctx, 0, sizeof(ctx));
	memcpy(ctx.ifaces[0].mac, our_mac, 6);
	ctx.ifaces[0].ip4 = OUR_IP;
	ctx.ifaces[0].prefix_len = 24;
	ctx.ifaces[0].mtu = 1500;
	ctx.n_ifaces = 1;
	ctx.handlers = FP_HANDLE_TCP;
	ctx.now_us = T0;
	ctx.stats = &stats;
	ctx.tx = &cap_ops;
	ctx.tcp = fp_tcp_init(mem, sz, &cfg, 0x0123456789abcdefull);
	ck_assert_ptr_nonnull(ctx.tcp);
}

static void
setup(void)
{
	memset(&stats, 0, sizeof(stats));
	n_cap = rd = allocs_out = fail_alloc = tight_room = 0;
	p_win = 65535;
	our_port = OUR_PORT;
	mem = NULL;
	cfg_defaults();
}

static void
teardown(void)
{
	/* No tx frame may stay allocated between calls. */
	ck_assert_int_eq(allocs_out, 0);
	free(mem);
}

static uint64_t
ctr(enum fp_counter id)
{
	return fp_stats_get(&stats, id);
}

/* --- input --- */
static uint8_t in_frame[FRAME_ROOM];
static enum fp_verdict last_verdict;

static struct pkt_spec
spec(uint8_t flags, uint32_t seq, uint32_t ack, const void *data, uint16_t len)
{
	struct pkt_spec s;

	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, peer_mac, 6);
	memcpy(s.dst_mac, our_mac, 6);
	s.src_ip = PEER_IP;
	s.dst_ip = OUR_IP;
	s.sport = PEER_PORT;
	s.dport = OUR_PORT;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.win = 65535;
	s.payload = data;
	s.payload_len = len;
	return s;
}

/* Sum of the drop_* counters. */
static uint64_t
drops(void)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < FP_CTR_COUNT; i++)
		if (strncmp(fp_stats_name((enum fp_counter)i), "drop_", 5) == 0)
			n += stats.c[i];
	return n;
}

/* Feed a built frame; an in-place reply joins the capture list. A drop
 * verdict moves exactly one drop counter, any other verdict at most one. */
static enum fp_verdict
feed(uint8_t *frame, size_t len)
{
	uint64_t before = drops();
	struct fp_pkt pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.data = frame;
	pkt.len = (uint16_t)len;
	pkt.room = tight_room ? (uint16_t)len : FRAME_ROOM;
	pkt.l3 = FP_ETH_HLEN;
	pkt.l4 = FP_ETH_HLEN + FP_IP4_HLEN;
	pkt.l4_len = (uint16_t)(fp_load_be16(frame + FP_ETH_HLEN + FP_IP4_OFF_TOTLEN) -
			FP_IP4_HLEN);
	last_verdict = fp_tcp_input(&ctx, &pkt);
	REQUIRE(allocs_out == 0);
	REQUIRE(last_verdict == FP_VERDICT_DROP ? drops() == before + 1 : drops() <= before + 1);
	if (last_verdict == FP_VERDICT_TX) {
		REQUIRE(n_cap < CAP_MAX);
		memcpy(cap_buf[n_cap], frame, pkt.len);
		cap_len[n_cap++] = pkt.len;
	}
	return last_verdict;
}

static enum fp_verdict
in(const struct pkt_spec *s)
{
	size_t len = pkt_build_tcp(in_frame, sizeof(in_frame), s);

	REQUIRE(len > 0);
	return feed(in_frame, len);
}

static enum fp_verdict
in_seg(uint8_t flags, uint32_t seq, uint32_t ack, const void *data, uint16_t len, uint16_t win)
{
	struct pkt_spec s = spec(flags, seq, ack, data, len);

	s.win = win;
	return in(&s);
}

static void
tick(uint64_t us_from_now)
{
	ctx.now_us += us_from_now;
	fp_tcp_tick(&ctx, ctx.now_us);
	REQUIRE(allocs_out == 0);
}

/* --- output --- */
struct oseg {
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const uint8_t *data;
	uint32_t len;
	uint16_t mss; /* 0 = no option */
	int ws;       /* -1 = no option */
	int sack_ok;
	int n_sack;
	uint32_t sack[4][2];
};

/* Parse the next captured frame and check its addressing and checksums. */
static struct oseg
next_out(void)
{
	struct oseg o;
	const uint8_t *f, *ip, *tcp;
	uint16_t totlen, l4_len, hlen;
	uint32_t i;

	ck_assert_msg(rd < n_cap, "expected another segment, have %d", n_cap);
	f = cap_buf[rd];
	ip = f + FP_ETH_HLEN;
	tcp = ip + FP_IP4_HLEN;
	ck_assert_uint_ge(cap_len[rd], FP_ETH_MIN_FRAME);
	rd++;
	ck_assert_mem_eq(f + FP_ETH_OFF_DST, peer_mac, 6);
	ck_assert_mem_eq(f + FP_ETH_OFF_SRC, our_mac, 6);
	ck_assert_uint_eq(fp_load_be16(f + FP_ETH_OFF_TYPE), FP_ETHERTYPE_IPV4);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(ip, FP_IP4_HLEN, 0)), 0);
	ck_assert_uint_eq(fp_load_be32(ip + FP_IP4_OFF_SRC), OUR_IP);
	ck_assert_uint_eq(fp_load_be32(ip + FP_IP4_OFF_DST), PEER_IP);
	totlen = fp_load_be16(ip + FP_IP4_OFF_TOTLEN);
	l4_len = (uint16_t)(totlen - FP_IP4_HLEN);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(tcp, l4_len,
					  fp_csum_pseudo_ip4(OUR_IP, PEER_IP, FP_IPPROTO_TCP,
							  l4_len))),
			0);
	ck_assert_uint_eq(fp_load_be16(tcp + FP_TCP_OFF_SPORT), our_port);
	hlen = (uint16_t)((tcp[FP_TCP_OFF_DOFF] >> 4) * 4);
	o.seq = fp_load_be32(tcp + FP_TCP_OFF_SEQ);
	o.ack = fp_load_be32(tcp + FP_TCP_OFF_ACK);
	o.flags = tcp[FP_TCP_OFF_FLAGS];
	o.win = fp_load_be16(tcp + FP_TCP_OFF_WIN);
	o.data = tcp + hlen;
	o.len = (uint32_t)(l4_len - hlen);
	o.mss = 0;
	o.ws = -1;
	o.sack_ok = 0;
	o.n_sack = 0;
	for (i = FP_TCP_HLEN; i < hlen;) {
		if (tcp[i] == FP_TCPOPT_EOL)
			break;
		if (tcp[i] == FP_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (tcp[i] == FP_TCPOPT_MSS)
			o.mss = fp_load_be16(tcp + i + 2);
		if (tcp[i] == FP_TCPOPT_WSCALE)
			o.ws = tcp[i + 2];
		if (tcp[i] == FP_TCPOPT_SACK_OK)
			o.sack_ok = 1;
		if (tcp[i] == TCP_OPT_SACK) {
			for (o.n_sack = 0; o.n_sack < (tcp[i + 1] - 2) / 8; o.n_sack++) {
				o.sack[o.n_sack][0] = fp_load_be32(tcp + i + 2 + 8 * o.n_sack);
				o.sack[o.n_sack][1] = fp_load_be32(tcp + i + 6 + 8 * o.n_sack);
			}
		}
		i += tcp[i + 1];
	}
	return o;
}

static void
expect_none(void)
{
	ck_assert_msg(rd == n_cap, "unexpected output: %d unread segments", n_cap - rd);
}

static void
expect_rst(uint32_t seq)
{
	struct oseg o = next_out();

	ck_assert_uint_eq(o.flags & FP_TCP_RST, FP_TCP_RST);
	ck_assert_uint_eq(o.seq, seq);
	ck_assert_uint_eq(o.len, 0);
}

static void
expect_ack(uint32_t seq, uint32_t ack)
{
	struct oseg o = next_out();

	ck_assert_uint_eq(o.flags, FP_TCP_ACK);
	ck_assert_uint_eq(o.seq, seq);
	ck_assert_uint_eq(o.ack, ack);
	ck_assert_uint_eq(o.len, 0);
}

static struct fp_tcp_flow_info
flow_info(void)
{
	struct fp_tcp_flow_info fi;

	ck_assert_uint_eq(fp_tcp_flow_snapshot(ctx.tcp, ctx.now_us, 0, &fi, 1), 1);
	return fi;
}

static uint8_t
flow_state(void)
{
	return flow_info().state;
}

static void
assert_no_flows(void)
{
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 0);
	ck_assert_uint_eq(fp_stats_get_flows_open(&stats), 0);
	ck_assert_uint_eq(ctx.tcp->n_half_open, 0);
}

/* SYN with MSS (and wscale when ws >= 0); returns the SYN-ACK. */
static struct oseg
syn(uint32_t iss, uint16_t mss, int ws)
{
	uint8_t opts[8] = {FP_TCPOPT_MSS, 4, (uint8_t)(mss >> 8), (uint8_t)mss, FP_TCPOPT_NOP,
			FP_TCPOPT_WSCALE, 3, (uint8_t)ws};
	struct pkt_spec s = spec(FP_TCP_SYN, iss, 0, NULL, 0);
	struct oseg o;

	s.opts = opts;
	s.opts_len = ws >= 0 ? 8 : 4;
	ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.flags, FP_TCP_SYN | FP_TCP_ACK);
	ck_assert_uint_eq(o.ack, iss + 1);
	return o;
}

/* Three-way handshake from PEER_ISS; the peer advertises win (unscaled). */
static void
establish_win(uint16_t mss, int ws, uint16_t win)
{
	struct oseg o = syn(PEER_ISS, mss, ws);

	our_iss = o.seq;
	p_seq = PEER_ISS + 1;
	p_win = win;
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, win), FP_VERDICT_CONSUMED);
	expect_none();
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
}

static void
establish(void)
{
	establish_win(1460, -1, 65535);
}

/* Peer sends data; returns its next sequence number. */
static enum fp_verdict
send_data(const void *data, uint16_t len, uint32_t ack)
{
	enum fp_verdict v = in_seg(FP_TCP_ACK | FP_TCP_PSH, p_seq, ack, data, len, p_win);

	p_seq += len;
	return v;
}

/* ===================== closed port / LISTEN ===================== */

START_TEST(test_tcp_closed_syn)
{
	struct pkt_spec s;

	env_start();
	s = spec(FP_TCP_SYN, 5000, 0, NULL, 0);
	s.dport = 8;
	our_port = 8;
	ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	{
		/* RFC 9293 3.10.7.1: no ACK -> <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		struct oseg o = next_out();

		ck_assert_uint_eq(o.flags, FP_TCP_RST | FP_TCP_ACK);
		ck_assert_uint_eq(o.seq, 0);
		ck_assert_uint_eq(o.ack, 5001);
	}
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RST_SENT), 1);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_closed_ack)
{
	struct pkt_spec s;

	env_start();
	s = spec(FP_TCP_ACK, 5000, 777, "ab", 2);
	s.dport = 9;
	our_port = 9;
	ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	expect_rst(777); /* ACK set -> <SEQ=SEG.ACK><CTL=RST> */
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_closed_fin_data)
{
	struct pkt_spec s;
	struct oseg o;

	env_start();
	s = spec(FP_TCP_FIN, 5000, 0, "abc", 3);
	s.dport = 9;
	our_port = 9;
	ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.flags, FP_TCP_RST | FP_TCP_ACK);
	ck_assert_uint_eq(o.ack, 5000 + 3 + 1); /* SEG.LEN counts data and FIN */
}
END_TEST

START_TEST(test_tcp_closed_rst)
{
	struct pkt_spec s;

	env_start();
	s = spec(FP_TCP_RST | FP_TCP_ACK, 5000, 1, NULL, 0);
	s.dport = 9;
	ck_assert_int_eq(in(&s), FP_VERDICT_DROP);
	expect_none(); /* never RST a RST */
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_NO_FLOW), 1);
}
END_TEST

START_TEST(test_tcp_listen_syn)
{
	struct oseg o;

	env_start();
	ctx.ifaces[0].mtu = 1000;
	o = syn(PEER_ISS, 1460, -1);
	ck_assert_uint_eq(o.mss, 960); /* min(cfg mss, MTU - 40) */
	ck_assert_int_eq(o.ws, -1);    /* no wscale unless the peer sent one */
	ck_assert_uint_eq(o.win, 4096);
	ck_assert_uint_eq(flow_state(), FP_TCP_SYN_RECEIVED);
	ck_assert_uint_eq(ctx.tcp->n_half_open, 1);
	ck_assert_uint_eq(fp_stats_get_flows_open(&stats), 1);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_OPENED), 1);
}
END_TEST

START_TEST(test_tcp_listen_syn_wscale)
{
	struct oseg o;

	cfg.buffer_size = 1u << 18;
	cfg.max_flows = 2;
	env_start();
	o = syn(PEER_ISS, 1200, 7);
	ck_assert_uint_eq(o.mss, 1460);
	ck_assert_int_eq(o.ws, 3); /* 2^18 >> 3 fits 16 bits */
	ck_assert_uint_eq(o.win, 65535);
	our_iss = o.seq;
	p_seq = PEER_ISS + 1;
	/* Peer window 100 << 7 = 12800 bytes; send 3 segments of its MSS 1200. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 100), FP_VERDICT_CONSUMED);
	ck_assert_uint_eq(flow_info().snd_wnd, 12800);
	{
		static uint8_t data[3000];

		memset(data, 'x', sizeof(data));
		/* Two segments: both leave through tx, the packet is consumed. */
		ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1, data, 1400, 100),
				FP_VERDICT_CONSUMED);
		o = next_out();
		ck_assert_uint_eq(o.len, 1200); /* honours the peer's MSS */
		ck_assert_uint_eq(o.win, ((1u << 18) - 1400) >> 3);
		o = next_out();
		ck_assert_uint_eq(o.len, 200);
		expect_none();
	}
}
END_TEST

START_TEST(test_tcp_listen_syn_sack)
{
	static const uint8_t opts[8] = {FP_TCPOPT_MSS, 4, 0x03, 0xe8, FP_TCPOPT_NOP, FP_TCPOPT_NOP,
			FP_TCPOPT_SACK_OK, 2};
	static uint8_t data[1000];
	struct pkt_spec s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
	struct oseg o;

	env_start();
	s.opts = opts;
	s.opts_len = sizeof(opts);
	ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	o = next_out();
	ck_assert_int_eq(o.sack_ok, 1); /* RFC 2018 2: answered */
	ck_assert_int_eq(o.ws, -1);
	our_iss = o.seq;
	p_seq = PEER_ISS + 1;
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	/* Two holes: the ACKs carry SACK blocks, the latest segment's first. */
	in_seg(FP_TCP_ACK, p_seq + 1500, our_iss + 1, "bbbb", 4, 65535);
	o = next_out();
	ck_assert_int_eq(o.n_sack, 1);
	ck_assert_uint_eq(o.sack[0][0], p_seq + 1500);
	ck_assert_uint_eq(o.sack[0][1], p_seq + 1504);
	in_seg(FP_TCP_ACK, p_seq + 1000, our_iss + 1, "aaaa", 4, 65535);
	o = next_out();
	ck_assert_int_eq(o.n_sack, 2);
	ck_assert_uint_eq(o.sack[0][0], p_seq + 1000);
	ck_assert_uint_eq(o.sack[1][0], p_seq + 1500);
	/* 1000 bytes fill the first hole; the echo carries the remaining block,
	 * whose 12 option bytes come out of the MSS of 1000 (RFC 6691). */
	memset(data, 'd', sizeof(data));
	send_data(data, 1000, our_iss + 1);
	o = next_out();
	ck_assert_uint_eq(o.ack, p_seq + 4);
	ck_assert_int_eq(o.n_sack, 1);
	ck_assert_uint_eq(o.sack[0][0], p_seq + 500);
	ck_assert_uint_eq(o.len, 988);
	ck_assert_uint_eq(next_out().len, 16);
	/* The last hole filled: no more SACK, full segments. */
	p_seq += 4;
	send_data(data, 496, our_iss + 1);
	o = next_out();
	ck_assert_int_eq(o.n_sack, 0);
	ck_assert_uint_eq(o.ack, p_seq + 4);
	ck_assert_uint_eq(o.len, 500);
}
END_TEST

START_TEST(test_tcp_listen_ack)
{
	env_start();
	ck_assert_int_eq(in_seg(FP_TCP_ACK, 5000, 4242, NULL, 0, 1000), FP_VERDICT_TX);
	expect_rst(4242);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_listen_rst)
{
	env_start();
	ck_assert_int_eq(in_seg(FP_TCP_RST, 5000, 0, NULL, 0, 0), FP_VERDICT_DROP);
	expect_none();
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_listen_syn_no_mss)
{
	struct pkt_spec s;
	static uint8_t data[1000];

	env_start();
	s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
	ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	our_iss = next_out().seq;
	p_seq = PEER_ISS + 1;
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	send_data(data, 1000, our_iss + 1);
	/* RFC 9293 3.7.1: 536 without an MSS option. */
	ck_assert_uint_eq(next_out().len, 536);
	ck_assert_uint_eq(next_out().len, 464);
	expect_none();
}
END_TEST

/* ===================== SYN_RECEIVED ===================== */

START_TEST(test_tcp_syn_received_ack)
{
	env_start();
	establish();
	ck_assert_uint_eq(ctx.tcp->n_half_open, 0);
	ck_assert_uint_gt(flow_info().srtt_us, 0);
}
END_TEST

START_TEST(test_tcp_syn_received_bad_ack)
{
	struct oseg o;

	env_start();
	o = syn(PEER_ISS, 1460, -1);
	ck_assert_int_eq(in_seg(FP_TCP_ACK, PEER_ISS + 1, o.seq + 5, NULL, 0, 1000), FP_VERDICT_TX);
	expect_rst(o.seq + 5);
	ck_assert_uint_eq(flow_state(), FP_TCP_SYN_RECEIVED);
}
END_TEST

START_TEST(test_tcp_syn_received_dup_syn)
{
	struct oseg a, b;

	env_start();
	a = syn(PEER_ISS, 1460, -1);
	b = syn(PEER_ISS, 1460, -1);
	ck_assert_uint_eq(a.seq, b.seq);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 1);
}
END_TEST

START_TEST(test_tcp_syn_received_rst)
{
	env_start();
	syn(PEER_ISS, 1460, -1);
	ck_assert_int_eq(in_seg(FP_TCP_RST, PEER_ISS + 1, 0, NULL, 0, 0), FP_VERDICT_CONSUMED);
	expect_none();
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_RESET), 1);
}
END_TEST

START_TEST(test_tcp_syn_received_timeout)
{
	struct oseg o;
	uint64_t wait = 1000000;
	int i;

	env_start();
	o = syn(PEER_ISS, 1460, -1);
	/* SYN-ACK retried with exponential backoff, then the flow goes. */
	for (i = 0; i < 5; i++) {
		tick(wait - 1000);
		expect_none();
		tick(1000);
		ck_assert_uint_eq(next_out().seq, o.seq);
		wait *= 2;
	}
	tick(wait);
	expect_none();
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_TIMED_OUT), 1);
}
END_TEST

START_TEST(test_tcp_syn_received_data)
{
	struct oseg o;

	env_start();
	o = syn(PEER_ISS, 1460, -1);
	our_iss = o.seq;
	p_seq = PEER_ISS + 1;
	/* Final ACK carrying data: established and echoed at once. */
	ck_assert_int_eq(send_data("hello", 5, our_iss + 1), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.seq, our_iss + 1);
	ck_assert_uint_eq(o.ack, p_seq);
	ck_assert_uint_eq(o.len, 5);
	ck_assert_mem_eq(o.data, "hello", 5);
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
}
END_TEST

/* ===================== ESTABLISHED ===================== */

START_TEST(test_tcp_established_data)
{
	struct oseg o;

	env_start();
	establish();
	ck_assert_int_eq(send_data("ping", 4, our_iss + 1), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.flags, FP_TCP_ACK | FP_TCP_PSH);
	ck_assert_uint_eq(o.seq, our_iss + 1);
	ck_assert_uint_eq(o.ack, p_seq);
	ck_assert_uint_eq(o.win, 4096 - 4); /* back-pressure: buffered bytes shrink the window */
	ck_assert_mem_eq(o.data, "ping", 4);
	ck_assert_uint_eq(flow_info().unacked, 4);
	/* The peer's ACK frees the buffer; nothing to send. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 5, NULL, 0, 65535),
			FP_VERDICT_CONSUMED);
	expect_none();
	ck_assert_uint_eq(flow_info().buffered, 0);
	ck_assert_uint_eq(flow_info().bytes_out, 4);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_BYTES_ECHOED), 4);
}
END_TEST

START_TEST(test_tcp_established_fin)
{
	struct oseg o;

	env_start();
	establish();
	send_data("bye", 3, our_iss + 1);
	o = next_out();
	ck_assert_uint_eq(o.len, 3);
	/* FIN with the echo unacknowledged: ACK it; our FIN follows the data. */
	ck_assert_int_eq(in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535),
			FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.flags, FP_TCP_FIN | FP_TCP_ACK);
	ck_assert_uint_eq(o.seq, our_iss + 4);
	ck_assert_uint_eq(o.ack, p_seq + 1);
	expect_none();
	ck_assert_uint_eq(flow_state(), FP_TCP_LAST_ACK);
	p_seq++;
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 5, NULL, 0, 65535),
			FP_VERDICT_CONSUMED);
	expect_none();
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_CLOSED), 1);
}
END_TEST

START_TEST(test_tcp_established_fin_with_data)
{
	struct oseg o;

	env_start();
	establish();
	/* Data and FIN in one segment: one reply carries echo, ACK and FIN. */
	ck_assert_int_eq(in_seg(FP_TCP_FIN | FP_TCP_ACK | FP_TCP_PSH, p_seq, our_iss + 1, "xyz", 3,
					 65535),
			FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.flags, FP_TCP_FIN | FP_TCP_ACK | FP_TCP_PSH);
	ck_assert_uint_eq(o.len, 3);
	ck_assert_uint_eq(o.ack, p_seq + 4);
	expect_none();
	ck_assert_uint_eq(flow_state(), FP_TCP_LAST_ACK);
	in_seg(FP_TCP_ACK, p_seq + 4, our_iss + 5, NULL, 0, 65535);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_established_rst_exact)
{
	env_start();
	establish();
	ck_assert_int_eq(in_seg(FP_TCP_RST, p_seq, 0, NULL, 0, 0), FP_VERDICT_CONSUMED);
	expect_none();
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_RESET), 1);
}
END_TEST

START_TEST(test_tcp_established_rst_in_window)
{
	env_start();
	establish();
	/* RFC 5961 3.2: in window but not exact -> challenge ACK, no reset. */
	ck_assert_int_eq(in_seg(FP_TCP_RST, p_seq + 100, 0, NULL, 0, 0), FP_VERDICT_TX);
	expect_ack(our_iss + 1, p_seq);
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_CHALLENGE_ACKS), 1);
	/* The challenge's answer, an exact RST, closes. */
	in_seg(FP_TCP_RST, p_seq, 0, NULL, 0, 0);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_established_rst_out_of_window)
{
	env_start();
	establish();
	ck_assert_int_eq(in_seg(FP_TCP_RST, p_seq + 100000, 0, NULL, 0, 0), FP_VERDICT_DROP);
	expect_none();
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_OUT_OF_WINDOW), 1);
}
END_TEST

START_TEST(test_tcp_established_syn)
{
	env_start();
	establish();
	/* RFC 5961 4.2: SYN in a synchronized state -> challenge ACK. */
	ck_assert_int_eq(in_seg(FP_TCP_SYN, p_seq + 10, 0, NULL, 0, 1000), FP_VERDICT_TX);
	expect_ack(our_iss + 1, p_seq);
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_CHALLENGE_ACKS), 1);
	ck_assert_int_eq(in_seg(FP_TCP_SYN, PEER_ISS, 0, NULL, 0, 1000), FP_VERDICT_TX);
	expect_ack(our_iss + 1, p_seq);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_CHALLENGE_ACKS), 2);
}
END_TEST

START_TEST(test_tcp_established_ooo)
{
	env_start();
	establish();
	/* A hole: dropped, duplicate ACK for the hole, nothing echoed. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq + 10, our_iss + 1, "late", 4, 65535),
			FP_VERDICT_TX);
	expect_ack(our_iss + 1, p_seq);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_OOO_SEGS), 1);
	ck_assert_uint_eq(flow_info().bytes_in, 0);
}
END_TEST

START_TEST(test_tcp_established_ooo_fill)
{
	struct oseg o;
	int i;

	env_start();
	establish();
	/* "efgh" and "mnop" arrive early and are kept; the holes get dup ACKs. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq + 4, our_iss + 1, "efgh", 4, 65535),
			FP_VERDICT_TX);
	expect_ack(our_iss + 1, p_seq);
	in_seg(FP_TCP_ACK, p_seq + 12, our_iss + 1, "mnop", 4, 65535);
	expect_ack(our_iss + 1, p_seq);
	ck_assert_uint_eq(ctx.tcp->flows[0].n_ooo, 2);
	/* Filling the first hole releases "abcdefgh" at once. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1, "abcd", 4, 65535), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.ack, p_seq + 8);
	ck_assert_uint_eq(o.len, 8);
	ck_assert_mem_eq(o.data, "abcdefgh", 8);
	/* Overlapping fill of the second hole. */
	in_seg(FP_TCP_ACK, p_seq + 6, our_iss + 1, "ghijklmn", 8, 65535);
	o = next_out();
	ck_assert_uint_eq(o.ack, p_seq + 16);
	ck_assert_mem_eq(o.data, "ijklmnop", 8);
	ck_assert_uint_eq(ctx.tcp->flows[0].n_ooo, 0);
	ck_assert_uint_eq(flow_info().bytes_in, 16);
	p_seq += 16;
	/* Five separate ranges: the fifth is not kept. */
	for (i = 0; i < 5; i++) {
		in_seg(FP_TCP_ACK, p_seq + 2 + 4 * (uint32_t)i, our_iss + 1, "xx", 2, 65535);
		next_out();
	}
	ck_assert_uint_eq(ctx.tcp->flows[0].n_ooo, TCP_OOO_MAX);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_OOO_SEGS), 7);
	/* A segment joining two ranges merges them. */
	in_seg(FP_TCP_ACK, p_seq + 4, our_iss + 1, "yy", 2, 65535);
	next_out();
	ck_assert_uint_eq(ctx.tcp->flows[0].n_ooo, TCP_OOO_MAX - 1);
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1, "zz", 2, 65535);
	o = next_out();
	ck_assert_uint_eq(o.ack, p_seq + 8);
	ck_assert_mem_eq(o.data, "zzxxyyxx", 8);
}
END_TEST

START_TEST(test_tcp_established_sws_avoidance)
{
	static uint8_t data[1460];
	struct oseg o;

	env_start();
	establish_win(1460, -1, 1000);
	memset(data, 's', sizeof(data));
	send_data(data, 1460, our_iss + 1);
	send_data(data, 1460, our_iss + 1);
	send_data(data, 1176, our_iss + 1); /* the buffer (4096) is full */
	while (rd < n_cap)
		o = next_out();
	ck_assert_uint_eq(o.win, 0);
	ck_assert_uint_eq(flow_info().unacked, 1000);
	/* The peer takes 10 bytes: 10 more are echoed, but the window stays shut
	 * (RFC 9293 3.8.6.2.2: open by min(buffer/2, MSS) or not at all). */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 11, NULL, 0, 1000);
	o = next_out();
	ck_assert_uint_eq(o.len, 10);
	ck_assert_uint_eq(o.win, 0);
	expect_none();
	/* All 1010 acknowledged and the peer's window grows: more echo, still shut. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1011, NULL, 0, 3000);
	while (rd < n_cap) {
		o = next_out();
		ck_assert_uint_eq(o.win, 0);
	}
	ck_assert_uint_eq(o.seq + o.len, our_iss + 4011);
	/* 1500 more acknowledged: 2510 free, the window opens on the last 86 bytes. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 2511, NULL, 0, 3000);
	o = next_out();
	ck_assert_uint_eq(o.len, 86);
	ck_assert_uint_eq(o.win, 2510);
	expect_none();
}
END_TEST

START_TEST(test_tcp_established_zero_window_ack)
{
	static uint8_t data[1460];
	struct oseg o;

	env_start();
	establish_win(1460, -1, 1000);
	memset(data, 'z', sizeof(data));
	send_data(data, 1460, our_iss + 1);
	send_data(data, 1460, our_iss + 1);
	send_data(data, 1176, our_iss + 1);
	while (rd < n_cap)
		o = next_out();
	ck_assert_uint_eq(o.win, 0);
	/* Data into our shut window, carrying an ACK of 1000 echoed bytes: the
	 * bytes are refused, the ACK is taken (RFC 9293 3.10.7.4). */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1001, "more", 4, 3000),
			FP_VERDICT_CONSUMED);
	ck_assert_uint_eq(flow_info().bytes_out, 1000);
	ck_assert_uint_eq(flow_info().bytes_in, 4096);
	o = next_out();
	ck_assert_uint_eq(o.ack, p_seq); /* "more" not acknowledged */
	ck_assert_uint_eq(o.seq, our_iss + 1001);
	ck_assert_uint_gt(o.len, 0); /* the peer's bigger window is used at once */
}
END_TEST

START_TEST(test_tcp_established_old_data)
{
	struct oseg o;

	env_start();
	establish();
	send_data("abcd", 4, our_iss + 1);
	next_out();
	/* Overlap: "cdef" from seq-2, only "ef" is new. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq - 2, our_iss + 1, "cdef", 4, 65535),
			FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.seq, our_iss + 5);
	ck_assert_uint_eq(o.len, 2);
	ck_assert_mem_eq(o.data, "ef", 2);
	p_seq += 2;
	/* A full duplicate: just an ACK. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq - 6, our_iss + 1, "abcdef", 6, 65535),
			FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.ack, p_seq);
	ck_assert_int_eq(o.n_sack, 0); /* no D-SACK without SACK-permitted (RFC 2883 4) */
	ck_assert_uint_eq(flow_info().bytes_in, 6);
}
END_TEST

/*
 * A pure ACK at the right edge of our window: the peer filled the window
 * and its ACK overtook the last data (reordering between the peer's CPUs).
 * Its acknowledgment must count (as in BSD and Linux), not be refused as
 * out of window, else the echo buffer stays full until the next segment.
 */
START_TEST(test_tcp_established_ack_at_edge)
{
	static uint8_t data[1000];
	uint64_t oow;
	uint32_t wnd;

	env_start();
	establish();
	memset(data, 'e', sizeof(data));
	send_data(data, sizeof(data), our_iss + 1);
	ck_assert_uint_eq(next_out().len, 1000);
	wnd = flow_info().rcv_wnd;
	ck_assert_uint_gt(wnd, 0);
	oow = ctr(FP_CTR_DROP_TCP_OUT_OF_WINDOW);
	/* The peer sent wnd more bytes (still on the way) and acknowledges our echo. */
	in_seg(FP_TCP_ACK, p_seq + wnd, our_iss + 1001, NULL, 0, 65535);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_OUT_OF_WINDOW), oow);
	ck_assert_uint_eq(flow_info().bytes_out, 1000);
	ck_assert_uint_eq(flow_info().unacked, 0);
	/* One byte further is still out of window. */
	in_seg(FP_TCP_ACK, p_seq + wnd + 1001, our_iss + 1001, NULL, 0, 65535);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_OUT_OF_WINDOW), oow + 1);
	expect_ack(our_iss + 1001, p_seq);
}
END_TEST

START_TEST(test_tcp_established_ack_too_new)
{
	env_start();
	establish();
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1000, "zz", 2, 65535), FP_VERDICT_TX);
	expect_ack(our_iss + 1, p_seq); /* data not taken */
	ck_assert_uint_eq(flow_info().bytes_in, 0);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_CHALLENGE_ACKS), 1);
}
END_TEST

START_TEST(test_tcp_established_no_ack_flag)
{
	env_start();
	establish();
	ck_assert_int_eq(
			in_seg(FP_TCP_PSH | FP_TCP_FIN, p_seq, 0, "zz", 2, 65535), FP_VERDICT_DROP);
	expect_none();
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_BAD_FLAGS), 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
}
END_TEST

START_TEST(test_tcp_established_out_of_window_data)
{
	env_start();
	establish();
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq + 100000, our_iss + 1, "zz", 2, 65535),
			FP_VERDICT_TX);
	expect_ack(our_iss + 1, p_seq);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_OUT_OF_WINDOW), 1);
}
END_TEST

START_TEST(test_tcp_established_buffer_full)
{
	static uint8_t data[1460];
	struct oseg o;
	int i;

	env_start();
	/* The peer's window is 0: nothing is echoed, so our window closes. */
	establish_win(1460, -1, 0);
	memset(data, 'q', sizeof(data));
	for (i = 0; i < 3; i++) {
		send_data(data, 1460, our_iss + 1);
		o = next_out();
		ck_assert_uint_eq(o.len, 0);
	}
	ck_assert_uint_eq(o.win, 0);
	ck_assert_uint_eq(flow_info().buffered, 4096);
	ck_assert_uint_eq(o.ack, p_seq - (3 * 1460 - 4096));
	/* Closed window: a probe gets an ACK, its byte is not taken. */
	p_seq = o.ack;
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1, "p", 1, 0), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.ack, p_seq);
	ck_assert_uint_eq(o.win, 0);
	ck_assert_uint_eq(flow_info().bytes_in, 4096);
}
END_TEST

/* ===================== CLOSE_WAIT / LAST_ACK ===================== */

START_TEST(test_tcp_close_wait_ack)
{
	struct oseg o;

	env_start();
	establish_win(1460, -1, 0);
	send_data("held", 4, our_iss + 1);
	expect_ack(our_iss + 1, p_seq);
	/* FIN while our echo waits for the peer's window: CLOSE_WAIT. */
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 0);
	expect_ack(our_iss + 1, p_seq + 1);
	p_seq++;
	ck_assert_uint_eq(flow_state(), FP_TCP_CLOSE_WAIT);
	/* Window opens: the data and our FIN go, LAST_ACK. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 1000), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.flags, FP_TCP_ACK | FP_TCP_PSH | FP_TCP_FIN);
	ck_assert_mem_eq(o.data, "held", 4);
	ck_assert_uint_eq(flow_state(), FP_TCP_LAST_ACK);
	in_seg(FP_TCP_ACK, p_seq, our_iss + 6, NULL, 0, 1000);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_close_wait_rst)
{
	env_start();
	establish_win(1460, -1, 0);
	send_data("held", 4, our_iss + 1);
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 0);
	p_seq++;
	ck_assert_uint_eq(flow_state(), FP_TCP_CLOSE_WAIT);
	in_seg(FP_TCP_RST, p_seq, 0, NULL, 0, 0);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_last_ack_ack)
{
	env_start();
	establish();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	p_seq++;
	{
		struct oseg o = next_out();

		ck_assert_uint_eq(o.flags, FP_TCP_FIN | FP_TCP_ACK);
		ck_assert_uint_eq(o.seq, our_iss + 1);
	}
	ck_assert_uint_eq(flow_state(), FP_TCP_LAST_ACK);
	/* An ACK below our FIN does not close. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	ck_assert_uint_eq(flow_state(), FP_TCP_LAST_ACK);
	in_seg(FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	expect_none();
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_last_ack_timeout)
{
	struct oseg o;

	env_start();
	establish();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	next_out();
	/* FIN retransmitted on RTO (srtt from the handshake is ~0: rto_min). */
	tick(200000);
	o = next_out();
	ck_assert_uint_eq(o.flags & FP_TCP_FIN, FP_TCP_FIN);
	ck_assert_uint_eq(o.seq, our_iss + 1);
	/* Linger bound (time_wait_ms since the last segment) aborts it. */
	tick(2000000);
	while (rd < n_cap)
		next_out();
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_TIMED_OUT), 1);
}
END_TEST

START_TEST(test_tcp_last_ack_fin_retransmit)
{
	env_start();
	establish();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	next_out();
	/* The peer missed our ACK and repeats its FIN: ACK again. */
	ck_assert_int_eq(in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535),
			FP_VERDICT_TX);
	expect_ack(our_iss + 2, p_seq + 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_LAST_ACK);
}
END_TEST

/* ===================== FIN_WAIT_1 / FIN_WAIT_2 / CLOSING / TIME_WAIT ===================== */

/* Drain an established flow: our FIN goes out, FIN_WAIT_1. */
static void
to_fin_wait_1(void)
{
	struct oseg o;

	env_start();
	establish();
	fp_tcp_drain(&ctx);
	o = next_out();
	ck_assert_uint_eq(o.flags, FP_TCP_FIN | FP_TCP_ACK);
	ck_assert_uint_eq(o.seq, our_iss + 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_FIN_WAIT_1);
}

START_TEST(test_tcp_fin_wait_1_ack)
{
	to_fin_wait_1();
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535),
			FP_VERDICT_CONSUMED);
	ck_assert_uint_eq(flow_state(), FP_TCP_FIN_WAIT_2);
}
END_TEST

START_TEST(test_tcp_fin_wait_1_fin)
{
	to_fin_wait_1();
	/* Simultaneous close: their FIN does not ACK ours -> CLOSING. */
	ck_assert_int_eq(in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535),
			FP_VERDICT_TX);
	expect_ack(our_iss + 2, p_seq + 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_CLOSING);
}
END_TEST

START_TEST(test_tcp_fin_wait_1_fin_ack)
{
	to_fin_wait_1();
	ck_assert_int_eq(in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535),
			FP_VERDICT_TX);
	expect_ack(our_iss + 2, p_seq + 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
}
END_TEST

START_TEST(test_tcp_syn_received_fin)
{
	struct oseg o;

	env_start();
	o = syn(PEER_ISS, 1460, -1);
	our_iss = o.seq;
	/* Final ACK with FIN: established, then closed by the peer at once. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK | FP_TCP_FIN, PEER_ISS + 1, our_iss + 1, NULL, 0, 1000),
			FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.flags, FP_TCP_FIN | FP_TCP_ACK);
	ck_assert_uint_eq(o.ack, PEER_ISS + 2);
	ck_assert_uint_eq(flow_state(), FP_TCP_LAST_ACK);
	in_seg(FP_TCP_ACK, PEER_ISS + 2, our_iss + 2, NULL, 0, 1000);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_syn_received_rst_in_window)
{
	env_start();
	syn(PEER_ISS, 1460, -1);
	ck_assert_int_eq(in_seg(FP_TCP_RST, PEER_ISS + 50, 0, NULL, 0, 0), FP_VERDICT_TX);
	ck_assert_uint_eq(next_out().flags, FP_TCP_ACK);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_CHALLENGE_ACKS), 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_SYN_RECEIVED);
}
END_TEST

START_TEST(test_tcp_close_wait_fin)
{
	env_start();
	establish_win(1460, -1, 0);
	send_data("held", 4, our_iss + 1);
	next_out();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 0);
	next_out();
	ck_assert_uint_eq(flow_state(), FP_TCP_CLOSE_WAIT);
	/* The peer repeats its FIN: ACK it again, nothing changes. */
	ck_assert_int_eq(in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 0),
			FP_VERDICT_TX);
	expect_ack(our_iss + 1, p_seq + 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_CLOSE_WAIT);
}
END_TEST

START_TEST(test_tcp_last_ack_rst)
{
	env_start();
	establish();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	next_out();
	ck_assert_uint_eq(flow_state(), FP_TCP_LAST_ACK);
	ck_assert_int_eq(in_seg(FP_TCP_RST, p_seq + 1, 0, NULL, 0, 0), FP_VERDICT_CONSUMED);
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_RESET), 1);
}
END_TEST

START_TEST(test_tcp_fin_wait_2_data)
{
	to_fin_wait_1();
	in_seg(FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	ck_assert_uint_eq(flow_state(), FP_TCP_FIN_WAIT_2);
	/* Half-closed by us: the peer may still send; acknowledged, not echoed. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 2, "more", 4, 65535), FP_VERDICT_TX);
	expect_ack(our_iss + 2, p_seq + 4);
	ck_assert_uint_eq(flow_state(), FP_TCP_FIN_WAIT_2);
}
END_TEST

START_TEST(test_tcp_closing_rst)
{
	to_fin_wait_1();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	next_out();
	ck_assert_uint_eq(flow_state(), FP_TCP_CLOSING);
	in_seg(FP_TCP_RST, p_seq + 1, 0, NULL, 0, 0);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_time_wait_syn)
{
	to_fin_wait_1();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	next_out();
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
	/* RFC 5961 4.2 also in TIME_WAIT: a SYN gets a challenge ACK. */
	ck_assert_int_eq(in_seg(FP_TCP_SYN, p_seq + 100, 0, NULL, 0, 1000), FP_VERDICT_TX);
	expect_ack(our_iss + 2, p_seq + 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
}
END_TEST

START_TEST(test_tcp_tick_long_pause)
{
	env_start();
	establish();
	send_data("lost", 4, our_iss + 1);
	next_out();
	/* One tick 10 s late: one retransmission, not one per missed RTO. */
	tick(10000000);
	ck_assert_uint_eq(next_out().len, 4);
	expect_none();
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RETRANSMITS), 1);
	/* The next one follows the doubled RTO from now. */
	tick(399000);
	expect_none();
	tick(1000);
	ck_assert_uint_eq(next_out().len, 4);
}
END_TEST

START_TEST(test_tcp_fin_wait_1_data)
{
	to_fin_wait_1();
	/* Data after our FIN cannot be echoed: acknowledged and discarded. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1, "late", 4, 65535), FP_VERDICT_TX);
	expect_ack(our_iss + 2, p_seq + 4);
	ck_assert_uint_eq(flow_info().buffered, 0);
}
END_TEST

START_TEST(test_tcp_fin_wait_2_fin)
{
	to_fin_wait_1();
	in_seg(FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	ck_assert_int_eq(in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535),
			FP_VERDICT_TX);
	expect_ack(our_iss + 2, p_seq + 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
}
END_TEST

START_TEST(test_tcp_fin_wait_2_timeout)
{
	to_fin_wait_1();
	in_seg(FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	tick(1999000);
	ck_assert_uint_eq(flow_state(), FP_TCP_FIN_WAIT_2);
	tick(2000);
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_TIMED_OUT), 1);
}
END_TEST

START_TEST(test_tcp_closing_ack)
{
	to_fin_wait_1();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	next_out();
	p_seq++;
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535),
			FP_VERDICT_CONSUMED);
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
}
END_TEST

START_TEST(test_tcp_time_wait_fin)
{
	to_fin_wait_1();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	next_out();
	tick(1500000);
	/* A repeated FIN: ACK again and restart the 2 MSL clock. */
	ck_assert_int_eq(in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535),
			FP_VERDICT_TX);
	expect_ack(our_iss + 2, p_seq + 1);
	tick(1500000);
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
	tick(600000);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_time_wait_expiry)
{
	to_fin_wait_1();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	next_out();
	tick(1999000);
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
	tick(1000);
	expect_none();
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_CLOSED), 1);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_TIMED_OUT), 0);
}
END_TEST

START_TEST(test_tcp_time_wait_rst)
{
	to_fin_wait_1();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	next_out();
	in_seg(FP_TCP_RST, p_seq + 1, 0, NULL, 0, 0);
	assert_no_flows();
}
END_TEST

/* ===================== timers and recovery ===================== */

START_TEST(test_tcp_rto_vectors)
{
	struct tcp_flow f;

	cfg_defaults();
	memset(&f, 0, sizeof(f));
	/* RFC 6298 2.2: first sample R: SRTT = R, RTTVAR = R/2, RTO = R + 4 R/2. */
	fp__tcp_rtt_sample(&f, 100000, &cfg);
	ck_assert_uint_eq(f.srtt_us, 100000);
	ck_assert_uint_eq(f.rttvar_us, 50000);
	ck_assert_uint_eq(f.rto_us, 300000);
	/* 2.3: RTTVAR = 3/4 50000 + 1/4 |100000 - 200000|; SRTT = 7/8 100000 + 1/8 200000. */
	fp__tcp_rtt_sample(&f, 200000, &cfg);
	ck_assert_uint_eq(f.rttvar_us, 62500);
	ck_assert_uint_eq(f.srtt_us, 112500);
	ck_assert_uint_eq(f.rto_us, 112500 + 250000);
	/* Steady 112500 samples shrink RTTVAR, RTO tends to SRTT but stays above rto_min. */
	memset(&f, 0, sizeof(f));
	fp__tcp_rtt_sample(&f, 1000, &cfg);
	ck_assert_uint_eq(f.rto_us, 200000); /* 2.4: clamped to rto_min */
	memset(&f, 0, sizeof(f));
	fp__tcp_rtt_sample(&f, 50000000, &cfg);
	ck_assert_uint_eq(f.rto_us, 60000000); /* 2.5: clamped to rto_max */
	/* Backoff doubles, capped at rto_max. */
	f.rto_us = 1000000;
	f.backoff = 3;
	ck_assert_uint_eq(fp__tcp_rto_cur(&f, &cfg), 8000000);
	f.backoff = 10;
	ck_assert_uint_eq(fp__tcp_rto_cur(&f, &cfg), 60000000);
}
END_TEST

START_TEST(test_tcp_rtt_measured)
{
	env_start();
	establish();
	send_data("abcd", 4, our_iss + 1);
	next_out();
	ctx.now_us += 100000; /* first sample from the handshake was ~0 */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 5, NULL, 0, 65535);
	/* srtt = 7/8 1 + 1/8 100000, rto >= rto_min */
	ck_assert_uint_eq(flow_info().srtt_us, (7 * 1 + 100000) / 8);
	ck_assert_uint_ge(flow_info().rto_us, 200000);
}
END_TEST

START_TEST(test_tcp_rto_retransmit)
{
	struct oseg o;

	env_start();
	establish();
	send_data("lost", 4, our_iss + 1);
	o = next_out();
	ck_assert_uint_eq(o.len, 4);
	tick(199000);
	expect_none();
	tick(1000);
	o = next_out();
	ck_assert_uint_eq(o.seq, our_iss + 1);
	ck_assert_uint_eq(o.len, 4);
	ck_assert_mem_eq(o.data, "lost", 4);
	expect_none();
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RETRANSMITS), 1);
	ck_assert_uint_eq(flow_info().retransmits, 1);
	/* The ACK stops the timer (Karn: no RTT sample from it). */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 5, NULL, 0, 65535);
	tick(10000000);
	expect_none();
}
END_TEST

START_TEST(test_tcp_rto_backoff)
{
	uint64_t rto = 200000;
	int i;

	env_start();
	establish();
	send_data("lost", 4, our_iss + 1);
	next_out();
	for (i = 0; i < 5; i++) {
		tick(rto - 1000);
		expect_none();
		tick(1000);
		ck_assert_uint_eq(next_out().seq, our_iss + 1);
		rto *= 2;
	}
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RETRANSMITS), 5);
}
END_TEST

START_TEST(test_tcp_rto_give_up)
{
	int i;

	cfg.idle_timeout_s = 0;
	env_start();
	establish();
	send_data("lost", 4, our_iss + 1);
	for (i = 0; i < 12; i++)
		tick(60000000);
	while (rd < n_cap - 1)
		next_out();
	expect_rst(our_iss + 5);
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RETRANSMITS), 10);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_TIMED_OUT), 1);
}
END_TEST

START_TEST(test_tcp_fast_retransmit)
{
	static uint8_t data[4000];
	struct oseg o;
	uint32_t i;

	env_start();
	establish_win(1000, -1, 65535);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	send_data(data, 1000, our_iss + 1);
	send_data(data + 1000, 1000, our_iss + 1);
	send_data(data + 2000, 1000, our_iss + 1);
	send_data(data + 3000, 1000, our_iss + 1);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(next_out().seq, our_iss + 1 + 1000 * i);
	/* First segment arrives, the second is lost: three duplicate ACKs. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1001, NULL, 0, 65535);
	/* Our window was nearly closed (4000 of 4096 buffered): update it. */
	o = next_out();
	ck_assert_uint_eq(o.len, 0);
	ck_assert_uint_eq(o.win, 4096 - 3000);
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1001, NULL, 0, 65535);
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1001, NULL, 0, 65535);
	expect_none();
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1001, NULL, 0, 65535), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.seq, our_iss + 1001);
	ck_assert_uint_eq(o.len, 1000);
	ck_assert_mem_eq(o.data, data + 1000, 1000);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_DUP_ACKS), 3);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_FAST_RETRANSMITS), 1);
	/* Everything acknowledged: nothing left to send or time. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 4001, NULL, 0, 65535);
	ck_assert_uint_eq(flow_info().buffered, 0);
	tick(5000000);
	expect_none();
}
END_TEST

/* Handshake offering SACK, with the given MSS. */
static void
establish_sack(uint16_t mss)
{
	uint8_t opts[8] = {FP_TCPOPT_MSS, 4, (uint8_t)(mss >> 8), (uint8_t)mss, FP_TCPOPT_NOP,
			FP_TCPOPT_NOP, FP_TCPOPT_SACK_OK, 2};
	struct pkt_spec s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
	struct oseg o;

	s.opts = opts;
	s.opts_len = sizeof(opts);
	in(&s);
	o = next_out();
	ck_assert_int_eq(o.sack_ok, 1);
	our_iss = o.seq;
	p_seq = PEER_ISS + 1;
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	expect_none();
}

/* A peer segment acknowledging ack and SACKing up to two blocks (offsets from our ISS + 1). */
static enum fp_verdict
in_sack(uint32_t ack_off, const void *data, uint16_t len, uint32_t l1, uint32_t r1, uint32_t l2,
		uint32_t r2)
{
	uint8_t opts[20] = {FP_TCPOPT_NOP, FP_TCPOPT_NOP, TCP_OPT_SACK, 10};
	struct pkt_spec s = spec(FP_TCP_ACK, p_seq, our_iss + 1 + ack_off, data, len);
	enum fp_verdict v;

	fp_store_be32(opts + 4, our_iss + 1 + l1);
	fp_store_be32(opts + 8, our_iss + 1 + r1);
	s.opts_len = 12;
	if (r2) {
		opts[3] = 18;
		fp_store_be32(opts + 12, our_iss + 1 + l2);
		fp_store_be32(opts + 16, our_iss + 1 + r2);
		s.opts_len = 20;
	}
	s.opts = opts;
	v = in(&s);
	p_seq += len;
	return v;
}

START_TEST(test_tcp_newreno_partial_ack)
{
	static uint8_t data[5000];
	uint32_t i;

	env_start();
	establish_win(1000, -1, 65535);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 3);
	for (i = 0; i < 4; i++) {
		send_data(data + 1000 * i, 1000, our_iss + 1);
		next_out();
	}
	/* Segments 2 and 4 are lost: 3 dup ACKs resend 2. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1001, NULL, 0, 65535);
	while (rd < n_cap)
		next_out(); /* window update */
	for (i = 0; i < 3; i++)
		in_seg(FP_TCP_ACK, p_seq, our_iss + 1001, NULL, 0, 65535);
	ck_assert_uint_eq(next_out().seq, our_iss + 1001);
	/* The partial ACK (up to 4) resends 4 at once (RFC 6582), no RTO wait. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 3001, NULL, 0, 65535), FP_VERDICT_TX);
	{
		struct oseg o = next_out();

		ck_assert_uint_eq(o.seq, our_iss + 3001);
		ck_assert_uint_eq(o.len, 1000);
		ck_assert_mem_eq(o.data, data + 3000, 1000);
	}
	ck_assert_uint_eq(ctr(FP_CTR_TCP_FAST_RETRANSMITS), 1);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RETRANSMITS), 2);
	in_seg(FP_TCP_ACK, p_seq, our_iss + 4001, NULL, 0, 65535);
	ck_assert_uint_eq(ctx.tcp->flows[0].flags & TF_RECOVERY, 0);
	tick(5000000);
	expect_none();
}
END_TEST

/*
 * RFC 2883: data we already have is reported once as a D-SACK block, first
 * in the SACK option. Without it a Linux sender never learns that its tail
 * loss probes and reordering-triggered fast retransmits were spurious, and
 * cuts cwnd each time (bulk echo: ~25 TcpExtTCPLossProbeRecovery per second).
 */
START_TEST(test_tcp_dsack)
{
	static uint8_t data[600];
	struct oseg o;
	uint32_t s0;

	env_start();
	establish_sack(500);
	memset(data, 'd', sizeof(data));
	s0 = p_seq;
	send_data("abcd", 4, our_iss + 1);
	o = next_out();
	ck_assert_uint_eq(o.len, 4);
	ck_assert_int_eq(o.n_sack, 0);
	/* A whole duplicate (a probe resending the last segment): the ACK says which. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, s0, our_iss + 5, "abcd", 4, 65535), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.ack, s0 + 4);
	ck_assert_int_eq(o.n_sack, 1);
	ck_assert_uint_eq(o.sack[0][0], s0);
	ck_assert_uint_eq(o.sack[0][1], s0 + 4);
	/* A second copy is reported again; new data after it carries no block. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, s0, our_iss + 5, "abcd", 4, 65535), FP_VERDICT_TX);
	o = next_out();
	ck_assert_int_eq(o.n_sack, 1);
	send_data("ef", 2, our_iss + 5);
	o = next_out();
	ck_assert_uint_eq(o.len, 2);
	ck_assert_int_eq(o.n_sack, 0);
	/* Partial overlap: only the old part is a D-SACK, the echo carries it
	 * and its 12 option bytes come out of the MSS of 500 (RFC 6691). */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq - 2, our_iss + 7, data, 600, 65535),
			FP_VERDICT_CONSUMED);
	p_seq += 598;
	o = next_out();
	ck_assert_int_eq(o.n_sack, 1);
	ck_assert_uint_eq(o.sack[0][0], p_seq - 600);
	ck_assert_uint_eq(o.sack[0][1], p_seq - 598);
	ck_assert_uint_eq(o.len, 488);
	o = next_out();
	ck_assert_int_eq(o.n_sack, 0);
	ck_assert_uint_eq(o.len, 110);
	expect_none();
	/* With out-of-order data held: the D-SACK block first, then the range. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq + 100, our_iss + 7, "zz", 2, 65535),
			FP_VERDICT_TX);
	o = next_out();
	ck_assert_int_eq(o.n_sack, 1);
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq - 4, our_iss + 7, data, 4, 65535), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.ack, p_seq);
	ck_assert_int_eq(o.n_sack, 2);
	ck_assert_uint_eq(o.sack[0][0], p_seq - 4);
	ck_assert_uint_eq(o.sack[0][1], p_seq);
	ck_assert_uint_eq(o.sack[1][0], p_seq + 100);
	ck_assert_uint_eq(o.sack[1][1], p_seq + 102);
	/* Duplicates are never taken twice. */
	ck_assert_uint_eq(flow_info().bytes_in, 604);
}
END_TEST

START_TEST(test_tcp_sack_recovery)
{
	static uint8_t data[6000], peer[10];
	struct oseg o;
	uint32_t i;

	cfg.buffer_size = 16384;
	env_start();
	establish_sack(1000);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 5);
	memset(peer, 'p', sizeof(peer));
	for (i = 0; i < 6; i++) {
		send_data(data + 1000 * i, 1000, our_iss + 1);
		next_out();
	}
	/* Echo segments 2 (1000-2000) and 4 (3000-4000) are lost. The peer's
	 * ACKs ride on its own data, so they are not duplicate ACKs (RFC 5681 2),
	 * but their SACK blocks show the holes (RFC 6675). */
	in_sack(1000, peer, 1, 2000, 3000, 0, 0);
	while (rd < n_cap)
		next_out(); /* the echo of the peer's byte */
	ck_assert_uint_eq(ctr(FP_CTR_TCP_FAST_RETRANSMITS), 0);
	in_sack(1000, peer, 1, 4000, 6000, 2000, 3000);
	/* 3000 bytes SACKed above the hole: resend 1000-2000. */
	o = next_out();
	ck_assert_uint_eq(o.seq, our_iss + 1001);
	ck_assert_uint_eq(o.len, 1000);
	ck_assert_mem_eq(o.data, data + 1000, 1000);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_FAST_RETRANSMITS), 1);
	/* The peer's byte on that segment is echoed intact (the resend must not
	 * overwrite the received packet before its payload is taken). */
	o = next_out();
	ck_assert_uint_eq(o.len, 1);
	ck_assert_uint_eq(o.data[0], 'p');
	expect_none();
	/* The next SACK-bearing segment moves on to the second hole. */
	in_sack(1000, peer, 1, 4000, 6000, 2000, 3000);
	o = next_out();
	ck_assert_uint_eq(o.seq, our_iss + 3001);
	ck_assert_uint_eq(o.len, 1000);
	ck_assert_mem_eq(o.data, data + 3000, 1000);
	while (rd < n_cap)
		next_out();
	/* Nothing left to resend below the highest SACKed byte. */
	in_sack(1000, peer, 1, 4000, 6000, 2000, 3000);
	while (rd < n_cap)
		ck_assert_uint_ge(next_out().seq, our_iss + 6001);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RETRANSMITS), 2);
	/* All acknowledged: recovery ends, the scoreboard empties. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 6004, NULL, 0, 65535);
	ck_assert_uint_eq(ctx.tcp->flows[0].n_sack, 0);
	ck_assert_uint_eq(ctx.tcp->flows[0].flags & TF_RECOVERY, 0);
}
END_TEST

START_TEST(test_tcp_zero_window_persist)
{
	struct oseg o;

	env_start();
	establish_win(1460, -1, 0);
	send_data("wait", 4, our_iss + 1);
	expect_ack(our_iss + 1, p_seq); /* nothing beyond a zero window */
	/* Persist: after the RTO (200 ms, rto_min) a one-byte probe, then backing off. */
	tick(199000);
	expect_none();
	tick(1000);
	o = next_out();
	ck_assert_uint_eq(o.seq, our_iss + 1);
	ck_assert_uint_eq(o.len, 1);
	ck_assert_uint_eq(o.data[0], 'w');
	ck_assert_uint_eq(ctr(FP_CTR_TCP_PERSIST_PROBES), 1);
	/* Window still zero: the probe byte is refused, the next probe waits 2x. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 0);
	expect_none();
	ck_assert_uint_eq(ctr(FP_CTR_TCP_DUP_ACKS), 0);
	tick(399000);
	expect_none();
	tick(1000);
	o = next_out();
	ck_assert_uint_eq(o.len, 1);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_PERSIST_PROBES), 2);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RETRANSMITS), 0);
	/* The window opens: the rest goes at once. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 100), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(o.seq, our_iss + 2);
	ck_assert_uint_eq(o.len, 3);
	ck_assert_mem_eq(o.data, "ait", 3);
	expect_none();
}
END_TEST

START_TEST(test_tcp_window_shrink)
{
	static uint8_t data[3000];
	struct oseg o;

	env_start();
	establish_win(1000, -1, 2000);
	memset(data, 'w', sizeof(data));
	send_data(data, 1000, our_iss + 1);
	send_data(data, 1000, our_iss + 1);
	send_data(data, 1000, our_iss + 1);
	ck_assert_uint_eq(next_out().len, 1000);
	ck_assert_uint_eq(next_out().len, 1000);
	/* Third: only an ACK, the window (2000) is full. */
	o = next_out();
	ck_assert_uint_eq(o.len, 0);
	expect_none();
	/* The peer ACKs 1000 but shrinks its window to 500: right edge moves back. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1001, NULL, 0, 500);
	expect_none();
	ck_assert_uint_eq(flow_info().snd_wnd, 500);
	/* Then acknowledges the rest with room for 300. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 2001, NULL, 0, 300);
	o = next_out();
	ck_assert_uint_eq(o.seq, our_iss + 2001);
	ck_assert_uint_eq(o.len, 300);
	expect_none();
}
END_TEST

START_TEST(test_tcp_seq_wrap)
{
	static uint8_t data[2000];
	struct oseg o;
	uint32_t i, start = 0xffffff00u;

	ck_assert(seq_lt(0xfffffff0u, 0x10u));
	ck_assert(seq_gt(0x10u, 0xfffffff0u));
	ck_assert(seq_leq(5, 5) && seq_geq(5, 5));
	ck_assert(!seq_lt(0x10u, 0xfffffff0u));
	env_start();
	o = syn(start, 1000, -1);
	our_iss = o.seq;
	p_seq = start + 1;
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	/* 2000 bytes from 0xffffff01: the sequence space wraps inside. */
	send_data(data, 1000, our_iss + 1);
	send_data(data + 1000, 1000, our_iss + 1);
	ck_assert_uint_eq(p_seq, start + 1 + 2000); /* wrapped */
	o = next_out();
	ck_assert_mem_eq(o.data, data, 1000);
	o = next_out();
	ck_assert_uint_eq(o.ack, start + 2001);
	ck_assert_mem_eq(o.data, data + 1000, 1000);
	ck_assert_uint_eq(flow_info().bytes_in, 2000);
	/* Old data from before the wrap is a duplicate, not new. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, start + 1, our_iss + 1, data, 100, 65535),
			FP_VERDICT_TX);
	expect_ack(our_iss + 2001, p_seq);
	ck_assert_uint_eq(flow_info().bytes_in, 2000);
}
END_TEST

START_TEST(test_tcp_challenge_ack_rate_limit)
{
	int i;

	env_start();
	establish();
	for (i = 0; i < 150; i++)
		in_seg(FP_TCP_RST, p_seq + 1 + (uint32_t)i, 0, NULL, 0, 0);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_CHALLENGE_ACKS), TCP_CHALLENGE_PER_S);
	ck_assert_int_eq(n_cap - rd, TCP_CHALLENGE_PER_S);
	rd = n_cap;
	/* The next second has a fresh budget. */
	ctx.now_us += 1000000;
	ck_assert_int_eq(in_seg(FP_TCP_RST, p_seq + 1, 0, NULL, 0, 0), FP_VERDICT_TX);
	expect_ack(our_iss + 1, p_seq);
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
}
END_TEST

START_TEST(test_tcp_idle_expiry)
{
	cfg.idle_timeout_s = 5;
	env_start();
	establish();
	tick(4000000);
	send_data("x", 1, our_iss + 1);
	next_out();
	in_seg(FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	/* Idle counts from the last segment. */
	tick(4999000);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 1);
	tick(1000);
	expect_rst(our_iss + 2);
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_TIMED_OUT), 1);
}
END_TEST

/* ===================== SYN cookies, limits, validation ===================== */

START_TEST(test_tcp_siphash_vector)
{
	/* SipHash-2-4 paper, appendix A: key 00..0f, message 00..0e. */
	uint8_t m[15];
	uint64_t k0 = 0x0706050403020100ull, k1 = 0x0f0e0d0c0b0a0908ull;
	unsigned i;

	for (i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)i;
	ck_assert_uint_eq(fp__tcp_siphash(k0, k1, m, 15), 0xa129ca6149be45e5ull);
	ck_assert_uint_eq(fp__tcp_siphash(k0, k1, m, 0), 0x726fdb47dd0e0e31ull);
}
END_TEST

START_TEST(test_tcp_syn_cookie_round_trip)
{
	struct oseg o;

	cfg.syn_cookies = 1;
	env_start();
	o = syn(PEER_ISS, 1400, 2);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_SENT), 1);
	ck_assert_uint_eq(o.mss, 1460);
	ck_assert_int_eq(o.ws, 0);
	assert_no_flows(); /* no state until the ACK */
	our_iss = o.seq;
	p_seq = PEER_ISS + 1;
	/* The final ACK carries data: the flow is rebuilt from the cookie and echoes. */
	ctx.now_us += 30000000;
	ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, our_iss + 1, "cookie", 6, 1000), FP_VERDICT_TX);
	p_seq += 6;
	o = next_out();
	ck_assert_uint_eq(o.seq, our_iss + 1);
	ck_assert_uint_eq(o.ack, p_seq);
	ck_assert_mem_eq(o.data, "cookie", 6);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_OK), 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
	ck_assert_uint_eq(flow_info().snd_wnd, 1000 << 2); /* peer wscale from the cookie */
	/* MSS from the cookie (1400 -> table entry 1400). */
	{
		static uint8_t big[1900];

		in_seg(FP_TCP_ACK, p_seq, our_iss + 7, NULL, 0, 1000);
		p_win = 1000;
		send_data(big, 1900, our_iss + 7);
		ck_assert_uint_eq(next_out().len, 1400);
	}
}
END_TEST

START_TEST(test_tcp_syn_cookie_forged)
{
	struct oseg o;

	cfg.syn_cookies = 1;
	env_start();
	o = syn(PEER_ISS, 1460, -1);
	ck_assert_int_eq(in_seg(FP_TCP_ACK, PEER_ISS + 1, o.seq + 2, NULL, 0, 1000), FP_VERDICT_TX);
	expect_rst(o.seq + 2);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_BAD), 1);
	/* Right cookie, wrong peer ISN (sequence number). */
	ck_assert_int_eq(in_seg(FP_TCP_ACK, PEER_ISS + 2, o.seq + 1, NULL, 0, 1000), FP_VERDICT_TX);
	expect_rst(o.seq + 1);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_BAD), 2);
	/* Right cookie, too late (more than two periods of 67 s). */
	ctx.now_us += 200000000;
	ck_assert_int_eq(in_seg(FP_TCP_ACK, PEER_ISS + 1, o.seq + 1, NULL, 0, 1000), FP_VERDICT_TX);
	expect_rst(o.seq + 1);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_BAD), 3);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_OK), 0);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_syn_cookie_auto)
{
	struct pkt_spec s;
	int i;

	cfg.syn_cookies = 2; /* max_flows 8: cookies past 2 half-open flows */
	env_start();
	for (i = 0; i < 3; i++) {
		s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
		s.sport = (uint16_t)(PEER_PORT + i);
		ck_assert_int_eq(in(&s), FP_VERDICT_TX);
		next_out();
	}
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 2);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_SENT), 1);
}
END_TEST

START_TEST(test_tcp_max_flows_refused)
{
	struct pkt_spec s;
	struct oseg o;
	int i;

	cfg.max_flows = 4;
	env_start();
	for (i = 0; i < 5; i++) {
		s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
		s.sport = (uint16_t)(PEER_PORT + i);
		ck_assert_int_eq(in(&s), FP_VERDICT_TX);
		o = next_out();
	}
	ck_assert_uint_eq(o.flags, FP_TCP_RST | FP_TCP_ACK);
	ck_assert_uint_eq(o.ack, PEER_ISS + 1);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 4);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_REFUSED), 1);
	ck_assert_uint_eq(fp_stats_get_flows_open(&stats), 4);
}
END_TEST

START_TEST(test_tcp_bad_csum_no_state_change)
{
	struct pkt_spec s;
	size_t len;

	env_start();
	s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
	len = pkt_build_tcp(in_frame, sizeof(in_frame), &s);
	in_frame[FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_OFF_CSUM] ^= 0x55;
	ck_assert_int_eq(feed(in_frame, len), FP_VERDICT_DROP);
	expect_none();
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_CSUM), 1);
	establish();
	/* Corrupt data and corrupt RST on an established flow: nothing changes. */
	s = spec(FP_TCP_ACK, p_seq, our_iss + 1, "data", 4);
	len = pkt_build_tcp(in_frame, sizeof(in_frame), &s);
	in_frame[len - 1] ^= 1;
	ck_assert_int_eq(feed(in_frame, len), FP_VERDICT_DROP);
	s = spec(FP_TCP_RST, p_seq, 0, NULL, 0);
	len = pkt_build_tcp(in_frame, sizeof(in_frame), &s);
	in_frame[FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_OFF_SEQ] ^= 1;
	ck_assert_int_eq(feed(in_frame, len), FP_VERDICT_DROP);
	expect_none();
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_CSUM), 3);
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
	ck_assert_uint_eq(flow_info().bytes_in, 0);
	/* The offload flag skips the check. */
	s = spec(FP_TCP_ACK, p_seq, our_iss + 1, "data", 4);
	len = pkt_build_tcp(in_frame, sizeof(in_frame), &s);
	{
		struct fp_pkt pkt = {.data = in_frame,
				.len = (uint16_t)len,
				.room = FRAME_ROOM,
				.l3 = FP_ETH_HLEN,
				.l4 = FP_ETH_HLEN + FP_IP4_HLEN,
				.l4_len = (uint16_t)(len - FP_ETH_HLEN - FP_IP4_HLEN),
				.flags = FP_PKT_L4_CSUM_GOOD};

		fp_store_be16(in_frame + FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_OFF_CSUM, 0xdead);
		ck_assert_int_eq(fp_tcp_input(&ctx, &pkt), FP_VERDICT_TX);
	}
	ck_assert_uint_eq(flow_info().bytes_in, 4);
}
END_TEST

START_TEST(test_tcp_bad_doff)
{
	struct pkt_spec s;
	size_t len;

	env_start();
	s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
	len = pkt_build_tcp(in_frame, sizeof(in_frame), &s);
	in_frame[FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_OFF_DOFF] = 4 << 4;
	pkt_fix_tcp_csum(in_frame);
	ck_assert_int_eq(feed(in_frame, len), FP_VERDICT_DROP);
	in_frame[FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_OFF_DOFF] = 6 << 4; /* beyond the segment */
	pkt_fix_tcp_csum(in_frame);
	ck_assert_int_eq(feed(in_frame, len), FP_VERDICT_DROP);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_BAD_DOFF), 2);
	expect_none();
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_bad_flags)
{
	env_start();
	ck_assert_int_eq(in_seg(FP_TCP_SYN | FP_TCP_FIN, PEER_ISS, 0, NULL, 0, 1000),
			FP_VERDICT_DROP);
	ck_assert_int_eq(in_seg(FP_TCP_SYN | FP_TCP_RST, PEER_ISS, 0, NULL, 0, 1000),
			FP_VERDICT_DROP);
	ck_assert_int_eq(in_seg(0, PEER_ISS, 0, NULL, 0, 1000), FP_VERDICT_DROP);
	ck_assert_int_eq(in_seg(FP_TCP_PSH | FP_TCP_URG, PEER_ISS, 0, NULL, 0, 1000),
			FP_VERDICT_DROP);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_BAD_FLAGS), 4);
	expect_none();
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_truncated)
{
	struct pkt_spec s;
	struct fp_pkt pkt;
	size_t len;

	env_start();
	s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
	len = pkt_build_tcp(in_frame, sizeof(in_frame), &s);
	memset(&pkt, 0, sizeof(pkt));
	pkt.data = in_frame;
	pkt.len = (uint16_t)len;
	pkt.room = FRAME_ROOM;
	pkt.l3 = FP_ETH_HLEN;
	pkt.l4 = FP_ETH_HLEN + FP_IP4_HLEN;
	pkt.l4_len = 12;
	ck_assert_int_eq(fp_tcp_input(&ctx, &pkt), FP_VERDICT_DROP);
	pkt.l4_len = 200; /* claims more than the frame holds */
	ck_assert_int_eq(fp_tcp_input(&ctx, &pkt), FP_VERDICT_DROP);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_TRUNCATED), 2);
}
END_TEST

/* Echo is byte-exact across many segments while the ring wraps many times. */
START_TEST(test_tcp_echo_ring_wrap)
{
	static uint8_t sent[200000], got[200000];
	uint32_t off = 0, got_len = 0, acked = 0, x = 12345;
	uint32_t i;

	cfg.buffer_size = 4096;
	env_start();
	establish_win(1000, -1, 65535);
	for (i = 0; i < sizeof(sent); i++) {
		x = x * 1103515245u + 12345u;
		sent[i] = (uint8_t)(x >> 16);
	}
	while (off < sizeof(sent)) {
		/* Odd segment sizes so segment and ring boundaries never line up. */
		uint16_t n = (uint16_t)(1 + (off * 7 + 333) % 1460);
		struct fp_tcp_flow_info fi = flow_info();

		if (n > fi.rcv_wnd)
			n = (uint16_t)fi.rcv_wnd;
		if (n > sizeof(sent) - off)
			n = (uint16_t)(sizeof(sent) - off);
		if (n > 0) {
			in_seg(FP_TCP_ACK, p_seq, our_iss + 1 + acked, sent + off, n, 65535);
			p_seq += n;
			off += n;
		}
		while (rd < n_cap) {
			struct oseg o = next_out();

			ck_assert_uint_eq(o.seq, our_iss + 1 + got_len);
			ck_assert_uint_le(o.len, 1000);
			memcpy(got + got_len, o.data, o.len);
			got_len += o.len;
		}
		/* Acknowledge half of what came back so the buffer fills and drains. */
		if (got_len > acked) {
			acked += (got_len - acked + 1) / 2;
			in_seg(FP_TCP_ACK, p_seq, our_iss + 1 + acked, NULL, 0, 65535);
		}
	}
	while (acked < got_len || got_len < sizeof(sent)) {
		in_seg(FP_TCP_ACK, p_seq, our_iss + 1 + got_len, NULL, 0, 65535);
		acked = got_len;
		while (rd < n_cap) {
			struct oseg o = next_out();

			memcpy(got + got_len, o.data, o.len);
			got_len += o.len;
		}
	}
	ck_assert_uint_eq(got_len, sizeof(sent));
	ck_assert_mem_eq(got, sent, sizeof(sent));
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RETRANSMITS), 0);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_BYTES_ECHOED), sizeof(sent));
	/* Close cleanly: FIN, our FIN, final ACK; the table is empty. */
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1 + got_len, NULL, 0, 65535);
	ck_assert_uint_eq(next_out().flags, FP_TCP_FIN | FP_TCP_ACK);
	in_seg(FP_TCP_ACK, p_seq + 1, our_iss + 2 + got_len, NULL, 0, 65535);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_tx_alloc_fail)
{
	static uint8_t data[1800];
	struct oseg o;

	env_start();
	establish_win(1000, -1, 65535);
	memset(data, 'm', sizeof(data));
	/* Two segments to send: the first goes in place, tx has no buffers. */
	fail_alloc = 1;
	ck_assert_int_eq(send_data(data, 1800, our_iss + 1), FP_VERDICT_TX);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TX_NO_MBUF), 1);
	ck_assert_uint_eq(flow_info().buffered, 1800); /* nothing lost */
	o = next_out();
	ck_assert_uint_eq(o.len, 1000);
	expect_none();
	fail_alloc = 0;
	tick(1000);
	tick(1000);
	o = next_out();
	ck_assert_uint_eq(o.seq, our_iss + 1001);
	ck_assert_uint_eq(o.len, 800);
	expect_none();
	ck_assert_uint_eq(flow_info().unacked, 1800);
}
END_TEST

START_TEST(test_tcp_drain)
{
	struct pkt_spec s;

	env_start();
	establish_win(1460, -1, 0);
	send_data("queued", 6, our_iss + 1);
	next_out();
	fp_tcp_drain(&ctx);
	/* Data not yet flushed: no FIN yet. */
	expect_none();
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
	/* New connections are refused. */
	s = spec(FP_TCP_SYN, 1, 0, NULL, 0);
	s.sport = 50000;
	ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	ck_assert_uint_eq(next_out().flags, FP_TCP_RST | FP_TCP_ACK);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_REFUSED), 1);
	/* The window opens: echo, then FIN. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 1000);
	{
		struct oseg o = next_out();

		ck_assert_uint_eq(o.flags, FP_TCP_ACK | FP_TCP_PSH | FP_TCP_FIN);
		ck_assert_mem_eq(o.data, "queued", 6);
	}
	ck_assert_uint_eq(flow_state(), FP_TCP_FIN_WAIT_1);
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 8, NULL, 0, 1000);
	expect_ack(our_iss + 8, p_seq + 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
	tick(2000000);
	assert_no_flows();
}
END_TEST

START_TEST(test_tcp_flow_snapshot_paging)
{
	struct fp_tcp_flow_info fi[8];
	struct pkt_spec s;
	uint32_t i, n;

	env_start();
	for (i = 0; i < 5; i++) {
		s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
		s.sport = (uint16_t)(PEER_PORT + i);
		in(&s);
	}
	ctx.now_us += 1234;
	n = fp_tcp_flow_snapshot(ctx.tcp, ctx.now_us, 0, fi, 8);
	ck_assert_uint_eq(n, 5);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(fi[i].local_ip, OUR_IP);
		ck_assert_uint_eq(fi[i].remote_ip, PEER_IP);
		ck_assert_uint_eq(fi[i].local_port, OUR_PORT);
		ck_assert_uint_eq(fi[i].state, FP_TCP_SYN_RECEIVED);
		ck_assert_uint_eq(fi[i].age_us, 1234);
		ck_assert_uint_eq(fi[i].rto_us, 1000000);
	}
	/* Paging: skip 2, take 2; then past the end. */
	{
		struct fp_tcp_flow_info all[5];

		memcpy(all, fi, sizeof(all));
		ck_assert_uint_eq(fp_tcp_flow_snapshot(ctx.tcp, ctx.now_us, 2, fi, 2), 2);
		ck_assert_uint_eq(fi[0].remote_port, all[2].remote_port);
		ck_assert_uint_eq(fi[1].remote_port, all[3].remote_port);
		ck_assert_uint_eq(fp_tcp_flow_snapshot(ctx.tcp, ctx.now_us, 4, fi, 8), 1);
		ck_assert_uint_eq(fp_tcp_flow_snapshot(ctx.tcp, ctx.now_us, 5, fi, 8), 0);
	}
}
END_TEST

START_TEST(test_tcp_init_invalid)
{
	static uint8_t buf[1 << 16] __attribute__((aligned(64)));

	cfg.buffer_size = 3000; /* not a power of two */
	ck_assert_uint_eq(fp_tcp_mem_size(&cfg), 0);
	ck_assert_ptr_null(fp_tcp_init(buf, sizeof(buf), &cfg, 1));
	cfg_defaults();
	cfg.max_flows = 0;
	ck_assert_ptr_null(fp_tcp_init(buf, sizeof(buf), &cfg, 1));
	cfg_defaults();
	ck_assert_ptr_null(fp_tcp_init(buf, 100, &cfg, 1));                 /* too small */
	ck_assert_ptr_null(fp_tcp_init(buf + 8, sizeof(buf) - 8, &cfg, 1)); /* misaligned */
	cfg.max_flows = 2;
	ck_assert_ptr_nonnull(fp_tcp_init(buf, sizeof(buf), &cfg, 1));
	ck_assert_str_eq(fp_tcp_state_name(FP_TCP_TIME_WAIT), "TIME_WAIT");
}
END_TEST

START_TEST(test_tcp_many_flows)
{
	struct pkt_spec s;
	uint32_t i, iss[64];

	cfg.max_flows = 64;
	env_start();
	for (i = 0; i < 64; i++) {
		s = spec(FP_TCP_SYN, i * 1000, 0, NULL, 0);
		s.sport = (uint16_t)(1024 + i);
		s.src_ip = PEER_IP;
		in(&s);
		iss[i] = next_out().seq;
	}
	for (i = 0; i < 64; i++) {
		s = spec(FP_TCP_ACK | FP_TCP_FIN, i * 1000 + 1, iss[i] + 1, NULL, 0);
		s.sport = (uint16_t)(1024 + i);
		in(&s);
		ck_assert_uint_eq(next_out().flags, FP_TCP_ACK | FP_TCP_FIN);
	}
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 64);
	for (i = 0; i < 64; i++) {
		s = spec(FP_TCP_ACK, i * 1000 + 2, iss[i] + 2, NULL, 0);
		s.sport = (uint16_t)(1024 + i);
		in(&s);
	}
	expect_none();
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_CLOSED), 64);
}
END_TEST

/* Internal consistency of every flow, the table, the wheel and the gauges. */
static void
check_invariants(void)
{
	struct fp_tcp *t = ctx.tcp;
	uint32_t i, n = 0, half = 0;

	for (i = 0; i < t->max_flows; i++) {
		struct tcp_flow *f = &t->flows[i];
		uint32_t used, j;

		if (!(f->flags & TF_IN_USE))
			continue;
		n++;
		half += f->state == FP_TCP_SYN_RECEIVED;
		used = fp_echo_buf_used(&f->buf);
		REQUIRE(f->state > FP_TCP_CLOSED && f->state < FP_TCP_STATE_COUNT);
		REQUIRE(fp__tcp_flow_lookup(t, f->lip, f->rip, f->lport, f->rport) == f);
		REQUIRE(seq_leq(f->snd_una, f->snd_nxt));
		REQUIRE(seq_leq(f->snd_nxt, f->snd_max));
		REQUIRE(used <= f->buf.cap);
		if (f->state != FP_TCP_SYN_RECEIVED)
			REQUIRE(f->snd_max - f->snd_una <= used + 1);
		/* Every flow must be on the wheel, or it could never expire. */
		if (!f->t_linked)
			ck_abort_msg("flow %u in %s not on the timer wheel", i,
					fp_tcp_state_name((enum fp_tcp_state)f->state));
		for (j = 0; j < f->n_sack; j++) {
			REQUIRE(seq_gt(f->sack[j].start, f->snd_una) ||
					f->sack[j].start == f->snd_una);
			REQUIRE(seq_lt(f->sack[j].start, f->sack[j].end));
			REQUIRE(seq_leq(f->sack[j].end, f->snd_max));
			if (j > 0)
				REQUIRE(seq_lt(f->sack[j - 1].end, f->sack[j].start));
		}
		for (j = 0; j < f->n_ooo; j++) {
			REQUIRE(seq_gt(f->ooo[j].start, f->rcv_nxt));
			REQUIRE(seq_lt(f->ooo[j].start, f->ooo[j].end));
			REQUIRE(f->ooo[j].end - f->rcv_nxt <= f->buf.cap - used);
			if (j > 0)
				REQUIRE(seq_lt(f->ooo[j - 1].end, f->ooo[j].start));
		}
	}
	REQUIRE(n == t->n_flows);
	REQUIRE(half == t->n_half_open);
	REQUIRE(fp_stats_get_flows_open(&stats) == n);
}

static uint32_t rnd_state = 1;

static uint32_t
rnd(uint32_t n)
{
	rnd_state = rnd_state * 1664525u + 1013904223u;
	return (rnd_state >> 8) % n;
}

/* Random segments around each flow's real sequence space, random ticks and tx
 * failures; invariants after every step; at the end the table must drain. */
START_TEST(test_tcp_random_stress)
{
	static const uint8_t flag_sets[] = {FP_TCP_SYN, FP_TCP_ACK, FP_TCP_ACK | FP_TCP_PSH,
			FP_TCP_ACK | FP_TCP_FIN, FP_TCP_RST, FP_TCP_RST | FP_TCP_ACK,
			FP_TCP_SYN | FP_TCP_ACK, FP_TCP_FIN, FP_TCP_ACK, FP_TCP_ACK | FP_TCP_PSH};
	static uint8_t data[1460];
	uint8_t sack_opts[20] = {FP_TCPOPT_NOP, FP_TCPOPT_NOP, TCP_OPT_SACK, 18};
	uint32_t step, i;

	cfg.max_flows = 6;
	cfg.buffer_size = _i % 2 ? 2048 : 16384;
	cfg.syn_cookies = (uint8_t)(_i % 3);
	cfg.idle_timeout_s = 20;
	rnd_state = 7u + (uint32_t)_i;
	env_start();
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	for (step = 0; step < 100000; step++) {
		uint32_t op = rnd(100);

		rd = n_cap = 0; /* output is not checked here, only state */
		fail_alloc = rnd(20) == 0;
		tight_room = rnd(4) == 0;
		if (op < 8) {
			tick(rnd(3) == 0 ? rnd(3000000) : rnd(50000));
		} else {
			uint16_t port = (uint16_t)(PEER_PORT + rnd(8));
			struct tcp_flow *f = fp__tcp_flow_lookup(
					ctx.tcp, OUR_IP, PEER_IP, OUR_PORT, port);
			uint8_t opts[12] = {FP_TCPOPT_MSS, 4, 0x02, (uint8_t)rnd(256),
					FP_TCPOPT_NOP, FP_TCPOPT_WSCALE, 3, (uint8_t)rnd(16),
					FP_TCPOPT_NOP, FP_TCPOPT_NOP, FP_TCPOPT_SACK_OK, 2};
			struct pkt_spec s;
			uint32_t seq, ack;
			uint16_t len = 0;

			if (f != NULL && rnd(10) != 0) {
				seq = f->rcv_nxt + (rnd(2) ? 0 : rnd(3000) - 1000);
				ack = f->snd_una + rnd(f->snd_max - f->snd_una + 3) - 1;
			} else if (f == NULL && rnd(4) == 0 && ctx.tcp->cfg.syn_cookies) {
				/* A cookie ACK, right or wrong. */
				seq = 5000 + port;
				ack = fp__tcp_cookie_make(ctx.tcp, ctx.now_us, OUR_IP, PEER_IP,
						      OUR_PORT, port, seq - 1, 1460, -1) +
						1 + (rnd(4) == 0);
			} else {
				seq = rnd_state;
				ack = rnd_state * 31u;
			}
			s = spec(flag_sets[rnd(sizeof(flag_sets))], seq, ack, NULL, 0);
			if (s.flags == FP_TCP_SYN && rnd(2)) {
				s.seq = 5000 + port - 1;
				s.opts = opts;
				s.opts_len = (uint8_t)(rnd(4) ? 12 : 4 + 4 * rnd(2));
			}
			if (!(s.flags & (FP_TCP_SYN | FP_TCP_RST)) && rnd(2))
				len = (uint16_t)(1 + rnd(sizeof(data)));
			if (f != NULL && (s.flags & FP_TCP_ACK) && rnd(3) == 0) {
				/* SACK blocks around the data in flight, sane or not. */
				uint32_t span = f->snd_max - f->snd_una + 1;
				uint32_t l = f->snd_una + rnd(span + 1000) - 500;

				fp_store_be32(sack_opts + 4, l);
				fp_store_be32(sack_opts + 8, l + rnd(span) - 100);
				fp_store_be32(sack_opts + 12, l + rnd(span));
				fp_store_be32(sack_opts + 16, f->snd_max - rnd(span / 2 + 1));
				s.opts = sack_opts;
				s.opts_len = rnd(2) ? 12 : 20;
				sack_opts[3] = s.opts_len == 12 ? 10 : 18;
				if (len > sizeof(data) - 20)
					len = sizeof(data) - 20;
			}
			s.sport = port;
			s.payload = data + rnd(sizeof(data) - len + 1);
			s.payload_len = len;
			s.win = rnd(4) == 0 ? 0 : (uint16_t)rnd(65536);
			in(&s);
		}
		REQUIRE(allocs_out == 0);
		check_invariants();
	}
	/* Everything ends: idle, linger, retries. */
	fail_alloc = 0;
	for (i = 0; i < 400; i++)
		tick(1000000);
	check_invariants();
	assert_no_flows();
}
END_TEST

/*
 * A simulated peer over a lossy, reordering network: it streams bytes within
 * our advertised window, ACKs (with SACK blocks when negotiated) on its data
 * segments, resends after its own timeout, and checks every echoed byte.
 * The echo must complete byte-exact and the connection close cleanly.
 */
struct sim {
	uint8_t tx[60000], rx[60000];
	uint32_t n;                         /* stream length */
	uint32_t snd_una, snd_nxt;          /* peer's send offsets */
	uint32_t wnd_edge;                  /* our window's right edge, as an offset */
	uint32_t rcv_nxt;                   /* echo received in order */
	struct tcp_range held[TCP_OOO_MAX]; /* echo received above rcv_nxt */
	uint8_t n_held;
	uint64_t last_progress;
	int sack, need_ack;
	uint8_t delayed[FRAME_ROOM]; /* one frame held back for reordering */
	size_t delayed_len;
};

static struct sim sim;

/* Parse our frame i without Check's per-assertion cost. */
static void
sim_parse(int i, struct oseg *o)
{
	const uint8_t *tcp = cap_buf[i] + FP_ETH_HLEN + FP_IP4_HLEN;
	uint16_t l4_len = (uint16_t)(fp_load_be16(cap_buf[i] + FP_ETH_HLEN + FP_IP4_OFF_TOTLEN) -
			FP_IP4_HLEN);
	uint16_t hlen = (uint16_t)((tcp[FP_TCP_OFF_DOFF] >> 4) * 4);

	REQUIRE(fp_csum_fold(fp_csum_partial(tcp, l4_len,
				fp_csum_pseudo_ip4(OUR_IP, PEER_IP, FP_IPPROTO_TCP, l4_len))) == 0);
	o->seq = fp_load_be32(tcp + FP_TCP_OFF_SEQ);
	o->ack = fp_load_be32(tcp + FP_TCP_OFF_ACK);
	o->flags = tcp[FP_TCP_OFF_FLAGS];
	o->win = fp_load_be16(tcp + FP_TCP_OFF_WIN);
	o->data = tcp + hlen;
	o->len = (uint32_t)(l4_len - hlen);
}

/* Deliver a peer frame to the engine: lost, held back, or now. */
static void
sim_send(struct pkt_spec *s, uint32_t loss_pct)
{
	static uint8_t frame[FRAME_ROOM];
	size_t len = pkt_build_tcp(frame, sizeof(frame), s);

	REQUIRE(len > 0);
	if (rnd(100) < loss_pct)
		return;
	if (sim.delayed_len == 0 && loss_pct && rnd(100) < 5) {
		memcpy(sim.delayed, frame, len);
		sim.delayed_len = len;
		return;
	}
	memcpy(in_frame, frame, len);
	feed(in_frame, len);
	if (sim.delayed_len) {
		memcpy(in_frame, sim.delayed, sim.delayed_len);
		feed(in_frame, sim.delayed_len);
		sim.delayed_len = 0;
	}
}

/* One peer segment: data from offset off (len may be 0), ACK and SACK of the echo. */
static void
sim_segment(uint32_t off, uint32_t len, uint8_t flags, uint32_t loss_pct)
{
	uint8_t opts[4 + 8 * TCP_OOO_MAX] = {FP_TCPOPT_NOP, FP_TCPOPT_NOP, TCP_OPT_SACK};
	struct pkt_spec s = spec(flags, PEER_ISS + 1 + off, our_iss + 1 + sim.rcv_nxt, sim.tx + off,
			(uint16_t)len);
	uint8_t i, nb = sim.n_held > 3 ? 3 : sim.n_held;

	s.win = 65535;
	if (sim.sack && nb) {
		opts[3] = (uint8_t)(2 + 8 * nb);
		for (i = 0; i < nb; i++) {
			fp_store_be32(opts + 4 + 8 * i, our_iss + 1 + sim.held[i].start);
			fp_store_be32(opts + 8 + 8 * i, our_iss + 1 + sim.held[i].end);
		}
		s.opts = opts;
		s.opts_len = (uint8_t)(4 + 8 * nb);
	}
	sim_send(&s, loss_pct);
}

/* Take the engine's frames: echo bytes, ACKs, window; some are lost. */
static void
sim_receive(uint32_t loss_pct)
{
	int i;

	for (i = rd; i < n_cap; i++) {
		struct oseg o;
		uint32_t off, ack_off;

		if (rnd(100) < loss_pct)
			continue;
		sim_parse(i, &o);
		REQUIRE(!(o.flags & FP_TCP_RST));
		ack_off = o.ack - (PEER_ISS + 1);
		if (ack_off <= sim.n && seq_gt(ack_off, sim.snd_una)) {
			sim.snd_una = ack_off;
			sim.last_progress = ctx.now_us;
		}
		if (seq_lt(sim.snd_nxt, sim.snd_una))
			sim.snd_nxt = sim.snd_una;
		sim.wnd_edge = ack_off + o.win;
		if (o.len == 0)
			continue;
		off = o.seq - (our_iss + 1);
		REQUIRE(off + o.len <= sim.n);
		/* Every echoed byte must be the byte sent at that offset. */
		REQUIRE(memcmp(o.data, sim.tx + off, o.len) == 0);
		memcpy(sim.rx + off, o.data, o.len);
		sim.need_ack = 1;
		if (off <= sim.rcv_nxt && off + o.len > sim.rcv_nxt)
			sim.rcv_nxt = off + o.len;
		else if (off > sim.rcv_nxt)
			fp__tcp_range_add(sim.held, &sim.n_held, TCP_OOO_MAX, off, off + o.len);
		while (sim.n_held && sim.held[0].start <= sim.rcv_nxt) {
			if (sim.held[0].end > sim.rcv_nxt)
				sim.rcv_nxt = sim.held[0].end;
			sim.n_held--;
			memmove(&sim.held[0], &sim.held[1], sizeof(sim.held[0]) * sim.n_held);
		}
	}
	rd = n_cap = 0;
}

START_TEST(test_tcp_lossy_peer_sim)
{
	static const uint8_t syn_opts[8] = {FP_TCPOPT_MSS, 4, 0x03, 0xe8, FP_TCPOPT_NOP,
			FP_TCPOPT_NOP, FP_TCPOPT_SACK_OK, 2};
	uint32_t loss = 2 + (uint32_t)_i % 3 * 3; /* 2, 5, 8 % each way */
	struct pkt_spec s;
	uint64_t end;
	uint32_t i;

	cfg.buffer_size = _i % 2 ? 4096 : 16384;
	rnd_state = 99u + (uint32_t)_i;
	env_start();
	memset(&sim, 0, sizeof(sim));
	sim.n = sizeof(sim.tx);
	sim.sack = _i % 4 < 2;
	for (i = 0; i < sim.n; i++)
		sim.tx[i] = (uint8_t)rnd(256);
	s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
	s.opts = syn_opts;
	s.opts_len = sim.sack ? 8 : 4;
	in(&s);
	our_iss = next_out().seq;
	rd = n_cap = 0;
	in_seg(FP_TCP_ACK, PEER_ISS + 1, our_iss + 1, NULL, 0, 65535);
	sim.wnd_edge = cfg.buffer_size < 65535 ? cfg.buffer_size : 65535;
	sim.last_progress = ctx.now_us;
	end = ctx.now_us + 300000000ull;
	while (sim.rcv_nxt < sim.n && ctx.now_us < end) {
		uint32_t sent = 0;

		/* Data within our window, at most 8 segments in flight. */
		while (sim.snd_nxt < sim.n && seq_lt(sim.snd_nxt, sim.wnd_edge) &&
				sim.snd_nxt - sim.snd_una < 8000 && sent < 4) {
			uint32_t len = sim.n - sim.snd_nxt;

			if (len > 1000)
				len = 1000;
			if (len > sim.wnd_edge - sim.snd_nxt)
				len = sim.wnd_edge - sim.snd_nxt;
			sim_segment(sim.snd_nxt, len, FP_TCP_ACK, loss);
			sim.snd_nxt += len;
			sim.need_ack = 0;
			sent++;
		}
		if (sim.need_ack) {
			sim_segment(sim.snd_nxt, 0, FP_TCP_ACK, loss);
			sim.need_ack = 0;
		}
		sim_receive(loss);
		/* The peer's own timeout: go back to its oldest unacknowledged byte,
		 * or probe a window it believes shut. */
		if (ctx.now_us - sim.last_progress > 300000 &&
				(sim.snd_una < sim.snd_nxt || sim.snd_una < sim.n)) {
			sim.snd_nxt = sim.snd_una;
			if (!seq_lt(sim.snd_una, sim.wnd_edge) && sim.snd_una < sim.n) {
				sim_segment(sim.snd_una, 1, FP_TCP_ACK, loss);
				sim.snd_nxt = sim.snd_una + 1;
			}
			sim.last_progress = ctx.now_us;
		}
		tick(1000);
		sim_receive(loss);
		check_invariants();
	}
	ck_assert_msg(sim.rcv_nxt == sim.n, "echoed %u of %u bytes (loss %u%%, sack %d)",
			sim.rcv_nxt, sim.n, loss, sim.sack);
	ck_assert_mem_eq(sim.rx, sim.tx, sim.n);
	/* Close without loss: FIN, our FIN, last ACK. */
	sim_segment(sim.n, 0, FP_TCP_ACK | FP_TCP_FIN, 0);
	for (i = 0; i < 50 && fp_tcp_flow_count(ctx.tcp); i++) {
		int j;
		uint32_t fin_seq = 0;

		for (j = rd; j < n_cap; j++) {
			struct oseg o;

			sim_parse(j, &o);
			if (o.flags & FP_TCP_FIN)
				fin_seq = o.seq + o.len + 1;
		}
		rd = n_cap = 0;
		if (fin_seq) {
			s = spec(FP_TCP_ACK, PEER_ISS + 2 + sim.n, fin_seq, NULL, 0);
			in(&s);
		}
		tick(100000);
	}
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_CLOSED), 1);
}
END_TEST

static Suite *
tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tcp_closed_syn);
	tcase_add_test(tc, test_tcp_closed_ack);
	tcase_add_test(tc, test_tcp_closed_fin_data);
	tcase_add_test(tc, test_tcp_closed_rst);
	tcase_add_test(tc, test_tcp_listen_syn);
	tcase_add_test(tc, test_tcp_listen_syn_wscale);
	tcase_add_test(tc, test_tcp_listen_syn_no_mss);
	tcase_add_test(tc, test_tcp_listen_syn_sack);
	tcase_add_test(tc, test_tcp_listen_ack);
	tcase_add_test(tc, test_tcp_listen_rst);
	tcase_add_test(tc, test_tcp_syn_received_ack);
	tcase_add_test(tc, test_tcp_syn_received_bad_ack);
	tcase_add_test(tc, test_tcp_syn_received_dup_syn);
	tcase_add_test(tc, test_tcp_syn_received_rst);
	tcase_add_test(tc, test_tcp_syn_received_timeout);
	tcase_add_test(tc, test_tcp_syn_received_data);
	tcase_add_test(tc, test_tcp_syn_received_fin);
	tcase_add_test(tc, test_tcp_syn_received_rst_in_window);
	tcase_add_test(tc, test_tcp_close_wait_fin);
	tcase_add_test(tc, test_tcp_last_ack_rst);
	tcase_add_test(tc, test_tcp_fin_wait_2_data);
	tcase_add_test(tc, test_tcp_closing_rst);
	tcase_add_test(tc, test_tcp_time_wait_syn);
	tcase_add_test(tc, test_tcp_tick_long_pause);
	tcase_add_test(tc, test_tcp_established_data);
	tcase_add_test(tc, test_tcp_established_fin);
	tcase_add_test(tc, test_tcp_established_fin_with_data);
	tcase_add_test(tc, test_tcp_established_rst_exact);
	tcase_add_test(tc, test_tcp_established_rst_in_window);
	tcase_add_test(tc, test_tcp_established_rst_out_of_window);
	tcase_add_test(tc, test_tcp_established_syn);
	tcase_add_test(tc, test_tcp_established_ooo);
	tcase_add_test(tc, test_tcp_established_ooo_fill);
	tcase_add_test(tc, test_tcp_established_sws_avoidance);
	tcase_add_test(tc, test_tcp_established_zero_window_ack);
	tcase_add_test(tc, test_tcp_established_old_data);
	tcase_add_test(tc, test_tcp_established_ack_at_edge);
	tcase_add_test(tc, test_tcp_established_ack_too_new);
	tcase_add_test(tc, test_tcp_established_no_ack_flag);
	tcase_add_test(tc, test_tcp_established_out_of_window_data);
	tcase_add_test(tc, test_tcp_established_buffer_full);
	tcase_add_test(tc, test_tcp_close_wait_ack);
	tcase_add_test(tc, test_tcp_close_wait_rst);
	tcase_add_test(tc, test_tcp_last_ack_ack);
	tcase_add_test(tc, test_tcp_last_ack_timeout);
	tcase_add_test(tc, test_tcp_last_ack_fin_retransmit);
	tcase_add_test(tc, test_tcp_fin_wait_1_ack);
	tcase_add_test(tc, test_tcp_fin_wait_1_fin);
	tcase_add_test(tc, test_tcp_fin_wait_1_fin_ack);
	tcase_add_test(tc, test_tcp_fin_wait_1_data);
	tcase_add_test(tc, test_tcp_fin_wait_2_fin);
	tcase_add_test(tc, test_tcp_fin_wait_2_timeout);
	tcase_add_test(tc, test_tcp_closing_ack);
	tcase_add_test(tc, test_tcp_time_wait_fin);
	tcase_add_test(tc, test_tcp_time_wait_expiry);
	tcase_add_test(tc, test_tcp_time_wait_rst);
	tcase_add_test(tc, test_tcp_rto_vectors);
	tcase_add_test(tc, test_tcp_rtt_measured);
	tcase_add_test(tc, test_tcp_rto_retransmit);
	tcase_add_test(tc, test_tcp_rto_backoff);
	tcase_add_test(tc, test_tcp_rto_give_up);
	tcase_add_test(tc, test_tcp_fast_retransmit);
	tcase_add_test(tc, test_tcp_newreno_partial_ack);
	tcase_add_test(tc, test_tcp_sack_recovery);
	tcase_add_test(tc, test_tcp_dsack);
	tcase_add_test(tc, test_tcp_zero_window_persist);
	tcase_add_test(tc, test_tcp_window_shrink);
	tcase_add_test(tc, test_tcp_seq_wrap);
	tcase_add_test(tc, test_tcp_challenge_ack_rate_limit);
	tcase_add_test(tc, test_tcp_idle_expiry);
	tcase_add_test(tc, test_tcp_siphash_vector);
	tcase_add_test(tc, test_tcp_syn_cookie_round_trip);
	tcase_add_test(tc, test_tcp_syn_cookie_forged);
	tcase_add_test(tc, test_tcp_syn_cookie_auto);
	tcase_add_test(tc, test_tcp_max_flows_refused);
	tcase_add_test(tc, test_tcp_bad_csum_no_state_change);
	tcase_add_test(tc, test_tcp_bad_doff);
	tcase_add_test(tc, test_tcp_bad_flags);
	tcase_add_test(tc, test_tcp_truncated);
	tcase_add_test(tc, test_tcp_echo_ring_wrap);
	tcase_add_test(tc, test_tcp_tx_alloc_fail);
	tcase_add_test(tc, test_tcp_drain);
	tcase_add_test(tc, test_tcp_flow_snapshot_paging);
	tcase_add_test(tc, test_tcp_init_invalid);
	tcase_add_test(tc, test_tcp_many_flows);
	tcase_add_loop_test(tc, test_tcp_random_stress, 0, 12);
	tcase_add_loop_test(tc, test_tcp_lossy_peer_sim, 0, 24);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tcp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
