/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine (lib/tcp/), loss recovery: RTT estimation and RTO (RFC 6298), fast retransmit and
 * NewReno (RFC 5681, 6582), SACK recovery and D-SACK (RFC 6675, 2883) and a
 * lossy, reordering peer simulation.
 * The harness (tcp_harness.h) feeds frames to fp_tcp_input() and captures
 * every frame sent. State-machine tests are named test_tcp_<state>_<event>.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fp/csum.h"
#include "fp/wire.h"
#include "tcp_harness.h"

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

/*
 * RFC 5681 3.2 step 4 inflates cwnd by one segment per further duplicate
 * ACK: each says a segment left the network. No more can leave than were
 * in flight, so a peer repeating ACKs cannot grow cwnd past that.
 */
START_TEST(test_tcp_dupack_inflation_capped)
{
	static uint8_t data[1000];
	struct tcp_flow *f;
	uint32_t i, flight;

	env_start();
	establish_win(1000, -1, 65535);
	memset(data, 'd', sizeof(data));
	for (i = 0; i < 4; i++) {
		send_data(data, 1000, our_iss + 1);
		next_out();
	}
	f = &ctx.tcp->flows[0];
	flight = f->snd_max - f->snd_una;
	for (i = 0; i < 3; i++)
		in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_FAST_RETRANSMITS), 1);
	for (i = 0; i < 1000; i++)
		in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_DUP_ACKS), 1003);
	ck_assert_msg(f->cwnd <= f->ssthresh + flight, "cwnd %u, ssthresh %u, flight %u", f->cwnd,
			f->ssthresh, flight);
	/* The inflation itself still works while it is plausible. */
	ck_assert_uint_gt(f->cwnd, f->ssthresh + 3u * f->mss);
}
END_TEST

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
tcp_loss_suite(void)
{
	Suite *s = suite_create("tcp_loss");
	TCase *tc = th_tcase("core");

	tcase_add_test(tc, test_tcp_tick_long_pause);
	tcase_add_test(tc, test_tcp_rto_vectors);
	tcase_add_test(tc, test_tcp_rtt_measured);
	tcase_add_test(tc, test_tcp_rto_retransmit);
	tcase_add_test(tc, test_tcp_rto_backoff);
	tcase_add_test(tc, test_tcp_rto_give_up);
	tcase_add_test(tc, test_tcp_fast_retransmit);
	tcase_add_test(tc, test_tcp_dupack_inflation_capped);
	tcase_add_test(tc, test_tcp_newreno_partial_ack);
	tcase_add_test(tc, test_tcp_sack_recovery);
	tcase_add_test(tc, test_tcp_dsack);
	tcase_add_loop_test(tc, test_tcp_lossy_peer_sim, 0, 24);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return th_run(tcp_loss_suite());
}
