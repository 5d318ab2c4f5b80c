/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine (lib/tcp/), closed ports, LISTEN (SYN, options, SYN-ACK), SYN_RECEIVED, segment
 * validation and the engine's configuration checks.
 * The harness (tcp_harness.h) feeds frames to fp_tcp_input() and captures
 * every frame sent. State-machine tests are named test_tcp_<state>_<event>.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fp/csum.h"
#include "fp/wire.h"
#include "tcp_harness.h"

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

/*
 * RFC 9293 3.10.7.1: a closed port answers every segment but a RST with a
 * RST, whatever else its flags say (as Linux does), so a scanner sees it
 * "closed", not "open|filtered".
 */
START_TEST(test_tcp_closed_any_flags)
{
	static const uint8_t no_ack[] = {0, FP_TCP_FIN, FP_TCP_FIN | FP_TCP_PSH | FP_TCP_URG,
			FP_TCP_PSH, FP_TCP_URG, FP_TCP_SYN | FP_TCP_FIN,
			FP_TCP_SYN | FP_TCP_FIN | FP_TCP_PSH | FP_TCP_URG};
	static const uint8_t with_ack[] = {FP_TCP_ACK | FP_TCP_FIN, FP_TCP_ACK | FP_TCP_URG,
			FP_TCP_SYN | FP_TCP_ACK | FP_TCP_FIN};
	struct pkt_spec s;
	struct oseg o;
	unsigned i;

	env_start();
	our_port = 9;
	for (i = 0; i < sizeof(no_ack); i++) {
		uint32_t seglen = 2 + !!(no_ack[i] & FP_TCP_SYN) + !!(no_ack[i] & FP_TCP_FIN);

		s = spec(no_ack[i], 5000 + i, 0, "ab", 2);
		s.dport = 9;
		ck_assert_int_eq(in(&s), FP_VERDICT_TX);
		/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		o = next_out();
		ck_assert_uint_eq(o.flags, FP_TCP_RST | FP_TCP_ACK);
		ck_assert_uint_eq(o.seq, 0);
		ck_assert_uint_eq(o.ack, 5000 + i + seglen);
	}
	for (i = 0; i < sizeof(with_ack); i++) {
		s = spec(with_ack[i], 5000, 7000 + i, NULL, 0);
		s.dport = 9;
		ck_assert_int_eq(in(&s), FP_VERDICT_TX);
		expect_rst(7000 + i); /* <SEQ=SEG.ACK><CTL=RST> */
	}
	/* Never a RST for a RST, whatever comes with it. */
	s = spec(FP_TCP_RST | FP_TCP_SYN, 5000, 0, NULL, 0);
	s.dport = 9;
	ck_assert_int_eq(in(&s), FP_VERDICT_DROP);
	expect_none();
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RST_SENT), sizeof(no_ack) + sizeof(with_ack));
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_BAD_FLAGS), 0);
	assert_no_flows();
}
END_TEST

/* RFC 9293 3.10.7.2: LISTEN drops what is neither RST, ACK nor a SYN (Linux too). */
START_TEST(test_tcp_listen_other_flags)
{
	static const uint8_t drop[] = {0, FP_TCP_FIN, FP_TCP_FIN | FP_TCP_PSH | FP_TCP_URG,
			FP_TCP_PSH, FP_TCP_SYN | FP_TCP_FIN, FP_TCP_SYN | FP_TCP_RST, FP_TCP_RST};
	unsigned i;

	env_start();
	for (i = 0; i < sizeof(drop); i++)
		ck_assert_int_eq(in_seg(drop[i], 5000, 0, "ab", 2, 1000), FP_VERDICT_DROP);
	expect_none();
	assert_no_flows();
	/* With ACK: <SEQ=SEG.ACK><CTL=RST>, a SYN-ACK too. */
	ck_assert_int_eq(in_seg(FP_TCP_SYN | FP_TCP_ACK, 5000, 4242, NULL, 0, 1000), FP_VERDICT_TX);
	expect_rst(4242);
	ck_assert_int_eq(in_seg(FP_TCP_FIN | FP_TCP_ACK, 5000, 4343, NULL, 0, 1000), FP_VERDICT_TX);
	expect_rst(4343);
	assert_no_flows();
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

START_TEST(test_tcp_init_invalid)
{
	static uint8_t buf[1 << 16] __attribute__((aligned(64)));

	cfg.buffer_size = 3000; /* not a power of two */
	ck_assert_uint_eq(fp_tcp_mem_size(&cfg), 0);
	ck_assert_ptr_null(fp_tcp_init(buf, sizeof(buf), &cfg, &test_keys));
	cfg_defaults();
	cfg.max_flows = 0;
	ck_assert_ptr_null(fp_tcp_init(buf, sizeof(buf), &cfg, &test_keys));
	cfg_defaults();
	ck_assert_ptr_null(fp_tcp_init(buf, 100, &cfg, &test_keys)); /* too small */
	ck_assert_ptr_null(
			fp_tcp_init(buf + 8, sizeof(buf) - 8, &cfg, &test_keys)); /* misaligned */
	cfg.max_flows = 2;
	ck_assert_ptr_null(fp_tcp_init(buf, sizeof(buf), &cfg, NULL)); /* no keys */
	ck_assert_ptr_nonnull(fp_tcp_init(buf, sizeof(buf), &cfg, &test_keys));
	ck_assert_str_eq(fp_tcp_state_name(FP_TCP_TIME_WAIT), "TIME_WAIT");
}
END_TEST

static Suite *
tcp_handshake_suite(void)
{
	Suite *s = suite_create("tcp_handshake");
	TCase *tc = th_tcase("core");

	tcase_add_test(tc, test_tcp_closed_syn);
	tcase_add_test(tc, test_tcp_closed_ack);
	tcase_add_test(tc, test_tcp_closed_fin_data);
	tcase_add_test(tc, test_tcp_closed_rst);
	tcase_add_test(tc, test_tcp_closed_any_flags);
	tcase_add_test(tc, test_tcp_listen_other_flags);
	tcase_add_test(tc, test_tcp_listen_syn);
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
	tcase_add_test(tc, test_tcp_max_flows_refused);
	tcase_add_test(tc, test_tcp_bad_csum_no_state_change);
	tcase_add_test(tc, test_tcp_bad_doff);
	tcase_add_test(tc, test_tcp_bad_flags);
	tcase_add_test(tc, test_tcp_truncated);
	tcase_add_test(tc, test_tcp_init_invalid);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return th_run(tcp_handshake_suite());
}
