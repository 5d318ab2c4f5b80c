/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker graph (app/graph.c, app/graph_nodes.c) in process: EAL without
 * hugepages, ring ports, real rte_graph walks. Each stage's verdicts (reply,
 * next, permit, deny, count, pass, drop), the drop sink of each reason, the
 * per-node figures, a reload that keeps a TCP connection, and 10,000 ACL
 * rules. Runs without fork: EAL is set up once for the whole suite.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fp/csum.h"
#include "fp/stats.h"
#include "fp/wire.h"

#include "graph_harness.h"
#include "pkt_build.h"

static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
static struct gh h;
static char err[512];
static unsigned next_lcore = 1;

#define IP(f) ((f) + FP_ETH_HLEN)
#define L4(f) ((f) + FP_ETH_HLEN + FP_IP4_HLEN)

static void
open_pl(const char *text)
{
	/* A fresh lcore id each time: its clones and graph names are new. */
	ck_assert_msg(gh_open(&h, next_lcore++, text, err, sizeof(err)) == 0, "%s", err);
}

static void
teardown(void)
{
	gh_close(&h);
}

static struct pkt_spec
spec(uint32_t src, unsigned port)
{
	struct pkt_spec s;

	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, peer_mac, 6);
	memcpy(s.dst_mac, gh_our_mac[port], 6);
	s.src_ip = src;
	s.dst_ip = port == 0 ? GH_OUR_IP : GH_OUR_IP1;
	return s;
}

static void
ping(uint32_t src, unsigned port, uint16_t seq)
{
	uint8_t fr[128];
	struct pkt_spec s = spec(src, port);
	size_t len;

	s.icmp_type = FP_ICMP_ECHO_REQ;
	s.icmp_id = 7;
	s.icmp_seq = seq;
	len = pkt_build_icmp(fr, sizeof(fr), &s);
	ck_assert_int_eq(gh_inject(port, fr, (uint16_t)len), 0);
}

static void
tcp(uint32_t src, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
		const char *data)
{
	uint8_t fr[256];
	struct pkt_spec s = spec(src, 0);
	size_t len;

	s.sport = sport;
	s.dport = dport;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.win = 65535;
	s.payload = (const uint8_t *)data;
	s.payload_len = data ? (uint16_t)strlen(data) : 0;
	len = pkt_build_tcp(fr, sizeof(fr), &s);
	ck_assert_int_eq(gh_inject(0, fr, (uint16_t)len), 0);
}

static void
udp(uint32_t src, uint16_t sport, uint16_t dport)
{
	uint8_t fr[128];
	struct pkt_spec s = spec(src, 0);
	size_t len;

	/* An ICMP frame made into UDP: 8-byte header plus 4 bytes. */
	s.icmp_type = FP_ICMP_ECHO_REQ;
	len = pkt_build_icmp(fr, sizeof(fr), &s);
	len = FP_ETH_HLEN + FP_IP4_HLEN + 12;
	IP(fr)[FP_IP4_OFF_PROTO] = 17;
	fp_store_be16(IP(fr) + FP_IP4_OFF_TOTLEN, FP_IP4_HLEN + 12);
	fp_store_be16(L4(fr), sport);
	fp_store_be16(L4(fr) + 2, dport);
	fp_store_be16(L4(fr) + 4, 12);
	fp_store_be16(L4(fr) + 6, 0);
	memcpy(L4(fr) + 8, "udp!", 4);
	pkt_fix_ip4_csum(fr);
	ck_assert_int_eq(gh_inject(0, fr, (uint16_t)len), 0);
}

/* Frames waiting on a port's TX ring, taken. */
static unsigned
replies(unsigned port)
{
	uint8_t buf[2048];
	unsigned n = 0;

	while (gh_take(port, buf, sizeof(buf)) > 0)
		n++;
	return n;
}

static uint64_t
ctr(enum fp_counter c)
{
	return fp_stats_get(&h.stats, c);
}

#define PEER   0x0a010102u /* 10.1.1.2 */
#define DENIED 0x0a090102u /* 10.9.1.2 */

/*
 * The default pipeline both ways: rx.deliver = inline (_i 0) answers in the
 * rx node, nodes (_i 1) in a node per stage; the frames sent are the same.
 */
static const char *const default_pl[2] = {
		"[lcores all]\nstages = rx arp icmp tcp_echo tx\n",
		"[lcores all]\nstages = rx arp icmp tcp_echo tx\nrx.deliver = nodes\n",
};

START_TEST(test_graph_default_echo)
{
	uint8_t buf[2048];
	uint8_t fr[128];
	struct pkt_spec s = spec(PEER, 0);
	size_t len;
	struct fp_tlm_node st;

	open_pl(default_pl[_i]);
	ping(PEER, 0, 1);
	len = pkt_build_arp(fr, sizeof(fr), &s, FP_ARP_OP_REQUEST);
	ck_assert_int_eq(gh_inject(0, fr, (uint16_t)len), 0);
	tcp(PEER, 40000, 7, FP_TCP_SYN, 100, 0, NULL);
	ping(PEER, 1, 2); /* to port 1's address, on port 1 */
	gh_walk(&h);

	/* Echo reply, ARP reply, SYN-ACK on port 0 (in no set order); port 1's on port 1. */
	{
		unsigned icmp = 0, arp = 0, synack = 0;

		while (gh_take(0, buf, sizeof(buf)) > 0) {
			if (fp_load_be16(buf + FP_ETH_OFF_TYPE) == FP_ETHERTYPE_ARP)
				arp++;
			else if (IP(buf)[FP_IP4_OFF_PROTO] == FP_IPPROTO_ICMP)
				icmp += L4(buf)[0] == FP_ICMP_ECHO_REPLY;
			else
				synack += L4(buf)[FP_TCP_OFF_FLAGS] == (FP_TCP_SYN | FP_TCP_ACK);
		}
		ck_assert_uint_eq(icmp, 1);
		ck_assert_uint_eq(arp, 1);
		ck_assert_uint_eq(synack, 1);
	}
	ck_assert_uint_eq(gh_take(1, buf, sizeof(buf)) > 0, 1);
	ck_assert_uint_eq(fp_load_be32(IP(buf) + FP_IP4_OFF_SRC), GH_OUR_IP1);
	ck_assert_uint_eq(replies(1), 0);
	ck_assert_uint_eq(ctr(FP_CTR_RX_PACKETS), 4);
	ck_assert_uint_eq(ctr(FP_CTR_TX_PACKETS), 4);
	ck_assert_uint_eq(ctr(FP_CTR_ICMP_ECHO_REPLIES), 2);
	ck_assert_uint_eq(ctr(FP_CTR_ARP_REPLIES_SENT), 1);

	if (_i == 0) {
		/* One node took all 4, answered and sent them; no node per stage. */
		st = gh_node(&h, "rx+arp+icmp+tcp_echo+tx");
		ck_assert_uint_eq(st.packets, 4);
		ck_assert_uint_ge(st.calls, 1);
		ck_assert_uint_gt(st.cycles, 0);
		ck_assert_uint_eq(st.drops, 0);
		ck_assert_ptr_null(gh_node(&h, "icmp").name);
		ck_assert_ptr_null(gh_node(&h, "rx").name);
		ck_assert_ptr_null(gh_node(&h, "tx").name);
		return;
	}
	/* Per node: rx took 4, icmp 3 (a SYN passes through it), tcp_echo 1, tx 3:
	 * tcp_echo queues its reply itself, in order with the frames lib/ builds. */
	st = gh_node(&h, "rx");
	ck_assert_uint_eq(st.packets, 4);
	ck_assert_uint_ge(st.calls, 1);
	ck_assert_uint_gt(st.cycles, 0);
	ck_assert_uint_eq(gh_node(&h, "icmp").packets, 3);
	ck_assert_uint_eq(gh_node(&h, "tcp_echo").packets, 1);
	ck_assert_uint_eq(gh_node(&h, "arp").packets, 1);
	ck_assert_uint_eq(gh_node(&h, "tx").packets, 3);
	ck_assert_uint_eq(gh_node(&h, "rx").drops, 0);
}
END_TEST

/*
 * A frame lib/ drops goes to the sink of the reason lib/ counted, with rx
 * running icmp inline (_i 0) or icmp a node of its own (_i 1).
 */
START_TEST(test_graph_drop_sinks)
{
	static const char *const pl[2] = {
			"[lcores all]\nstages = rx arp icmp tx\n",
			"[lcores all]\nstages = rx arp icmp tx\nrx.deliver = nodes\n",
	};
	uint8_t fr[128];
	struct pkt_spec s = spec(PEER, 0);
	size_t len;

	open_pl(pl[_i]);
	s.icmp_type = FP_ICMP_ECHO_REQ;
	len = pkt_build_icmp(fr, sizeof(fr), &s);
	IP(fr)[FP_IP4_OFF_CSUM] ^= 0x55;
	ck_assert_int_eq(gh_inject(0, fr, (uint16_t)len), 0);
	IP(fr)[FP_IP4_OFF_CSUM] ^= 0x55;
	fr[0] = 0x04; /* someone else's MAC */
	ck_assert_int_eq(gh_inject(0, fr, (uint16_t)len), 0);
	tcp(PEER, 40000, 7, FP_TCP_SYN, 1, 0, NULL); /* no tcp_echo: drop_ip4_proto */
	gh_walk(&h);

	ck_assert_uint_eq(replies(0), 0);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_IP4_CSUM), 1);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_ETH_NOT_US), 1);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_IP4_PROTO), 1);
	ck_assert_uint_eq(gh_node(&h, "drop_ip4_csum").packets, 1);
	ck_assert_uint_eq(gh_node(&h, "drop_eth_not_us").packets, 1);
	ck_assert_uint_eq(gh_node(&h, "drop_ip4_proto").packets, 1);
	ck_assert_uint_eq(gh_node(&h, "drop_ip4_proto").drops, 1);
	if (_i == 0) {
		ck_assert_uint_eq(gh_node(&h, "rx+arp+icmp+tx").drops, 3);
	} else {
		ck_assert_uint_eq(gh_node(&h, "rx").drops, 2);
		ck_assert_uint_eq(gh_node(&h, "icmp").drops, 1);
	}
	ck_assert_uint_eq(gh_node(&h, "drop_acl_deny").packets, 0);
}
END_TEST

/*
 * TCP segments dropped for different reasons in one burst each reach their
 * own reason's sink: tcp_echo takes the burst in one lib/ call, so each
 * frame's reason has to come back with it, not the burst's last one.
 */
START_TEST(test_graph_tcp_drop_sinks_per_frame)
{
	static const char *const pl[2] = {
			"[lcores all]\nstages = rx arp icmp tcp_echo tx\n",
			"[lcores all]\nstages = rx arp icmp tcp_echo tx\nrx.deliver = nodes\n",
	};
	uint8_t fr[128];
	struct pkt_spec s = spec(PEER, 0);
	size_t len;

	open_pl(pl[_i]);
	s.sport = 40000;
	s.dport = 7;
	s.seq = 1;
	s.win = 65535;
	s.flags = FP_TCP_SYN;
	len = pkt_build_tcp(fr, sizeof(fr), &s);
	L4(fr)[FP_TCP_OFF_CSUM] ^= 0x55; /* drop_tcp_csum */
	ck_assert_int_eq(gh_inject(0, fr, (uint16_t)len), 0);
	s.flags = FP_TCP_SYN | FP_TCP_FIN; /* drop_tcp_bad_flags */
	len = pkt_build_tcp(fr, sizeof(fr), &s);
	ck_assert_int_eq(gh_inject(0, fr, (uint16_t)len), 0);
	gh_walk(&h);

	ck_assert_uint_eq(replies(0), 0);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_CSUM), 1);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_TCP_BAD_FLAGS), 1);
	ck_assert_uint_eq(gh_node(&h, "drop_tcp_csum").packets, 1);
	ck_assert_uint_eq(gh_node(&h, "drop_tcp_bad_flags").packets, 1);
}
END_TEST

START_TEST(test_graph_acl_verdicts)
{
	open_pl("[lcores all]\nstages = rx arp acl icmp tcp_echo tx\n"
		"acl.rule = count proto icmp\n"
		"acl.rule = deny src 10.9.0.0/16\n"
		"acl.rule = deny proto tcp dport 9 flags syn,!ack\n"
		"acl.rule = permit proto tcp sport 1000-2000\n"
		"acl.rule = deny proto tcp\n"
		"acl.rule = count src 10.1.1.0/24\n");
	ping(PEER, 0, 1);                            /* count rule 0, permit */
	ping(DENIED, 0, 2);                          /* count rule 0, deny */
	tcp(PEER, 40000, 9, FP_TCP_SYN, 1, 0, NULL); /* deny: SYN to 9 */
	tcp(PEER, 1500, 7, FP_TCP_SYN, 1, 0, NULL);  /* permit: sport 1000-2000 */
	tcp(PEER, 40001, 7, FP_TCP_SYN, 1, 0, NULL); /* deny proto tcp */
	udp(PEER, 53, 9);                            /* default permit; count rule 5 */
	gh_walk(&h);

	ck_assert_uint_eq(ctr(FP_CTR_DROP_ACL_DENY), 3);
	ck_assert_uint_eq(gh_node(&h, "drop_acl_deny").packets, 3);
	ck_assert_uint_eq(gh_node(&h, "acl").drops, 3);
	ck_assert_uint_eq(ctr(FP_CTR_ICMP_ECHO_REPLIES), 1);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SEGS_IN), 1);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_IP4_PROTO), 1); /* the UDP datagram, after acl */
	ck_assert_uint_eq(replies(0), 2);
	{
		const uint64_t *hits = app_graph_acl_hits(h.g);

		ck_assert_ptr_nonnull(hits);
		ck_assert_uint_eq(hits[0], 2);
		/* Only a packet no earlier count rule took: the UDP datagram from 10.1.1.2. */
		ck_assert_uint_eq(hits[5], 4);
	}
}
END_TEST

/* A default deny, and named edges that skip a stage. */
START_TEST(test_graph_acl_default_and_edges)
{
	open_pl("[lcores all]\nstages = rx arp acl icmp tcp_echo tx\n"
		"acl.default = deny\nacl.rule = permit src 10.1.0.0/16\n"
		"acl.permit -> tcp_echo\ntcp_echo.next -> icmp\nicmp.next -> drop\n");
	ping(PEER, 0, 1);
	ping(DENIED, 0, 2);
	tcp(PEER, 40000, 7, FP_TCP_SYN, 1, 0, NULL);
	gh_walk(&h);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_ACL_DENY), 1);
	ck_assert_uint_eq(ctr(FP_CTR_ICMP_ECHO_REPLIES), 1);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SEGS_IN), 1);
	/* tcp_echo saw both permitted packets, icmp only the ping it passed on. */
	ck_assert_uint_eq(gh_node(&h, "tcp_echo").packets, 2);
	ck_assert_uint_eq(gh_node(&h, "icmp").packets, 1);
	ck_assert_uint_eq(replies(0), 2);
}
END_TEST

/* 10,000 rules build, and the last one still decides. */
START_TEST(test_graph_acl_10k_rules)
{
	char *text = malloc(64 * 10100);
	size_t pos = 0;

	ck_assert_ptr_nonnull(text);
	pos += (size_t)sprintf(text, "[lcores all]\nstages = rx arp acl icmp tx\n");
	text[pos] = '\0';
	/* Inline rules would overflow a pipeline file: write a rules file. */
	{
		char path[] = "/tmp/check_graph_rules.XXXXXX";
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w");

		for (unsigned i = 0; i < 10000; i++)
			fprintf(f, "deny src 10.%u.%u.0/24 proto icmp\n", 100 + i / 256, i % 256);
		fclose(f);
		sprintf(text + pos, "acl.rules = %s\n", path);
		open_pl(text);
		unlink(path);
	}
	ck_assert_uint_eq(app_graph_acl_rules(h.g), 10000);
	ping(0x0a8b0f02u, 0, 1); /* 10.139.15.2: rule 9999 (139 = 100 + 9999 / 256) */
	ping(0x0a640002u, 0, 2); /* 10.100.0.2: rule 0 */
	ping(PEER, 0, 3);        /* no rule */
	gh_walk(&h);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_ACL_DENY), 2);
	ck_assert_uint_eq(ctr(FP_CTR_ICMP_ECHO_REPLIES), 1);
	free(text);
}
END_TEST

START_TEST(test_graph_ratelimit_per_source)
{
	open_pl("[lcores all]\nstages = rx arp ratelimit icmp tcp_echo tx\n"
		"ratelimit.match = icmp tcp_syn\nratelimit.rate = 1 packets/s\n"
		"ratelimit.burst = 5\n");
	for (uint16_t i = 0; i < 20; i++)
		ping(PEER, 0, i);
	for (uint16_t i = 0; i < 20; i++)
		ping(DENIED, 0, i);
	gh_walk(&h);
	/* Each source gets its burst; at 1/s the walk is too short for one more. */
	ck_assert_uint_eq(ctr(FP_CTR_ICMP_ECHO_REPLIES), 10);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_RATE_LIMIT), 30);
	ck_assert_uint_eq(gh_node(&h, "drop_rate_limit").packets, 30);
	ck_assert_uint_eq(gh_node(&h, "ratelimit").drops, 30);
	ck_assert_uint_eq(replies(0), 10);

	/* Not matched: an established flow's ACK (not a SYN) passes unmetered. */
	for (uint32_t i = 0; i < 10; i++)
		tcp(PEER, 40000, 7, FP_TCP_ACK, 1 + i, 1, NULL);
	gh_walk(&h);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_RATE_LIMIT), 30);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SEGS_IN), 10);
	replies(0);
}
END_TEST

/* per = all: one meter for everyone; bytes/s counts IP bytes. */
START_TEST(test_graph_ratelimit_all_bytes)
{
	open_pl("[lcores all]\nstages = rx arp ratelimit icmp tx\n"
		"ratelimit.rate = 1 bytes/s\nratelimit.burst = 60 bytes\nratelimit.per = all\n");
	/* 28 IP bytes per ping (20 + 8): two fit in 60 bytes, whoever sends them. */
	for (uint16_t i = 0; i < 5; i++)
		ping(i % 2 ? PEER : DENIED, 0, i);
	gh_walk(&h);
	ck_assert_uint_eq(ctr(FP_CTR_ICMP_ECHO_REPLIES), 2);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_RATE_LIMIT), 3);
	replies(0);
}
END_TEST

/* The table stays within table_size: newcomers take the stalest meter of their bucket. */
START_TEST(test_graph_ratelimit_eviction)
{
	open_pl("[lcores all]\nstages = rx arp ratelimit icmp tx\n"
		"ratelimit.rate = 1 pps\nratelimit.burst = 1\nratelimit.table_size = 64\n");
	for (unsigned round = 0; round < 8; round++) {
		for (uint32_t i = 0; i < 100; i++)
			ping(0x0b000000u + round * 100 + i, 0, 1);
		gh_walk(&h);
		replies(0);
	}
	/* 800 new sources, one packet each: all pass (fresh meter), 736 evicted. */
	ck_assert_uint_eq(ctr(FP_CTR_ICMP_ECHO_REPLIES), 800);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_RATE_LIMIT), 0);
}
END_TEST

START_TEST(test_graph_reflect)
{
	uint8_t buf[2048];

	open_pl("[lcores all]\nstages = rx arp reflect tx\n");
	udp(PEER, 5001, 9);
	gh_walk(&h);
	ck_assert_uint_eq(gh_take(0, buf, sizeof(buf)), FP_ETH_HLEN + FP_IP4_HLEN + 12);
	ck_assert_mem_eq(buf + FP_ETH_OFF_DST, peer_mac, 6);
	ck_assert_mem_eq(buf + FP_ETH_OFF_SRC, gh_our_mac[0], 6);
	ck_assert_uint_eq(fp_load_be32(IP(buf) + FP_IP4_OFF_SRC), GH_OUR_IP);
	ck_assert_uint_eq(fp_load_be32(IP(buf) + FP_IP4_OFF_DST), PEER);
	ck_assert_uint_eq(fp_load_be16(L4(buf)), 9);
	ck_assert_uint_eq(fp_load_be16(L4(buf) + 2), 5001);
	ck_assert_uint_eq(fp_csum_fold(fp_csum_partial(IP(buf), FP_IP4_HLEN, 0)), 0);
	ck_assert_uint_eq(gh_node(&h, "reflect").packets, 1);
}
END_TEST

/* The TCP engine belongs to the lcore: a connection lives through a reload. */
START_TEST(test_graph_reload_keeps_flow)
{
	uint8_t buf[2048];
	char name[32];
	uint32_t sseq;
	uint16_t len;

	open_pl("[lcores all]\nstages = rx arp icmp tcp_echo tx\n");
	tcp(PEER, 40000, 7, FP_TCP_SYN, 100, 0, NULL);
	gh_walk(&h);
	ck_assert_uint_gt(gh_take(0, buf, sizeof(buf)), 0);
	sseq = fp_load_be32(L4(buf) + FP_TCP_OFF_SEQ);
	tcp(PEER, 40000, 7, FP_TCP_ACK, 101, sseq + 1, NULL);
	gh_walk(&h);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_OPENED), 1);

	/* A bad file changes nothing. */
	ck_assert_int_eq(
			gh_reload(&h, "[lcores all]\nstages = rx acl bogus tx\n", err, sizeof(err)),
			-EINVAL);
	ck_assert_str_eq(err,
			"gh.pipeline:2: unknown stage 'bogus' (want rx, arp, acl, "
			"ratelimit, icmp, tcp_echo, reflect, tx)");
	ck_assert_int_eq(gh_reload(&h,
					 "[lcores all]\nstages = rx arp acl icmp tcp_echo tx\n"
					 "acl.rule = deny src 10.9.0.0/16\n",
					 err, sizeof(err)),
			0);
	/* The new graph took the idle slot, 1. */
	snprintf(name, sizeof(name), "fp-l%us1", next_lcore - 1);
	ck_assert_str_eq(app_graph_name(h.g), name);

	tcp(PEER, 40000, 7, FP_TCP_ACK | FP_TCP_PSH, 101, sseq + 1, "hello");
	ping(DENIED, 0, 1);
	gh_walk(&h);
	/* The data came back on the same connection; the new acl works. */
	{
		int echoed = 0;

		while ((len = gh_take(0, buf, sizeof(buf))) > 0) {
			const uint8_t *t = L4(buf);
			uint16_t ip_len = fp_load_be16(IP(buf) + FP_IP4_OFF_TOTLEN);
			unsigned hlen = (unsigned)(t[FP_TCP_OFF_DOFF] >> 4) * 4;

			if (IP(buf)[FP_IP4_OFF_PROTO] == FP_IPPROTO_TCP &&
					ip_len == FP_IP4_HLEN + hlen + 5 &&
					memcmp(t + hlen, "hello", 5) == 0)
				echoed++;
		}
		ck_assert_int_eq(echoed, 1);
	}
	ck_assert_uint_eq(ctr(FP_CTR_TCP_BYTES_ECHOED), 5);
	ck_assert_uint_eq(ctr(FP_CTR_FLOWS_RESET), 0);
	ck_assert_uint_eq(ctr(FP_CTR_DROP_ACL_DENY), 1);
	replies(0);

	/* Back to slot 0, whose clones are rewired for the new file. */
	ck_assert_int_eq(gh_reload(&h, "[lcores all]\nstages = rx arp icmp tcp_echo tx\n", err,
					 sizeof(err)),
			0);
	snprintf(name, sizeof(name), "fp-l%us0", next_lcore - 1);
	ck_assert_str_eq(app_graph_name(h.g), name);
	ping(DENIED, 0, 2);
	gh_walk(&h);
	ck_assert_uint_eq(replies(0), 1);
}
END_TEST

/* A set that cannot be built is refused whole; the running one stays. */
START_TEST(test_graph_set_refusals)
{
	unsigned lcore = next_lcore++;
	char want[128];

	ck_assert_int_eq(gh_open_tcp(&h, lcore, "[lcores all]\nstages = rx arp icmp tx\n", 0, err,
					 sizeof(err)),
			0);
	ck_assert_int_eq(gh_reload(&h, "[lcores all]\nstages = rx arp icmp tcp_echo tx\n", err,
					 sizeof(err)),
			-EINVAL);
	snprintf(want, sizeof(want), "gh.pipeline:2: lcore %u has no TCP engine", lcore);
	ck_assert_msg(strstr(err, want) == err, "%s", err);
	ck_assert_int_eq(gh_reload(&h, "[lcores 99]\nstages = rx arp icmp tx\n", err, sizeof(err)),
			-EINVAL);
	snprintf(want, sizeof(want), "gh.pipeline: no block for lcore %u, which polls now", lcore);
	ck_assert_str_eq(err, want);
	/* Still the first graph, still answering. */
	snprintf(want, sizeof(want), "fp-l%us0", lcore);
	ck_assert_str_eq(app_graph_name(h.g), want);
	ping(PEER, 0, 1);
	gh_walk(&h);
	ck_assert_uint_eq(replies(0), 1);
}
END_TEST

START_TEST(test_graph_export)
{
	char *dot = NULL;
	size_t len = 0;
	FILE *f;

	open_pl("[lcores all]\nstages = rx arp acl icmp tx\n");
	f = open_memstream(&dot, &len);
	ck_assert_int_eq(app_graph_export(h.g, f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(dot, "Digraph"));
	ck_assert_ptr_nonnull(strstr(dot, "fp_acl-l"));
	ck_assert_ptr_nonnull(strstr(dot, "fp_drop_acl_deny"));
	free(dot);
}
END_TEST

static Suite *
graph_suite(void)
{
	Suite *s = suite_create("graph");
	TCase *tc = tcase_create("graph");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_graph_default_echo, 0, 2);
	tcase_add_loop_test(tc, test_graph_drop_sinks, 0, 2);
	tcase_add_loop_test(tc, test_graph_tcp_drop_sinks_per_frame, 0, 2);
	tcase_add_test(tc, test_graph_acl_verdicts);
	tcase_add_test(tc, test_graph_acl_default_and_edges);
	tcase_add_test(tc, test_graph_acl_10k_rules);
	tcase_add_test(tc, test_graph_ratelimit_per_source);
	tcase_add_test(tc, test_graph_ratelimit_all_bytes);
	tcase_add_test(tc, test_graph_ratelimit_eviction);
	tcase_add_test(tc, test_graph_reflect);
	tcase_add_test(tc, test_graph_reload_keeps_flow);
	tcase_add_test(tc, test_graph_set_refusals);
	tcase_add_test(tc, test_graph_export);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	if (gh_eal_init() < 0)
		return EXIT_FAILURE;
	sr = srunner_create(graph_suite());
	/* One EAL for every test: no fork. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
