/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine (lib/tcp/), closing and timers: FIN in every state, RST and challenge ACKs
 * (RFC 5961), CLOSE_WAIT, LAST_ACK, FIN_WAIT, CLOSING, TIME_WAIT, idle
 * expiry and the graceful drain.
 * The harness (tcp_harness.h) feeds frames to fp_tcp_input() and captures
 * every frame sent. State-machine tests are named test_tcp_<state>_<event>.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fp/csum.h"
#include "fp/wire.h"
#include "tcp_harness.h"

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
	int i, fins = 0;

	env_start();
	establish();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	next_out();
	/* FIN retransmitted on RTO (srtt from the handshake is ~0: rto_min). */
	tick(200000);
	o = next_out();
	ck_assert_uint_eq(o.flags & FP_TCP_FIN, FP_TCP_FIN);
	ck_assert_uint_eq(o.seq, our_iss + 1);
	/* RFC 9293 3.8.3 R2: the retries end it, not the time_wait_ms linger. */
	for (i = 0; i < 300 && fp_tcp_flow_count(ctx.tcp); i++) {
		tick(1000000);
		while (rd < n_cap) {
			o = next_out();
			fins += (o.flags & FP_TCP_FIN) != 0;
		}
	}
	ck_assert_uint_eq(o.flags, FP_TCP_RST);
	ck_assert_int_eq(fins, TCP_DATA_RETRIES - 1);
	ck_assert_uint_ge(i, 100); /* about 160 s of backoff up to rto_max */
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_TIMED_OUT), 1);
}
END_TEST

/* The only flow ended by a close, with no RST and no timeout. */
static void
assert_closed_cleanly(void)
{
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_CLOSED), 1);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_TIMED_OUT), 0);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RST_SENT), 0);
}

/*
 * Our last data and FIN are lost three times (0.2 + 0.4 + 0.8 + 1.6 s of
 * backoff, longer than time_wait_ms): the fourth copy arrives, the echo is
 * complete and the close clean (RFC 9293 3.8.3 R2: retries, not a linger,
 * bound the states that wait for our FIN to be acknowledged).
 */
START_TEST(test_tcp_last_ack_data_fin_lost)
{
	uint64_t rto = 200000;
	struct oseg o;
	int i;

	env_start();
	establish();
	in_seg(FP_TCP_FIN | FP_TCP_ACK | FP_TCP_PSH, p_seq, our_iss + 1, "last", 4, 65535);
	p_seq += 5;
	o = next_out();
	ck_assert_uint_eq(o.flags, FP_TCP_FIN | FP_TCP_ACK | FP_TCP_PSH);
	ck_assert_uint_eq(flow_state(), FP_TCP_LAST_ACK);
	for (i = 0; i < 4; i++) {
		tick(rto - 1000);
		expect_none();
		tick(1000);
		o = next_out();
		ck_assert_uint_eq(o.flags, FP_TCP_FIN | FP_TCP_ACK | FP_TCP_PSH);
		ck_assert_mem_eq(o.data, "last", 4);
		rto *= 2;
	}
	expect_none();
	ck_assert_uint_eq(flow_state(), FP_TCP_LAST_ACK);
	in_seg(FP_TCP_ACK, p_seq, our_iss + 6, NULL, 0, 65535);
	assert_closed_cleanly();
	ck_assert_uint_eq(ctr(FP_CTR_TCP_BYTES_ECHOED), 4);
}
END_TEST

/*
 * A peer that shut its window on our last data and then went silent: the
 * persist probes (RFC 9293 3.8.6.1) go unanswered, and after as many as the
 * RTO retries the flow is aborted, so it cannot stay in LAST_ACK forever.
 * A peer that answers the probes keeps the flow.
 */
START_TEST(test_tcp_last_ack_persist_silent_peer)
{
	static uint8_t data[8] = "12345678";
	int i, probes = 0;

	env_start();
	establish();
	in_seg(FP_TCP_FIN | FP_TCP_ACK | FP_TCP_PSH, p_seq, our_iss + 1, data, 8, 65535);
	p_seq += 9;
	ck_assert_uint_eq(next_out().len, 8);
	ck_assert_uint_eq(flow_state(), FP_TCP_LAST_ACK);
	/* Half of it acknowledged, window shut. */
	in_seg(FP_TCP_ACK, p_seq, our_iss + 5, NULL, 0, 0);
	for (i = 0; i < 5; i++) {
		tick(60000000);
		ck_assert_uint_eq(next_out().len, 1);
		/* Answered: still zero window. */
		in_seg(FP_TCP_ACK, p_seq, our_iss + 5, NULL, 0, 0);
	}
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 1);
	for (i = 0; i < 30 && fp_tcp_flow_count(ctx.tcp); i++) {
		tick(60000000);
		while (rd < n_cap)
			probes += next_out().len == 1;
	}
	assert_no_flows();
	ck_assert_int_eq(probes, TCP_DATA_RETRIES);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_TIMED_OUT), 1);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RST_SENT), 1);
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

/* RFC 1337: a RST, even an exact one, does not end TIME_WAIT early. */
START_TEST(test_tcp_time_wait_rst)
{
	to_fin_wait_1();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	next_out();
	tick(500000);
	ck_assert_int_eq(in_seg(FP_TCP_RST, p_seq + 1, 0, NULL, 0, 0), FP_VERDICT_DROP);
	ck_assert_int_eq(in_seg(FP_TCP_RST | FP_TCP_ACK, p_seq + 1, our_iss + 2, NULL, 0, 0),
			FP_VERDICT_DROP);
	expect_none();
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_TIME_WAIT_RST), 2);
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
	/* Its 2 MSL run out as usual (from the state change). */
	tick(1499000);
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
	tick(1000);
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_CLOSED), 1);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_RESET), 0);
}
END_TEST

/* RFC 9293 3.10.7.4: only a retransmitted FIN restarts TIME_WAIT, not an ACK. */
START_TEST(test_tcp_time_wait_ack)
{
	to_fin_wait_1();
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	next_out();
	p_seq++;
	tick(1500000);
	in_seg(FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	expect_none();
	tick(499000);
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
	tick(1000);
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_CLOSED), 1);
}
END_TEST

START_TEST(test_tcp_challenge_ack_rate_limit)
{
	struct pkt_spec sp;
	int i;

	env_start();
	establish();
	for (i = 0; i < 150; i++)
		in_seg(FP_TCP_RST, p_seq + 1 + (uint32_t)i, 0, NULL, 0, 0);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_CHALLENGE_ACKS), TCP_CHALLENGE_MAX);
	ck_assert_int_eq(n_cap - rd, TCP_CHALLENGE_MAX);
	rd = n_cap;
	/* The budget is the flow's own: another flow still gets its challenges. */
	sp = spec(FP_TCP_SYN, 5000, 0, NULL, 0);
	sp.sport = PEER_PORT + 1;
	in(&sp);
	rd = n_cap;
	sp = spec(FP_TCP_RST, 5000 + 20, 0, NULL, 0);
	sp.sport = PEER_PORT + 1;
	ck_assert_int_eq(in(&sp), FP_VERDICT_TX);
	rd = n_cap;
	ck_assert_uint_eq(ctr(FP_CTR_TCP_CHALLENGE_ACKS), TCP_CHALLENGE_MAX + 1);
	/* The next second has a fresh budget. */
	ctx.now_us += 1000000;
	ck_assert_int_eq(in_seg(FP_TCP_RST, p_seq + 1, 0, NULL, 0, 0), FP_VERDICT_TX);
	expect_ack(our_iss + 1, p_seq);
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
}
END_TEST

/* --- challenge ACKs are no oracle (the CVE-2016-5696 pattern) --- */

#define VICTIM_IP   0x0a000003u /* 10.0.0.3 */
#define VICTIM_PORT 50000
#define VICTIM_ISS  77777u

/** Everything the engine sent to one connection's peer, byte for byte. */
struct view {
	uint8_t bytes[96 * 1024];
	size_t len;
	int frames;
};

/* Move the captured frames to PEER_IP:PEER_PORT (the attacker's own
 * connection) into v and forget the rest. */
static void
view_take(struct view *v)
{
	int i;

	for (i = 0; i < n_cap; i++) {
		const uint8_t *ip = cap_buf[i] + FP_ETH_HLEN;
		const uint8_t *tcp = ip + FP_IP4_HLEN;

		if (fp_load_be32(ip + FP_IP4_OFF_DST) != PEER_IP ||
				fp_load_be16(tcp + FP_TCP_OFF_DPORT) != PEER_PORT)
			continue;
		REQUIRE(v->len + cap_len[i] <= sizeof(v->bytes));
		memcpy(v->bytes + v->len, cap_buf[i], cap_len[i]);
		v->len += cap_len[i];
		v->frames++;
	}
	rd = n_cap = 0;
}

/* A segment from the victim's address and port (real or spoofed). */
static void
victim_in(uint8_t flags, uint32_t seq, uint32_t ack)
{
	struct pkt_spec sp = spec(flags, seq, ack, NULL, 0);

	sp.src_ip = VICTIM_IP;
	sp.sport = VICTIM_PORT;
	in(&sp);
}

/*
 * An off-path attacker with its own connection (PEER_IP:PEER_PORT) guesses
 * at the victim's connection (VICTIM_IP:VICTIM_PORT -> our port 7): RSTs
 * at guessed sequence numbers, ACKs with a guessed acknowledgment, then
 * probes its own connection in the same second. scenario 0: no victim
 * connection; 1: the victim exists and the RSTs are in its window; 2: it
 * exists and they are not. @return challenge ACKs sent in all
 */
static uint64_t
oracle_run(int scenario, struct view *v)
{
	uint32_t v_iss = 0, i;

	env_start();
	establish();
	rd = n_cap = 0;
	if (scenario) {
		victim_in(FP_TCP_SYN, VICTIM_ISS, 0);
		ck_assert_int_eq(n_cap, 1);
		v_iss = fp_load_be32(cap_buf[0] + FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_OFF_SEQ);
		victim_in(FP_TCP_ACK, VICTIM_ISS + 1, v_iss + 1);
		ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 2);
	}
	rd = n_cap = 0;
	for (i = 0; i < 200; i++) {
		uint32_t guess = VICTIM_ISS + 2 + (scenario == 2 ? 1000000 : 0) + 10 * i;

		victim_in(FP_TCP_RST, guess, 0);
		victim_in(FP_TCP_ACK, VICTIM_ISS + 1, v_iss + 0x40000000u + i);
		view_take(v);
	}
	/* The attacker counts the challenge ACKs on its own connection. */
	for (i = 0; i < 20; i++) {
		in_seg(FP_TCP_RST, p_seq + 1 + i, 0, NULL, 0, 0);
		view_take(v);
	}
	send_data("ping", 4, our_iss + 1);
	view_take(v);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), scenario ? 2 : 1);
	return ctr(FP_CTR_TCP_CHALLENGE_ACKS);
}

/*
 * What the attacker sees of its own connection, every byte of every frame
 * (IP IDs included), must not depend on whether the victim's connection
 * exists nor on whether a guessed RST was in its window: no budget or
 * counter may be shared between flows.
 */
START_TEST(test_tcp_challenge_ack_no_oracle)
{
	static struct view v[3];
	uint64_t challenges[3];
	int k;

	for (k = 0; k < 3; k++) {
		if (k > 0) {
			teardown();
			setup();
		}
		challenges[k] = oracle_run(k, &v[k]);
	}
	/* The runs did differ where the attacker cannot see: at the victim. */
	ck_assert_uint_gt(challenges[1], challenges[0]);
	/* And the attacker did get challenge ACKs and its echo. */
	ck_assert_int_ge(v[0].frames, 2);
	for (k = 1; k < 3; k++) {
		ck_assert_int_eq(v[k].frames, v[0].frames);
		ck_assert_uint_eq(v[k].len, v[0].len);
		ck_assert_msg(memcmp(v[k].bytes, v[0].bytes, v[0].len) == 0,
				"the attacker's view differs in scenario %d", k);
	}
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

/*
 * Draining a flow idle for longer than time_wait_ms: the closing linger
 * counts from the state change, not from the last segment, so our FIN is
 * answered and the close completes without a RST.
 */
START_TEST(test_tcp_drain_idle_flow)
{
	struct oseg o;

	env_start();
	establish();
	tick(3000000); /* idle 3 s, time_wait_ms 2 s */
	fp_tcp_drain(&ctx);
	o = next_out();
	ck_assert_uint_eq(o.flags, FP_TCP_FIN | FP_TCP_ACK);
	ck_assert_uint_eq(flow_state(), FP_TCP_FIN_WAIT_1);
	tick(1000);
	expect_none();
	/* The peer takes 100 ms to answer: our FIN is acknowledged, then its own. */
	tick(99000);
	expect_none();
	in_seg(FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	ck_assert_uint_eq(flow_state(), FP_TCP_FIN_WAIT_2);
	in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	expect_ack(our_iss + 2, p_seq + 1);
	ck_assert_uint_eq(flow_state(), FP_TCP_TIME_WAIT);
	tick(2000000);
	expect_none();
	assert_closed_cleanly();
}
END_TEST

/* The same in FIN_WAIT_1 (drained) and CLOSING (simultaneous close). */
START_TEST(test_tcp_fin_wait_1_fin_lost)
{
	uint64_t rto = 200000;
	int i;

	to_fin_wait_1();
	if (_i == 1) {
		in_seg(FP_TCP_FIN | FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
		expect_ack(our_iss + 2, p_seq + 1);
		p_seq++;
		ck_assert_uint_eq(flow_state(), FP_TCP_CLOSING);
	}
	for (i = 0; i < 4; i++) {
		tick(rto);
		ck_assert_uint_eq(next_out().flags & FP_TCP_FIN, FP_TCP_FIN);
		rto *= 2;
	}
	expect_none();
	in_seg(FP_TCP_ACK, p_seq, our_iss + 2, NULL, 0, 65535);
	ck_assert_uint_eq(flow_state(), _i == 1 ? FP_TCP_TIME_WAIT : FP_TCP_FIN_WAIT_2);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RST_SENT), 0);
}
END_TEST

static Suite *
tcp_close_suite(void)
{
	Suite *s = suite_create("tcp_close");
	TCase *tc = th_tcase("core");

	tcase_add_test(tc, test_tcp_close_wait_fin);
	tcase_add_test(tc, test_tcp_last_ack_rst);
	tcase_add_test(tc, test_tcp_fin_wait_2_data);
	tcase_add_test(tc, test_tcp_closing_rst);
	tcase_add_test(tc, test_tcp_time_wait_syn);
	tcase_add_test(tc, test_tcp_established_fin);
	tcase_add_test(tc, test_tcp_established_fin_with_data);
	tcase_add_test(tc, test_tcp_established_rst_exact);
	tcase_add_test(tc, test_tcp_established_rst_in_window);
	tcase_add_test(tc, test_tcp_established_rst_out_of_window);
	tcase_add_test(tc, test_tcp_established_syn);
	tcase_add_test(tc, test_tcp_close_wait_ack);
	tcase_add_test(tc, test_tcp_close_wait_rst);
	tcase_add_test(tc, test_tcp_last_ack_ack);
	tcase_add_test(tc, test_tcp_last_ack_timeout);
	tcase_add_test(tc, test_tcp_last_ack_data_fin_lost);
	tcase_add_loop_test(tc, test_tcp_fin_wait_1_fin_lost, 0, 2);
	tcase_add_test(tc, test_tcp_last_ack_persist_silent_peer);
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
	tcase_add_test(tc, test_tcp_time_wait_ack);
	tcase_add_test(tc, test_tcp_challenge_ack_rate_limit);
	tcase_add_test(tc, test_tcp_challenge_ack_no_oracle);
	tcase_add_test(tc, test_tcp_idle_expiry);
	tcase_add_test(tc, test_tcp_drain);
	tcase_add_test(tc, test_tcp_drain_idle_flow);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return th_run(tcp_close_suite());
}
