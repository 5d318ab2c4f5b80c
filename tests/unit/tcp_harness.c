/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP unit tests' shared harness (tcp_harness.h): capture tx ops, the
 * engine environment, frame input helpers, output parsing and the handshake
 * steps every area's tests start from.
 */
#include <stdlib.h>
#include <string.h>

#include "fp/csum.h"
#include "fp/wire.h"
#include "tcp_harness.h"

static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
#define PEER_MAC {0x02, 0, 0, 0, 0, 0x02}
static const uint8_t peer_mac[6] = PEER_MAC;

/* --- capture tx ops --- */
uint8_t cap_buf[CAP_MAX][FRAME_ROOM];
uint16_t cap_len[CAP_MAX];
uint16_t cap_port[CAP_MAX];
uint16_t in_port;
/* Set here too, not only in env_start(): some tests build a frame before it. */
uint8_t link_peer_mac[FP_MAX_IFACES][6] = {[0 ... FP_MAX_IFACES - 1] = PEER_MAC};
int n_cap, rd, allocs_out, fail_alloc;
int tight_room;    /* no tailroom: replies that grow go through tx */
uint32_t in_flags; /* fp_pkt.flags of every fed frame (the NIC's checksum verdicts) */

/*
 * What a NIC with checksum offload does to a frame lib/ left to it: the
 * fields must be prepared (IPv4 0, TCP the pseudo-header sum), then it sums.
 */
static void
nic_csum(uint8_t *f)
{
	uint8_t *ip = f + FP_ETH_HLEN, *tcp = ip + FP_IP4_HLEN;
	uint16_t l4_len = (uint16_t)(fp_load_be16(ip + FP_IP4_OFF_TOTLEN) - FP_IP4_HLEN);
	uint32_t ph = fp_csum_pseudo_ip4(fp_load_be32(ip + FP_IP4_OFF_SRC),
			fp_load_be32(ip + FP_IP4_OFF_DST), FP_IPPROTO_TCP, l4_len);

	REQUIRE(fp_load_be16(ip + FP_IP4_OFF_CSUM) == 0);
	REQUIRE(fp_load_be16(tcp + FP_TCP_OFF_CSUM) == fp_csum_fold16(ph));
	fp_store_be16(ip + FP_IP4_OFF_CSUM, fp_csum_fold(fp_csum_partial(ip, FP_IP4_HLEN, 0)));
	fp_store_be16(tcp + FP_TCP_OFF_CSUM, 0);
	fp_store_be16(tcp + FP_TCP_OFF_CSUM, fp_csum_fold(fp_csum_partial(tcp, l4_len, ph)));
}

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
cap_send(void *arg, uint8_t *frame, uint16_t len, uint16_t port)
{
	(void)arg;
	REQUIRE(frame == cap_buf[n_cap]);
	REQUIRE(len <= FRAME_ROOM);
	REQUIRE(port < ctx.n_ifaces);
	cap_port[n_cap] = port;
	if (ctx.ifaces[port].tx_offload & FP_TX_OFFLOAD_CSUM)
		nic_csum(frame);
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
const struct fp_tcp_keys test_keys = {
		{0x0123456789abcdefull, 0xfedcba9876543210ull},
		{0x1111111111111111ull, 0x2222222222222222ull},
		{0x3333333333333333ull, 0x4444444444444444ull},
};
struct fp_cfg_tcp cfg;
struct fp_stats stats;
struct fp_ctx ctx;
static void *mem;
uint32_t our_iss;  /* from the SYN-ACK */
uint32_t p_seq;    /* peer's next sequence number */
uint16_t p_win;    /* window field the peer sends with data */
uint16_t our_port; /* source port expected on our segments */

void
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

void
env_start(void)
{
	size_t sz = fp_tcp_mem_size(&cfg);

	ck_assert_uint_gt(sz, 0);
	mem = aligned_alloc(64, (sz + 63) & ~(size_t)63);
	ck_assert_ptr_nonnull(mem);
	memset(&ctx, 0, sizeof(ctx));
	for (int i = 0; i < FP_MAX_IFACES; i++)
		memcpy(link_peer_mac[i], peer_mac, 6);
	memcpy(ctx.ifaces[0].mac, our_mac, 6);
	ctx.ifaces[0].ip4 = OUR_IP;
	ctx.ifaces[0].prefix_len = 24;
	ctx.ifaces[0].mtu = 1500;
	ctx.n_ifaces = 1;
	ctx.handlers = FP_HANDLE_TCP;
	ctx.now_us = T0;
	ctx.stats = &stats;
	ctx.tx = &cap_ops;
	ctx.tcp = fp_tcp_init(mem, sz, &cfg, &test_keys);
	ck_assert_ptr_nonnull(ctx.tcp);
}

void
env_stop(void)
{
	free(mem);
	mem = NULL;
	ctx.tcp = NULL;
}

void
setup(void)
{
	memset(&stats, 0, sizeof(stats));
	n_cap = rd = allocs_out = fail_alloc = tight_room = 0;
	in_port = 0;
	in_flags = 0;
	p_win = 65535;
	our_port = OUR_PORT;
	mem = NULL;
	cfg_defaults();
}

void
teardown(void)
{
	/* No tx frame may stay allocated between calls. */
	ck_assert_int_eq(allocs_out, 0);
	free(mem);
}

uint64_t
ctr(enum fp_counter id)
{
	return fp_stats_get(&stats, id);
}

/* --- input --- */
uint8_t in_frame[FRAME_ROOM];
static enum fp_verdict last_verdict;

struct pkt_spec
spec(uint8_t flags, uint32_t seq, uint32_t ack, const void *data, uint16_t len)
{
	struct pkt_spec s;

	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, link_peer_mac[in_port], 6);
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

/* Feed a built frame; an in-place reply joins the capture list. A drop
 * verdict moves exactly one drop counter, any other verdict at most one. */
enum fp_verdict
feed(uint8_t *frame, size_t len)
{
	uint64_t before = fp_stats_drops(&stats);
	struct fp_pkt pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.data = frame;
	pkt.len = (uint16_t)len;
	pkt.room = tight_room ? (uint16_t)len : FRAME_ROOM;
	pkt.port = in_port;
	pkt.flags = in_flags;
	pkt.l3 = FP_ETH_HLEN;
	pkt.l4 = FP_ETH_HLEN + FP_IP4_HLEN;
	pkt.l4_len = (uint16_t)(fp_load_be16(frame + FP_ETH_HLEN + FP_IP4_OFF_TOTLEN) -
			FP_IP4_HLEN);
	last_verdict = fp_tcp_input(&ctx, &pkt);
	REQUIRE(allocs_out == 0);
	REQUIRE(last_verdict == FP_VERDICT_DROP ? fp_stats_drops(&stats) == before + 1 :
						  fp_stats_drops(&stats) <= before + 1);
	if (last_verdict == FP_VERDICT_TX) {
		REQUIRE(n_cap < CAP_MAX);
		memcpy(cap_buf[n_cap], frame, pkt.len);
		cap_port[n_cap] = in_port;
		/* The reply says whether the NIC is to sum it, and only where it can. */
		REQUIRE(!!(pkt.flags & FP_PKT_TX_CSUM) ==
				!!(ctx.ifaces[in_port].tx_offload & FP_TX_OFFLOAD_CSUM));
		if (pkt.flags & FP_PKT_TX_CSUM)
			nic_csum(cap_buf[n_cap]);
		cap_len[n_cap++] = pkt.len;
	}
	return last_verdict;
}

enum fp_verdict
in(const struct pkt_spec *s)
{
	size_t len = pkt_build_tcp(in_frame, sizeof(in_frame), s);

	REQUIRE(len > 0);
	return feed(in_frame, len);
}

int
in_from_ports(uint8_t flags, uint32_t seq, uint16_t first, uint16_t n)
{
	int tx = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct pkt_spec s = spec(flags, seq, 0, NULL, 0);

		s.sport = (uint16_t)(PEER_PORT + first + i);
		tx += in(&s) == FP_VERDICT_TX;
	}
	return tx;
}

enum fp_verdict
in_seg(uint8_t flags, uint32_t seq, uint32_t ack, const void *data, uint16_t len, uint16_t win)
{
	struct pkt_spec s = spec(flags, seq, ack, data, len);

	s.win = win;
	return in(&s);
}

void
tick(uint64_t us_from_now)
{
	ctx.now_us += us_from_now;
	fp_tcp_tick(&ctx, ctx.now_us);
	REQUIRE(allocs_out == 0);
}

/* --- output --- */
/* Parse the next captured frame and check its addressing and checksums. */
struct oseg
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
	/* From the MAC of the interface it leaves by, to the peer on that link. */
	ck_assert_mem_eq(f + FP_ETH_OFF_SRC, ctx.ifaces[cap_port[rd]].mac, 6);
	ck_assert_mem_eq(f + FP_ETH_OFF_DST, link_peer_mac[cap_port[rd]], 6);
	rd++;
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

void
expect_none(void)
{
	ck_assert_msg(rd == n_cap, "unexpected output: %d unread segments", n_cap - rd);
}

void
expect_rst(uint32_t seq)
{
	struct oseg o = next_out();

	ck_assert_uint_eq(o.flags & FP_TCP_RST, FP_TCP_RST);
	ck_assert_uint_eq(o.seq, seq);
	ck_assert_uint_eq(o.len, 0);
}

void
expect_ack(uint32_t seq, uint32_t ack)
{
	struct oseg o = next_out();

	ck_assert_uint_eq(o.flags, FP_TCP_ACK);
	ck_assert_uint_eq(o.seq, seq);
	ck_assert_uint_eq(o.ack, ack);
	ck_assert_uint_eq(o.len, 0);
}

/* The first flow of the table (there must be one). */
struct fp_tcp_flow_info
flow_info(void)
{
	struct fp_tcp_flow_info fi;
	uint32_t cursor = 0;

	while (fp_tcp_flow_snapshot(ctx.tcp, ctx.now_us, &cursor, &fi, 1) == 0)
		ck_assert_uint_ne(cursor, FP_TCP_CURSOR_END);
	return fi;
}

uint8_t
flow_state(void)
{
	return flow_info().state;
}

void
assert_no_flows(void)
{
	ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 0);
	ck_assert_uint_eq(fp_stats_get_flows_open(&stats), 0);
	ck_assert_uint_eq(ctx.tcp->n_half_open, 0);
}

/* SYN with MSS (and wscale when ws >= 0); returns the SYN-ACK. */
struct oseg
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
void
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

void
establish(void)
{
	establish_win(1460, -1, 65535);
}

/* Handshake offering SACK, with the given MSS. */
void
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

/* Peer sends data; returns its next sequence number. */
enum fp_verdict
send_data(const void *data, uint16_t len, uint32_t ack)
{
	enum fp_verdict v = in_seg(FP_TCP_ACK | FP_TCP_PSH, p_seq, ack, data, len, p_win);

	p_seq += len;
	return v;
}

void
check_invariants(void)
{
	struct fp_tcp *t = ctx.tcp;
	uint32_t i, n = 0, half = 0, active = 0, chunks = 0;
	uint32_t cap = t->cfg.buffer_size;

	for (i = 0; i < t->max_active; i++) {
		struct tcp_flow *f = &t->flows[i];
		uint32_t used, j;

		if (!(f->flags & TF_IN_USE))
			continue;
		active++;
		chunks += f->q.n_chunks;
		half += f->state == FP_TCP_SYN_RECEIVED;
		used = fp__tcp_buffered(f);
		REQUIRE(f->state > FP_TCP_CLOSED && f->state < FP_TCP_STATE_COUNT);
		REQUIRE(fp__tcp_flow_lookup(t, f->lip, f->rip, f->lport, f->rport) ==
				&t->slots[f->slot]);
		REQUIRE(t->slots[f->slot].rec == i);
		REQUIRE(seq_leq(f->snd_una, f->snd_nxt));
		REQUIRE(seq_leq(f->snd_nxt, f->snd_max));
		REQUIRE(used <= cap);
		if (f->state != FP_TCP_SYN_RECEIVED)
			REQUIRE(f->snd_max - f->snd_una <= used + 1);
		/* Every record must be on the wheel, or it could never expire. */
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
			REQUIRE(f->ooo[j].end - f->rcv_nxt <= cap - used);
			if (j > 0)
				REQUIRE(seq_lt(f->ooo[j - 1].end, f->ooo[j].start));
		}
	}
	/* Compact flows: in the table, with no record; nothing holds a chunk but records. */
	for (i = 0; i < t->max_flows; i++) {
		struct tcp_slot *sl = &t->slots[i];

		if (!(sl->flags & SF_IN_USE))
			continue;
		n++;
		REQUIRE(fp__tcp_flow_lookup(t, sl->lip, sl->rip, sl->lport, sl->rport) == sl);
		if (sl->rec != TCP_NONE)
			REQUIRE(t->flows[sl->rec].slot == i &&
					(t->flows[sl->rec].flags & TF_IN_USE));
	}
	REQUIRE(active == t->n_active);
	REQUIRE(chunks + t->pool.n_free == t->pool.n);
	REQUIRE(n == t->n_flows);
	REQUIRE(half == t->n_half_open);
	REQUIRE(fp_stats_get_flows_open(&stats) == n);
}

uint32_t rnd_state = 1;

uint32_t
rnd(uint32_t n)
{
	rnd_state = rnd_state * 1664525u + 1013904223u;
	return (rnd_state >> 8) % n;
}

TCase *
th_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	/* Check's default is 4 s per test: the randomised runs take 1-2 s under
	 * ASan and UBSan, and a shared 2-CPU machine doubles that. */
	tcase_set_timeout(tc, 30);
	return tc;
}

int
th_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
