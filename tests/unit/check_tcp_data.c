/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine (lib/tcp/), the established data path: echo, out-of-order and duplicate data,
 * acknowledgment checks, sequence wrap, the echo ring, tx failures, the flow
 * table and a randomised stress run.
 * The harness (tcp_harness.h) feeds frames to fp_tcp_input() and captures
 * every frame sent. State-machine tests are named test_tcp_<state>_<event>.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fp/csum.h"
#include "fp/wire.h"
#include "tcp_harness.h"

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

/*
 * What a flow sends through tx ops (here a retransmission from the timer)
 * goes to fp_tx_ops.send with the port the flow came in on, and carries that
 * interface's MAC (next_out() checks the MAC of every frame's port).
 */
START_TEST(test_tcp_tx_port_is_the_flows)
{
	static const uint8_t mac1[6] = {0x02, 0, 0, 0, 1, 0x01};
	struct oseg o;

	env_start();
	ctx.ifaces[1] = ctx.ifaces[0];
	memcpy(ctx.ifaces[1].mac, mac1, 6);
	ctx.n_ifaces = 2;
	in_port = 1;
	establish();
	send_data("lost", 4, our_iss + 1);
	o = next_out();
	ck_assert_uint_eq(o.len, 4);
	ck_assert_uint_eq(cap_port[rd - 1], 1); /* in place: back where it came from */
	tick(200000);
	o = next_out();
	ck_assert_uint_eq(o.len, 4);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RETRANSMITS), 1);
	ck_assert_uint_eq(cap_port[rd - 1], 1);
	ck_assert_mem_eq(cap_buf[rd - 1] + FP_ETH_OFF_SRC, mac1, 6);
}
END_TEST

/*
 * An in-place reply goes back by the port its segment came in on, so whether
 * the NIC sums it is that port's offload, not the flow's, and it leaves from
 * that port's MAC to the neighbour that sent the segment. Two links with one
 * address, each with its own MAC and its own neighbour; the flow's port
 * offloads and the other does not (_i 0), or the other way round (1). The
 * harness requires FP_PKT_TX_CSUM exactly where the reply's port has the
 * offload, and next_out() checks the sums, completing those left to the NIC,
 * and both MACs. A retransmission goes by the flow's port, with its MACs.
 */
START_TEST(test_tcp_in_place_offload_is_the_ports)
{
	static const uint8_t mac1[6] = {0x02, 0, 0, 0, 1, 0x01};
	static const uint8_t peer1[6] = {0x02, 0, 0, 0, 1, 0x02};
	struct oseg o;

	env_start();
	ctx.ifaces[1] = ctx.ifaces[0];
	memcpy(ctx.ifaces[1].mac, mac1, 6);
	memcpy(link_peer_mac[1], peer1, 6);
	ctx.n_ifaces = 2;
	ctx.ifaces[_i].tx_offload = FP_TX_OFFLOAD_CSUM;
	in_flags = FP_PKT_IP4_CSUM_GOOD | FP_PKT_L4_CSUM_GOOD;
	establish();
	in_port = 1;
	ck_assert_int_eq(send_data("by the other link", 17, our_iss + 1), FP_VERDICT_TX);
	o = next_out();
	ck_assert_uint_eq(cap_port[rd - 1], 1);
	ck_assert_uint_eq(o.len, 17);
	ck_assert_mem_eq(o.data, "by the other link", 17);
	tick(200000);
	o = next_out();
	ck_assert_uint_eq(ctr(FP_CTR_TCP_RETRANSMITS), 1);
	ck_assert_uint_eq(cap_port[rd - 1], 0);
	ck_assert_uint_eq(o.len, 17);
	ck_assert_mem_eq(o.data, "by the other link", 17);
}
END_TEST

START_TEST(test_tcp_flow_snapshot_paging)
{
	struct fp_tcp_flow_info fi[8];
	uint32_t i, n, cursor;

	env_start();
	ck_assert_int_eq(in_from_ports(FP_TCP_SYN, PEER_ISS, 0, 5), 5);
	ctx.now_us += 1234;
	cursor = 0;
	n = fp_tcp_flow_snapshot(ctx.tcp, ctx.now_us, &cursor, fi, 8);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(cursor, FP_TCP_CURSOR_END); /* 8 slots, all looked at */
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(fi[i].local_ip, OUR_IP);
		ck_assert_uint_eq(fi[i].remote_ip, PEER_IP);
		ck_assert_uint_eq(fi[i].local_port, OUR_PORT);
		ck_assert_uint_eq(fi[i].state, FP_TCP_SYN_RECEIVED);
		ck_assert_uint_eq(fi[i].age_us, 1234);
		ck_assert_uint_eq(fi[i].rto_us, 1000000);
	}
	/* Pages of 2 go on where the previous one stopped: 2, 2, 1, then the end. */
	{
		struct fp_tcp_flow_info all[5];
		uint32_t got = 0, calls = 0;

		memcpy(all, fi, sizeof(all));
		cursor = 0;
		while (cursor != FP_TCP_CURSOR_END) {
			n = fp_tcp_flow_snapshot(ctx.tcp, ctx.now_us, &cursor, fi, 2);
			ck_assert_uint_le(n, 2);
			for (i = 0; i < n; i++)
				ck_assert_uint_eq(fi[i].remote_port, all[got + i].remote_port);
			got += n;
			ck_assert_uint_lt(++calls, 8);
		}
		ck_assert_uint_eq(got, 5);
		ck_assert_uint_eq(fp_tcp_flow_snapshot(ctx.tcp, ctx.now_us, &cursor, fi, 2), 0);
		ck_assert_uint_eq(cursor, FP_TCP_CURSOR_END);
	}
}
END_TEST

/*
 * A page costs at most FP_TCP_SNAPSHOT_SCAN slots per flow it may copy, not
 * a scan from slot 0 or to the end: a table with 10 live flows behind 30
 * free slots is walked in bounded steps, each flow seen exactly once.
 */
START_TEST(test_tcp_flow_snapshot_bounded_walk)
{
	struct fp_tcp_flow_info fi[1];
	uint32_t cursor = 0, prev, seen = 0, calls = 0;
	uint16_t ports_seen[10];
	uint32_t i;

	cfg.max_flows = 64;
	env_start();
	ck_assert_int_eq(in_from_ports(FP_TCP_SYN, PEER_ISS, 0, 40), 40);
	/* RFC 9293 3.10.7.4: an in-window RST in SYN-RECEIVED closes the first 30. */
	ck_assert_int_eq(in_from_ports(FP_TCP_RST, PEER_ISS + 1, 0, 30), 0);
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 10);
	while (cursor != FP_TCP_CURSOR_END) {
		prev = cursor;
		if (fp_tcp_flow_snapshot(ctx.tcp, ctx.now_us, &cursor, fi, 1) == 1) {
			ck_assert_uint_lt(seen, 10);
			ports_seen[seen++] = fi[0].remote_port;
		}
		ck_assert_uint_gt(cursor, prev);
		if (cursor != FP_TCP_CURSOR_END)
			ck_assert_uint_le(cursor - prev, FP_TCP_SNAPSHOT_SCAN);
		ck_assert_uint_lt(++calls, 64);
	}
	ck_assert_uint_eq(seen, 10);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(ports_seen[i], PEER_PORT + 30 + i);
	/* The first call found nothing in its 16 free slots and stopped there. */
	cursor = 0;
	ck_assert_uint_eq(fp_tcp_flow_snapshot(ctx.tcp, ctx.now_us, &cursor, fi, 1), 0);
	ck_assert_uint_eq(cursor, FP_TCP_SNAPSHOT_SCAN);
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

/* Random segments around each flow's real sequence space, random ticks and tx
 * failures; invariants after every step; at the end the table must drain. */
START_TEST(test_tcp_random_stress)
{
	static const uint8_t flag_sets[] = {FP_TCP_SYN, FP_TCP_ACK, FP_TCP_ACK | FP_TCP_PSH,
			FP_TCP_ACK | FP_TCP_FIN, FP_TCP_RST, FP_TCP_RST | FP_TCP_ACK,
			FP_TCP_SYN | FP_TCP_ACK, FP_TCP_FIN, FP_TCP_ACK, FP_TCP_ACK | FP_TCP_PSH};
	static uint8_t data[1460];
	uint8_t sack_opts[20] = {FP_TCPOPT_NOP, FP_TCPOPT_NOP, TCP_OPT_SACK, 18};
	uint32_t step, i, compact_seen = 0;

	cfg.max_flows = 6;
	cfg.buffer_size = _i % 2 ? 2048 : 16384;
	cfg.syn_cookies = (uint8_t)(_i % 3);
	cfg.idle_timeout_s = 20;
	/* Half the runs with two working records for the six flows (flows go
	 * compact and come back), some with an echo pool smaller than a buffer. */
	cfg.active_flows = _i >= 6 ? 2 : 0;
	cfg.echo_pool_kb = _i % 4 == 3 ? 2 : 0;
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
			struct tcp_slot *sl = fp__tcp_flow_lookup(
					ctx.tcp, OUR_IP, PEER_IP, OUR_PORT, port);
			struct tcp_flow *f =
					sl && sl->rec != TCP_NONE ? &ctx.tcp->flows[sl->rec] : NULL;
			uint8_t opts[12] = {FP_TCPOPT_MSS, 4, 0x02, (uint8_t)rnd(256),
					FP_TCPOPT_NOP, FP_TCPOPT_WSCALE, 3, (uint8_t)rnd(16),
					FP_TCPOPT_NOP, FP_TCPOPT_NOP, FP_TCPOPT_SACK_OK, 2};
			struct pkt_spec s;
			uint32_t seq, ack;
			uint16_t len = 0;

			if (f != NULL && rnd(10) != 0) {
				seq = f->rcv_nxt + (rnd(2) ? 0 : rnd(3000) - 1000);
				ack = f->snd_una + rnd(f->snd_max - f->snd_una + 3) - 1;
			} else if (sl != NULL && f == NULL && rnd(10) != 0) {
				/* Compact: nothing in flight. */
				compact_seen++;
				seq = sl->rcv_nxt + (rnd(2) ? 0 : rnd(3000) - 1000);
				ack = sl->snd_una + rnd(3) - 1;
			} else if (sl == NULL && rnd(4) == 0 && ctx.tcp->cfg.syn_cookies) {
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
	/* With two records the compact paths ran. */
	if (cfg.active_flows == 2)
		ck_assert_uint_gt(compact_seen, 100);
	/* Everything ends: idle, linger, retries (at worst TCP_DATA_RETRIES + 1
	 * RTOs of rto_max, 60 s, for a FIN never acknowledged). */
	fail_alloc = 0;
	for (i = 0; i < (TCP_DATA_RETRIES + 2) * 60; i++)
		tick(1000000);
	check_invariants();
	assert_no_flows();
}
END_TEST

/*
 * An echo carries a right checksum however it was got: summed here (_i 0),
 * derived from the checksum the NIC verified (1), or left to the NIC (2,
 * which the harness's nic_csum() checks and completes). Odd and even
 * lengths, in place and through tx, and echoes spanning two segments after
 * an out-of-order one (their sum is not the received one).
 */
START_TEST(test_tcp_echo_csum_modes)
{
	static uint8_t data[2 * 1460];
	uint32_t una, i;
	struct oseg o;

	cfg.buffer_size = 65536;
	env_start();
	if (_i >= 1)
		in_flags = FP_PKT_IP4_CSUM_GOOD | FP_PKT_L4_CSUM_GOOD;
	if (_i == 2)
		ctx.ifaces[0].tx_offload = FP_TX_OFFLOAD_CSUM;
	establish_sack(1460);
	una = our_iss + 1;
	rnd_state = 42u + (uint32_t)_i;
	for (i = 0; i < 400; i++) {
		uint16_t len = (uint16_t)(1 + rnd(1460));
		uint32_t k;

		for (k = 0; k < 2u * len; k++)
			data[k] = (uint8_t)rnd(256);
		/* Not for runts: a reply in a frame with no room is not padded. */
		tight_room = len >= 6 && rnd(3) == 0;
		if (i % 7 == 3) {
			/* Second half first (a SACK block rides on the ACK), then the gap. */
			in_seg(FP_TCP_ACK, p_seq + len, una, data + len, len, p_win);
			o = next_out();
			ck_assert_uint_eq(o.len, 0);
			ck_assert_int_eq(o.n_sack, 1);
			send_data(data, len, una);
			p_seq += len;
			o = next_out();
			ck_assert_uint_eq(o.len, 2u * len > 1460 ? 1460 : 2u * len);
			ck_assert_mem_eq(o.data, data, o.len);
			if (o.len < 2u * len) {
				o = next_out();
				ck_assert_mem_eq(o.data, data + 1460, 2u * len - 1460);
			}
			una += 2u * len;
		} else {
			/* Timestamps (ignored): the echo's header is shorter, so
			 * in place the payload has to move. */
			static const uint8_t ts[12] = {FP_TCPOPT_NOP, FP_TCPOPT_NOP,
					FP_TCPOPT_TSTAMP, 10, 1, 2, 3, 4, 0, 0, 0, 0};
			struct pkt_spec sp = spec(FP_TCP_ACK | FP_TCP_PSH, p_seq, una, data, len);

			if (i % 5 == 1 && len <= 1448) {
				sp.opts = ts;
				sp.opts_len = sizeof(ts);
			}
			sp.win = p_win;
			in(&sp);
			p_seq += len;
			o = next_out();
			ck_assert_uint_eq(o.seq, una);
			ck_assert_uint_eq(o.len, len);
			ck_assert_mem_eq(o.data, data, len);
			una += len;
		}
		expect_none();
		ck_assert_int_eq(in_seg(FP_TCP_ACK, p_seq, una, NULL, 0, p_win),
				FP_VERDICT_CONSUMED);
		expect_none();
	}
	ck_assert_uint_eq(flow_info().buffered, 0);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_CSUM), 0);
}
END_TEST

static Suite *
tcp_data_suite(void)
{
	Suite *s = suite_create("tcp_data");
	TCase *tc = th_tcase("core");

	tcase_add_test(tc, test_tcp_established_data);
	tcase_add_test(tc, test_tcp_established_ooo);
	tcase_add_test(tc, test_tcp_established_ooo_fill);
	tcase_add_test(tc, test_tcp_established_old_data);
	tcase_add_test(tc, test_tcp_established_ack_at_edge);
	tcase_add_test(tc, test_tcp_established_ack_too_new);
	tcase_add_test(tc, test_tcp_established_no_ack_flag);
	tcase_add_test(tc, test_tcp_established_out_of_window_data);
	tcase_add_test(tc, test_tcp_seq_wrap);
	tcase_add_test(tc, test_tcp_echo_ring_wrap);
	tcase_add_test(tc, test_tcp_tx_alloc_fail);
	tcase_add_test(tc, test_tcp_tx_port_is_the_flows);
	tcase_add_loop_test(tc, test_tcp_in_place_offload_is_the_ports, 0, 2);
	tcase_add_test(tc, test_tcp_flow_snapshot_paging);
	tcase_add_test(tc, test_tcp_flow_snapshot_bounded_walk);
	tcase_add_test(tc, test_tcp_many_flows);
	tcase_add_loop_test(tc, test_tcp_random_stress, 0, 12);
	tcase_add_loop_test(tc, test_tcp_echo_csum_modes, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return th_run(tcp_data_suite());
}
