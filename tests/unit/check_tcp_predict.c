/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Header prediction (tcp_input.c predicted(), tcp_output.c
 * fp__tcp_output_echo()) must be invisible: the same peer traffic, run once
 * with it and once with every segment through the full RFC 9293 checks, has
 * to give the same frames, the same flow record and the same counters after
 * every step. The peer is an echo client that mostly behaves (in-order data
 * acknowledging our latest byte, as the fast path expects) and often does
 * not: old and future ACKs, reordering, duplicates, SACK blocks, windows that
 * shrink to zero (and stay shut across ticks, so the persist timer probes),
 * tx failures, frames with no room, timers.
 */
#include <string.h>

#include "fp/wire.h"
#include "tcp_harness.h"

#define STEPS 6000

/* What one step left behind, in three parts so a mismatch says which. */
struct digest {
	uint64_t frames, flow, counters;
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* The scenario's one flow. */
static struct tcp_slot *
flow_slot(void)
{
	return fp__tcp_flow_lookup(ctx.tcp, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT);
}

/* The flow's working record, or NULL while it is compact. */
static struct tcp_flow *
flow_rec(const struct tcp_slot *sl)
{
	return sl->rec != TCP_NONE ? &ctx.tcp->flows[sl->rec] : NULL;
}

static void
digest_step(struct digest *d, enum fp_verdict v)
{
	struct tcp_slot *sl = flow_slot();

	d->frames = fnv(0xcbf29ce484222325ull, &v, sizeof(v));
	for (int i = 0; i < n_cap; i++) {
		d->frames = fnv(d->frames, &cap_len[i], sizeof(cap_len[i]));
		d->frames = fnv(d->frames, cap_buf[i], cap_len[i]);
	}
	d->flow = 0xcbf29ce484222325ull;
	if (sl != NULL) {
		d->flow = fnv(d->flow, sl, sizeof(*sl));
		if (flow_rec(sl) != NULL) {
			struct tcp_flow f = *flow_rec(sl);

			f.t = NULL; /* each run's own engine */
			d->flow = fnv(d->flow, &f, sizeof(f));
		}
	}
	d->counters = 0xcbf29ce484222325ull;
	for (int c = 0; c < FP_CTR_COUNT; c++) {
		uint64_t n = c == FP_CTR_TCP_PREDICTED ? 0 : ctr((enum fp_counter)c);

		d->counters = fnv(d->counters, &n, sizeof(n));
	}
}

/* Our highest sequence number seen so far, from every segment we sent. */
static uint32_t
read_out(uint32_t srv_max)
{
	while (rd < n_cap) {
		struct oseg o = next_out();
		uint32_t end = o.seq + o.len + !!(o.flags & (FP_TCP_SYN | FP_TCP_FIN));

		if (!(o.flags & FP_TCP_RST) && seq_gt(end, srv_max))
			srv_max = end;
	}
	return srv_max;
}

/* One run of the scenario; variant picks SACK, MSS and checksum handling. */
static void
run(int predict, int variant, struct digest *out)
{
	static uint8_t data[1600];
	uint8_t sack[12] = {FP_TCPOPT_NOP, FP_TCPOPT_NOP, TCP_OPT_SACK, 10};
	uint32_t srv_max, i, hold = 0, held_ack = 0, zero = 0;

	memset(&stats, 0, sizeof(stats));
	n_cap = rd = fail_alloc = tight_room = 0;
	in_flags = variant == 1 ? FP_PKT_IP4_CSUM_GOOD | FP_PKT_L4_CSUM_GOOD : 0;
	cfg.buffer_size = variant == 2 ? 2048 : 16384;
	env_start();
	ctx.tcp->predict = (uint8_t)predict;
	if (variant == 3)
		ctx.ifaces[0].tx_offload = FP_TX_OFFLOAD_CSUM;
	rnd_state = 99u + (uint32_t)variant;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)rnd(256);
	if (variant % 2)
		establish_sack(variant == 3 ? 536 : 1460);
	else
		establish();
	srv_max = our_iss + 1;
	for (i = 0; i < STEPS; i++) {
		uint32_t op = rnd(100), seq = p_seq, ack = srv_max;
		uint16_t len = (uint16_t)(1 + rnd(rnd(4) ? 200 : 1500));
		uint16_t win = rnd(10) ? 65535 : (uint16_t)rnd(4000);
		uint8_t flags = FP_TCP_ACK | (rnd(2) ? FP_TCP_PSH : 0);
		struct pkt_spec s;
		enum fp_verdict v = FP_VERDICT_CONSUMED;

		rd = n_cap = 0;
		fail_alloc = rnd(40) == 0;
		if (hold == 0 && op >= 36 && op < 39) {
			/* Our echoes get lost for a while: the peer keeps ACKing the
			 * same byte, with duplicate ACKs and SACK blocks (recovery). */
			struct tcp_slot *sl = flow_slot();

			hold = 5 + rnd(20);
			held_ack = flow_rec(sl) ? flow_rec(sl)->snd_una : sl->snd_una;
		}
		if (hold == 0 && zero == 0 && op == 39)
			zero = 4 + rnd(4);
		if (zero) {
			/* A zero window held across ticks: our echo waits, the
			 * persist timer probes, then the window opens again. */
			zero--;
			op = rnd(2) ? 0 : 40;
			win = 0;
		}
		if (hold) {
			hold--;
			ack = held_ack;
			win = 65535;
			if (rnd(2))
				len = 0;
			op = rnd(3) ? 40 : 32; /* in order, half the time with a SACK block */
		}
		if (op < 4) {
			tick(zero ? 200000 + rnd(300000) : rnd(2) ? rnd(300000) : rnd(3000));
		} else {
			if (op < 12)
				ack = srv_max - rnd(3000); /* an old ACK, or a partial one */
			else if (op < 14)
				ack = srv_max + 1 + rnd(100); /* ahead of what we sent */
			if (op >= 14 && op < 20)
				seq = p_seq + 1 + rnd(2000); /* ahead: a hole */
			else if (op >= 20 && op < 25)
				seq = p_seq - rnd(1000); /* old, or overlapping */
			if (op >= 25 && op < 30)
				len = 0; /* a pure ACK or window update */
			if (op >= 30 && op < 32)
				win = 0;
			s = spec(flags, seq, ack, data + rnd(sizeof(data) - len + 1), len);
			s.win = win;
			if (op >= 32 && op < 36) {
				/* A SACK block somewhere near what we sent. */
				fp_store_be32(sack + 4,
						hold ? held_ack + 1 + rnd(600) : srv_max - rnd(4000));
				fp_store_be32(sack + 8, srv_max - rnd(2000));
				s.opts = sack;
				s.opts_len = sizeof(sack);
			}
			/* Not for runts: a reply in a frame with no room is not padded. */
			tight_room = len + s.opts_len >= 6 && rnd(10) == 0;
			v = in(&s);
		}
		/* The peer goes on from what was taken: where the engine took
		 * less than was sent, or nothing, it sends that again. */
		{
			struct tcp_slot *sl = flow_slot();

			ck_assert_ptr_nonnull(sl);
			p_seq = flow_rec(sl) ? flow_rec(sl)->rcv_nxt : sl->rcv_nxt;
		}
		digest_step(&out[i], v);
		srv_max = read_out(srv_max);
		check_invariants();
	}
	env_stop();
}

START_TEST(test_tcp_predict_same_as_full_checks)
{
	static struct digest with[STEPS], without[STEPS];
	uint64_t predicted;

	run(1, _i, with);
	predicted = ctr(FP_CTR_TCP_PREDICTED);
	/* The peer's losses drove the flow into recovery, and its zero windows
	 * into persist probes, not only the happy path. */
	ck_assert_uint_gt(ctr(FP_CTR_TCP_FAST_RETRANSMITS), 0);
	ck_assert_uint_gt(ctr(FP_CTR_TCP_PERSIST_PROBES), 0);
	run(0, _i, without);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_PREDICTED), 0);
	/* The fast path ran often enough for the comparison to mean something. */
	ck_assert_msg(predicted > STEPS / 4, "only %llu of %d steps predicted",
			(unsigned long long)predicted, STEPS);
	for (int i = 0; i < STEPS; i++) {
		ck_assert_msg(with[i].frames == without[i].frames, "step %d: frames differ", i);
		ck_assert_msg(with[i].flow == without[i].flow, "step %d: flow state differs", i);
		ck_assert_msg(with[i].counters == without[i].counters, "step %d: counters differ",
				i);
	}
}
END_TEST

static Suite *
tcp_predict_suite(void)
{
	Suite *s = suite_create("tcp_predict");
	TCase *tc = th_tcase("core");

	/* 0 plain, 1 NIC-verified checksums with SACK, 2 a small buffer (the
	 * window shuts), 3 TX checksum offload, SACK and a 536 B MSS. */
	tcase_add_loop_test(tc, test_tcp_predict_same_as_full_checks, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return th_run(tcp_predict_suite());
}
