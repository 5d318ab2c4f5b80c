/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine (lib/tcp/), windows: window scale, receiver SWS avoidance, zero windows and
 * persist probes, a shrinking peer window.
 * The harness (tcp_harness.h) feeds frames to fp_tcp_input() and captures
 * every frame sent. State-machine tests are named test_tcp_<state>_<event>.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fp/csum.h"
#include "fp/wire.h"
#include "tcp_harness.h"

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

/*
 * RFC 9293 3.10.7.4: the send window is updated only by an ACK in
 * [SND.UNA, SND.NXT]. An older ACK (a duplicate, SEG.ACK < SND.UNA) on a
 * newer segment must not shut the window it does not know about.
 */
START_TEST(test_tcp_window_old_ack_no_update)
{
	static uint8_t data[1000];
	struct oseg o;

	env_start();
	establish();
	memset(data, 'o', sizeof(data));
	send_data(data, sizeof(data), our_iss + 1);
	ck_assert_uint_eq(next_out().len, 1000);
	send_data("a", 1, our_iss + 1001);
	ck_assert_uint_eq(next_out().len, 1);
	ck_assert_uint_eq(flow_info().snd_wnd, 65535);
	/* Newer sequence number, acknowledgment below SND.UNA, window 0. */
	ck_assert_int_eq(in_seg(FP_TCP_ACK | FP_TCP_PSH, p_seq, our_iss + 501, "b", 1, 0),
			FP_VERDICT_TX);
	p_seq++;
	ck_assert_uint_eq(flow_info().snd_wnd, 65535);
	/* Its text is still taken and echoed into the window we know. */
	o = next_out();
	ck_assert_uint_eq(o.len, 1);
	ck_assert_uint_eq(o.data[0], 'b');
	ck_assert_uint_eq(ctr(FP_CTR_TCP_PERSIST_PROBES), 0);
}
END_TEST

static Suite *
tcp_window_suite(void)
{
	Suite *s = suite_create("tcp_window");
	TCase *tc = th_tcase("core");

	tcase_add_test(tc, test_tcp_listen_syn_wscale);
	tcase_add_test(tc, test_tcp_established_sws_avoidance);
	tcase_add_test(tc, test_tcp_established_zero_window_ack);
	tcase_add_test(tc, test_tcp_established_buffer_full);
	tcase_add_test(tc, test_tcp_zero_window_persist);
	tcase_add_test(tc, test_tcp_window_shrink);
	tcase_add_test(tc, test_tcp_window_old_ack_no_update);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return th_run(tcp_window_suite());
}
