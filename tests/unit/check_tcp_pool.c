/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine (lib/tcp/), its bounded pools: the echo chunk
 * pool (windows shrink as it empties, no acknowledged byte is lost, flows
 * recover as chunks return) and the pool of working records (a flow that
 * finds none degrades: a SYN gets a cookie without SACK, a compact flow's
 * segment is dropped until a record is free; nothing is corrupted).
 * Several peers at once: each segment we send is matched to its peer by port
 * and its payload checked against what that peer sent.
 */
#include <check.h>
#include <string.h>

#include "fp/wire.h"
#include "tcp_harness.h"

#define N_PEERS  4
#define PEER_MAX 16384 /* bytes a peer sends in a test, at most */

/* One client of the echo service and what it has seen of us. */
struct peer {
	uint16_t port;
	uint32_t iss;        /**< ours, from the SYN-ACK */
	uint32_t sent;       /**< bytes it has sent (offset of the next new byte) */
	uint32_t acked;      /**< bytes we acknowledged */
	uint32_t echoed;     /**< bytes of echo received in order */
	uint32_t wnd_end;    /**< offset our last window ends at (ack + window) */
	uint16_t win;        /**< window field of our last segment */
	uint16_t syn_win;    /**< window of our SYN-ACK */
	int sack_ok;         /**< SACK-permitted in our SYN-ACK */
	int n_seen;          /**< our segments it got */
	int n_sack;          /**< SACK blocks in our last segment */
	uint32_t sack[4][2]; /**< and the blocks, as offsets of its bytes */
	int rst, fin;        /**< RSTs, FINs from us */
};

static struct peer peers[N_PEERS];
static uint8_t echo_got[N_PEERS][PEER_MAX];

/* Byte k of what peer i sends. */
static uint8_t
pattern(int i, uint32_t k)
{
	return (uint8_t)(k * 7 + (k >> 8) + 31 * i);
}

static struct peer *
peer_of(uint16_t dport)
{
	for (int i = 0; i < N_PEERS; i++)
		if (peers[i].port == dport)
			return &peers[i];
	ck_abort_msg("segment to unknown port %u", dport);
	return NULL;
}

/* Deliver every segment we sent to its peer; echo bytes must come in order. */
static void
pull(void)
{
	while (rd < n_cap) {
		const uint8_t *tcp = cap_buf[rd] + FP_ETH_HLEN + FP_IP4_HLEN;
		struct peer *p = peer_of(fp_load_be16(tcp + FP_TCP_OFF_DPORT));
		int i = (int)(p - peers);
		struct oseg o = next_out();
		uint32_t off, skip;

		p->n_seen++;
		if (o.flags & FP_TCP_RST) {
			p->rst++;
			continue;
		}
		p->fin += (o.flags & FP_TCP_FIN) != 0;
		if (o.flags & FP_TCP_SYN) {
			p->iss = o.seq;
			p->syn_win = o.win;
			p->sack_ok = o.sack_ok;
		}
		if (o.flags & FP_TCP_ACK) {
			uint32_t a = o.ack - (PEER_ISS + 1);

			ck_assert_uint_le(a, p->sent); /* nothing acknowledged that was not sent */
			if (a > p->acked)
				p->acked = a;
			p->win = o.win;
			p->wnd_end = a + o.win;
			p->n_sack = o.n_sack;
			for (int k = 0; k < o.n_sack; k++) {
				p->sack[k][0] = o.sack[k][0] - (PEER_ISS + 1);
				p->sack[k][1] = o.sack[k][1] - (PEER_ISS + 1);
			}
		}
		if (o.len == 0 || (o.flags & FP_TCP_SYN))
			continue;
		off = o.seq - (p->iss + 1);
		/* In order: at most a resend overlapping what was already seen. */
		ck_assert_uint_le(off, p->echoed);
		skip = p->echoed - off;
		for (uint32_t k = 0; k < o.len; k++)
			ck_assert_uint_eq(o.data[k], pattern(i, off + k));
		if (skip < o.len) {
			memcpy(echo_got[i] + p->echoed, o.data + skip, o.len - skip);
			p->echoed += o.len - skip;
		}
		ck_assert_uint_le(p->echoed, p->acked); /* only acknowledged bytes come back */
	}
}

static struct pkt_spec
peer_spec(const struct peer *p, uint8_t flags, uint32_t off, uint16_t len, uint32_t echo_ack)
{
	static uint8_t data[PEER_MAX];
	int i = (int)(p - peers);
	struct pkt_spec s;

	for (uint32_t k = 0; k < len; k++)
		data[k] = pattern(i, off + k);
	s = spec(flags, PEER_ISS + 1 + off, p->iss + 1 + echo_ack, data, len);
	s.sport = p->port;
	return s;
}

/* The peer sends len new bytes (or resends from off when off < sent),
 * acknowledging echo_ack bytes of echo. */
static enum fp_verdict
peer_send_at(struct peer *p, uint32_t off, uint16_t len, uint32_t echo_ack)
{
	struct pkt_spec s = peer_spec(p, FP_TCP_ACK | FP_TCP_PSH, off, len, echo_ack);
	enum fp_verdict v;

	ck_assert_uint_le(off + len, PEER_MAX);
	if (off + len > p->sent)
		p->sent = off + len;
	v = in(&s);
	pull();
	return v;
}

/* A pure ACK of all the echo it has, from the first byte of its own we have
 * not acknowledged (anything past it is sent again). */
static void
peer_ack(struct peer *p)
{
	struct pkt_spec s = peer_spec(p, FP_TCP_ACK, p->acked, 0, p->echoed);

	in(&s);
	pull();
}

/* As a TCP sender does: from the first byte not acknowledged, as far as our
 * window allows, in segments of at most seg; echo acknowledged as given. */
static uint32_t
peer_fill(struct peer *p, uint16_t seg, uint32_t echo_ack)
{
	uint32_t before = p->acked;

	p->sent = p->acked;
	while (p->sent < p->wnd_end && p->sent < PEER_MAX) {
		uint32_t n = (p->wnd_end < PEER_MAX ? p->wnd_end : PEER_MAX) - p->sent;
		uint32_t acked = p->acked;

		peer_send_at(p, p->sent, (uint16_t)(n < seg ? n : seg), echo_ack);
		if (p->acked == acked)
			break; /* not taken: a real sender waits for its RTO */
	}
	return p->acked - before;
}

/* Handshake from port PEER_PORT + n, offering SACK and MSS 1460. */
static struct peer *
peer_open(int n)
{
	uint8_t opts[8] = {FP_TCPOPT_MSS, 4, 1460 >> 8, 1460 & 0xff, FP_TCPOPT_NOP, FP_TCPOPT_NOP,
			FP_TCPOPT_SACK_OK, 2};
	struct peer *p = &peers[n];
	struct pkt_spec s;

	memset(p, 0, sizeof(*p));
	p->port = (uint16_t)(PEER_PORT + n);
	s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
	s.sport = p->port;
	s.opts = opts;
	s.opts_len = sizeof(opts);
	ck_assert_int_eq(in(&s), FP_VERDICT_TX);
	pull();
	ck_assert_int_eq(p->n_seen, 1);
	s = peer_spec(p, FP_TCP_ACK, 0, 0, 0);
	in(&s);
	pull();
	return p;
}

static struct tcp_slot *
slot_of(const struct peer *p)
{
	struct tcp_slot *sl = fp__tcp_flow_lookup(ctx.tcp, OUR_IP, PEER_IP, OUR_PORT, p->port);

	ck_assert_ptr_nonnull(sl);
	return sl;
}

/* An engine with two working records, both held by flows 0 and 1, whose
 * echo of 10 bytes each is not acknowledged yet. */
static void
two_records_busy(int syn_cookies)
{
	cfg.active_flows = 2;
	cfg.syn_cookies = (uint8_t)syn_cookies;
	env_start();
	ck_assert_uint_eq(ctx.tcp->max_active, 2);
	for (int i = 0; i < 2; i++) {
		peer_open(i);
		peer_send_at(&peers[i], 0, 10, 0);
		ck_assert_uint_eq(peers[i].echoed, 10);
	}
	ck_assert_uint_eq(ctx.tcp->n_active, 2);
}

/* Every byte we acknowledged came back, once, in order, and the pool is whole. */
static void
assert_all_echoed(int n)
{
	for (int i = 0; i < n; i++) {
		struct peer *p = &peers[i];

		ck_assert_uint_eq(p->echoed, p->acked);
		ck_assert_int_eq(p->rst, 0);
		for (uint32_t k = 0; k < p->echoed; k++)
			ck_assert_uint_eq(echo_got[i][k], pattern(i, k));
	}
	check_invariants();
	ck_assert_uint_eq(ctx.tcp->pool.n_free, ctx.tcp->pool.n);
}

/*
 * An echo pool of 4 KiB under flows allowed 8 KiB each. A peer that never
 * takes its echo has its window closed on half the pool (the rest is kept
 * for the others); a second flow takes what it was promised and no more; a
 * flow opened then is offered nothing. Once the chunks come back all of them
 * go on, and every byte acknowledged is echoed.
 */
START_TEST(test_tcp_pool_exhausted_windows_shrink_then_recover)
{
	struct peer *a, *b, *c;
	uint32_t took, free_before;

	cfg.buffer_size = 8192;
	cfg.echo_pool_kb = 4;
	env_start();
	ck_assert_uint_eq(ctx.tcp->pool.n * ctx.tcp->pool.size, 4096);
	a = peer_open(0);
	b = peer_open(1);
	ck_assert_uint_eq(a->syn_win, 2048); /* half the free pool, not the 8 KiB cap */
	ck_assert_uint_eq(b->syn_win, 2048);

	/* A sends while its window lets it and acknowledges no echo: 2048, then
	 * half of the 4 chunks left; the window closes on the last two. */
	took = peer_fill(a, 512, 0);
	ck_assert_uint_eq(took, 3072);
	ck_assert_uint_eq(a->win, 0);
	ck_assert_uint_eq(a->echoed, took);
	ck_assert_uint_eq(ctx.tcp->pool.n_free, 2);
	check_invariants();

	/* B was promised 2048 and gets the rest of the pool. The promise stands
	 * (a window never shrinks, RFC 9293 3.8.6.2.2), but what the pool cannot
	 * hold is not acknowledged: the peer sends it again later. */
	free_before = ctx.tcp->pool.n_free;
	took = peer_fill(b, 512, 0);
	ck_assert_uint_eq(took, free_before * ctx.tcp->pool.size);
	ck_assert_uint_eq(b->win, 2048 - took);
	ck_assert_uint_eq(ctx.tcp->pool.n_free, 0);
	ck_assert_uint_eq(b->echoed, took);
	/* A's probe finds the pool empty: not acknowledged, the window stays shut. */
	peer_send_at(a, a->sent, 1, 0);
	ck_assert_uint_eq(a->acked, 3072);
	ck_assert_uint_eq(a->win, 0);
	/* A flow opened now is offered nothing. */
	c = peer_open(2);
	ck_assert_uint_eq(c->syn_win, 0);
	check_invariants();

	/* A takes its echo: its chunks go back, and B and C go on. */
	peer_ack(a);
	ck_assert_uint_eq(ctx.tcp->pool.n_free, 6);
	/* C probes its window (RFC 9293 3.8.6.1) and finds it open. */
	peer_send_at(c, 0, 1, 0);
	ck_assert_uint_eq(c->acked, 1);
	ck_assert_uint_gt(c->win, 0);
	peer_fill(c, 512, c->echoed);

	/* Everyone takes its echo and sends more, several rounds. */
	for (int round = 0; round < 8; round++)
		for (int i = 0; i < 3; i++) {
			peer_ack(&peers[i]);
			peer_fill(&peers[i], 512, peers[i].echoed);
			peer_ack(&peers[i]);
		}
	ck_assert_uint_ge(a->sent, 4096);
	ck_assert_uint_ge(b->sent, 4096);
	ck_assert_uint_ge(c->sent, 4096);
	assert_all_echoed(3);
}
END_TEST

/*
 * Out-of-order data while the pool is short: only what the flow's window
 * (its share of the pool) holds is kept, the SACK block covers exactly that,
 * and once the hole is filled and chunks return the stream is whole.
 */
START_TEST(test_tcp_pool_exhausted_out_of_order)
{
	struct peer *a, *b;

	cfg.buffer_size = 8192;
	cfg.echo_pool_kb = 2; /* 4 chunks of 512 */
	env_start();
	a = peer_open(0);
	b = peer_open(1);
	ck_assert_uint_eq(a->syn_win, 1024);
	ck_assert_int_eq(a->sack_ok, 1);
	/* B holds two chunks of echo it does not acknowledge. */
	peer_send_at(b, 0, 1024, 0);
	ck_assert_uint_eq(b->acked, 1024);
	ck_assert_uint_eq(ctx.tcp->pool.n_free, 2);
	/* A's first 100 bytes are lost; of the next 512 one chunk's worth is kept. */
	peer_send_at(a, 100, 512, 0);
	ck_assert_uint_eq(a->acked, 0);
	ck_assert_int_eq(a->n_sack, 1);
	ck_assert_uint_eq(a->sack[0][0], 100);
	ck_assert_uint_eq(a->sack[0][1], 512);
	ck_assert_uint_eq(ctx.tcp->pool.n_free, 1);
	/* Past the flow's share: not kept, not SACKed. */
	peer_send_at(a, 612, 412, 0);
	ck_assert_uint_eq(a->acked, 0);
	ck_assert_int_eq(a->n_sack, 1);
	ck_assert_uint_eq(a->sack[0][1], 512);
	check_invariants();
	/* The hole filled: what was kept is in order now, and echoed. */
	peer_send_at(a, 0, 100, 0);
	ck_assert_uint_eq(a->acked, 512);
	ck_assert_uint_eq(a->echoed, 512);
	ck_assert_int_eq(a->n_sack, 0);
	/* The resend of the rest takes the last chunk. */
	peer_send_at(a, 512, 512, 0);
	ck_assert_uint_eq(a->acked, 1024);
	ck_assert_uint_eq(ctx.tcp->pool.n_free, 0);
	check_invariants();
	/* Echo taken, more data, until all of it is back. */
	for (int round = 0; round < 4; round++)
		for (int i = 0; i < 2; i++) {
			peer_ack(&peers[i]);
			peer_fill(&peers[i], 512, peers[i].echoed);
			peer_ack(&peers[i]);
		}
	ck_assert_uint_ge(a->sent, 2048);
	assert_all_echoed(2);
}
END_TEST

/*
 * Two working records for three flows. While both are busy a SYN is answered
 * with a cookie that offers no SACK; the cookie flow starts compact, and its
 * data is dropped (counted) until a record is free. A quiet flow's record is
 * taken for it, and that flow, compact now, gets one back later with its
 * sequence numbers intact.
 */
START_TEST(test_tcp_records_exhausted_degrade)
{
	struct peer *a = &peers[0], *c;
	uint64_t no_state;

	two_records_busy(2);
	ck_assert_int_eq(a->sack_ok, 1);

	/* No record: a cookie, without SACK-permitted; the handshake's last ACK
	 * opens the flow compact, and is no drop. */
	c = peer_open(2);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_NO_STATE), 0);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_SENT), 1);
	ck_assert_int_eq(c->sack_ok, 0);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 3);
	ck_assert_uint_eq(slot_of(c)->rec, TCP_NONE);
	check_invariants();

	/* C's data finds no record: dropped and counted, not acknowledged. */
	no_state = ctr(FP_CTR_DROP_TCP_NO_STATE);
	ck_assert_int_eq(peer_send_at(c, 0, 200, 0), FP_VERDICT_DROP);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_NO_STATE), no_state + 1);
	ck_assert_uint_eq(c->acked, 0);

	/* A takes its echo and is quiet: its record goes to C, A is compact. */
	peer_ack(a);
	peer_send_at(c, 0, 200, 0);
	ck_assert_uint_eq(c->acked, 200);
	ck_assert_uint_eq(c->echoed, 200);
	ck_assert_uint_eq(slot_of(a)->rec, TCP_NONE);
	ck_assert_uint_ne(slot_of(c)->rec, TCP_NONE);
	check_invariants();

	/* A sends again while B and C are busy: dropped, nothing lost. */
	ck_assert_int_eq(peer_send_at(a, 10, 300, 10), FP_VERDICT_DROP);
	ck_assert_uint_eq(a->acked, 10);
	/* C takes its echo; A's resend thaws A from its slot and carries on. */
	peer_ack(c);
	peer_send_at(a, 10, 300, 10);
	ck_assert_uint_eq(a->acked, 310);
	ck_assert_uint_eq(a->echoed, 310);
	ck_assert_uint_eq(slot_of(c)->rec, TCP_NONE);
	check_invariants();

	/* Everyone takes the rest, and every byte came back once. */
	for (int i = 0; i < 3; i++)
		peer_ack(&peers[i]);
	assert_all_echoed(3);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 3);
}
END_TEST

/* A compact flow with no record to be had: an exact RST still ends it, a
 * RST elsewhere in the window does not. */
START_TEST(test_tcp_records_exhausted_compact_rst)
{
	struct peer *c;
	struct pkt_spec s;

	two_records_busy(2);
	c = peer_open(2);
	ck_assert_uint_eq(slot_of(c)->rec, TCP_NONE);
	s = peer_spec(c, FP_TCP_RST, 5, 0, 0);
	ck_assert_int_eq(in(&s), FP_VERDICT_DROP);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 3);
	s = peer_spec(c, FP_TCP_RST, 0, 0, 0);
	ck_assert_int_eq(in(&s), FP_VERDICT_CONSUMED);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 2);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_RESET), 1);
	expect_none();
	check_invariants();
}
END_TEST

/* Without cookies a SYN that finds no record is refused, and counted once. */
START_TEST(test_tcp_records_exhausted_no_cookies)
{
	struct pkt_spec s;

	two_records_busy(0);
	peers[2].port = PEER_PORT + 2;
	s = spec(FP_TCP_SYN, PEER_ISS, 0, NULL, 0);
	s.sport = peers[2].port;
	in(&s);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_REFUSED), 1);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_OPENED), 2);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 2);
	expect_rst(0);
	check_invariants();
}
END_TEST

/* One record: flow 0 quiet and then compact (flow 1 took the record), flow
 * 1 quiet with it. */
static void
one_compact_one_quiet(void)
{
	cfg.active_flows = 1;
	env_start();
	for (int i = 0; i < 2; i++) {
		peer_open(i);
		peer_send_at(&peers[i], 0, 10, 0);
		peer_ack(&peers[i]);
	}
	ck_assert_uint_eq(slot_of(&peers[0])->rec, TCP_NONE);
	ck_assert_uint_ne(slot_of(&peers[1])->rec, TCP_NONE);
	check_invariants();
}

/* Both flows of one_compact_one_quiet() timed out: each got its RST, none is left. */
static void
assert_both_timed_out(void)
{
	ck_assert_int_eq(peers[0].rst, 1); /* the compact one */
	ck_assert_int_eq(peers[1].rst, 1); /* the one with a record */
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_TIMED_OUT), 2);
	assert_no_flows();
	check_invariants();
}

/* A compact flow has no timer: the sweep ends it once idle_timeout_s has
 * passed (never before, at most a quarter later), as the wheel ends a flow
 * with a record. */
START_TEST(test_tcp_compact_idle_timeout)
{
	uint32_t ms;

	cfg.idle_timeout_s = 8;
	one_compact_one_quiet();
	for (ms = 0; ms < 7900; ms += 100)
		tick(100000);
	pull();
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 2);
	ck_assert_int_eq(peers[0].rst, 0);
	for (; ms < 10100; ms += 100) {
		tick(100000);
		pull();
	}
	assert_both_timed_out();
}
END_TEST

/* A shorter idle_timeout_s set while flows are open reaches compact flows
 * too: the sweep judges them by the new timeout, not the one they were
 * stamped under. */
START_TEST(test_tcp_compact_idle_timeout_shortened_live)
{
	uint32_t ms;

	cfg.idle_timeout_s = 300;
	one_compact_one_quiet();
	for (ms = 0; ms < 3000; ms += 100)
		tick(100000);
	pull();
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 2);
	cfg.idle_timeout_s = 2;
	ck_assert_int_eq(fp_tcp_reconfigure(ctx.tcp, &cfg, ctx.now_us), 0);
	check_invariants();
	/* At most a quarter past the new timeout, counted from the change. */
	for (ms = 0; ms < 2600; ms += 100) {
		tick(100000);
		pull();
	}
	assert_both_timed_out();
}
END_TEST

/* A drain owes a compact flow its FIN until a record is free: it gets it
 * once the only record's flow has closed, and then closes as well. */
START_TEST(test_tcp_compact_drain)
{
	struct peer *a = &peers[0], *b = &peers[1];
	struct pkt_spec s;
	uint32_t ms;

	one_compact_one_quiet();
	fp_tcp_drain(&ctx);
	pull();
	ck_assert_int_eq(b->fin, 1);
	ck_assert_int_eq(a->fin, 0);
	ck_assert_uint_eq(ctx.tcp->drain_owed, 1);
	/* B closes: its record lingers in TIME_WAIT, then A's FIN can go. */
	s = peer_spec(b, FP_TCP_FIN | FP_TCP_ACK, b->acked, 0, b->echoed + 1);
	b->sent++; /* its FIN takes a sequence number */
	in(&s);
	pull();
	for (ms = 0; ms < 10000 && a->fin == 0; ms += 100) {
		tick(100000);
		pull();
	}
	ck_assert_int_eq(a->fin, 1);
	ck_assert_uint_ge(ms, cfg.time_wait_ms);
	ck_assert_uint_eq(ctx.tcp->drain_owed, 0);
	s = peer_spec(a, FP_TCP_FIN | FP_TCP_ACK, a->acked, 0, a->echoed + 1);
	a->sent++;
	in(&s);
	pull();
	for (ms = 0; ms < 5000; ms += 100)
		tick(100000);
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_CLOSED), 2);
	ck_assert_int_eq(a->rst + b->rst, 0);
	check_invariants();
}
END_TEST

/* An idle established flow costs its slot: 64 bytes of engine memory; the
 * records and the echo pool do not grow with the flows. */
START_TEST(test_tcp_mem_per_idle_flow)
{
	struct fp_cfg_tcp c = cfg;
	size_t half, full;

	c.active_flows = 4096;
	c.echo_pool_kb = 1024;
	c.max_flows = 1u << 19;
	half = fp_tcp_mem_size(&c);
	c.max_flows = 1u << 20;
	full = fp_tcp_mem_size(&c);
	ck_assert_uint_eq(full - half, (size_t)64 << 19);
	/* The shared part: records and pool, what active_flows and echo_pool_kb say. */
	ck_assert_uint_lt(full - ((size_t)64 << 20),
			4096 * 512 + (1024 << 10) + (64 << 10) + 4096 * 8);
}
END_TEST

static Suite *
tcp_pool_suite(void)
{
	Suite *s = suite_create("tcp_pool");
	TCase *tc = th_tcase("pool");

	tcase_add_test(tc, test_tcp_pool_exhausted_windows_shrink_then_recover);
	tcase_add_test(tc, test_tcp_pool_exhausted_out_of_order);
	tcase_add_test(tc, test_tcp_records_exhausted_degrade);
	tcase_add_test(tc, test_tcp_records_exhausted_compact_rst);
	tcase_add_test(tc, test_tcp_records_exhausted_no_cookies);
	tcase_add_test(tc, test_tcp_compact_idle_timeout);
	tcase_add_test(tc, test_tcp_compact_idle_timeout_shortened_live);
	tcase_add_test(tc, test_tcp_compact_drain);
	tcase_add_test(tc, test_tcp_mem_per_idle_flow);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return th_run(tcp_pool_suite());
}
