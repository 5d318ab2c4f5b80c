/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP engine (lib/tcp/): SipHash, the flow table's hash, ISNs and SYN
 * cookies (lib/tcp/syncookie.c).
 * The harness (tcp_harness.h) feeds frames to fp_tcp_input() and captures
 * every frame sent. State-machine tests are named test_tcp_<state>_<event>.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fp/csum.h"
#include "fp/wire.h"
#include "siphash.h"
#include "tcp_harness.h"
#include "tuple_hash.h"

/* ===================== SYN cookies, limits, validation ===================== */

START_TEST(test_tcp_siphash_vector)
{
	/* SipHash-2-4 paper, appendix A: key 00..0f, message 00..0e. */
	uint8_t m[15];
	const uint64_t k[2] = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
	unsigned i;

	for (i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)i;
	ck_assert_uint_eq(fp__tcp_siphash(k, m, 15), 0xa129ca6149be45e5ull);
	ck_assert_uint_eq(fp__tcp_siphash(k, m, 0), 0x726fdb47dd0e0e31ull);
}
END_TEST

/* SipHash with c compression and d finalisation rounds, written from the
 * paper independently of lib/tcp/siphash.h, as the reference below. */
static uint64_t
ref_siphash(const uint64_t k[2], int c, int d, const uint8_t *m, uint32_t len)
{
	uint64_t v[4] = {k[0] ^ 0x736f6d6570736575ull, k[1] ^ 0x646f72616e646f6dull,
			k[0] ^ 0x6c7967656e657261ull, k[1] ^ 0x7465646279746573ull};
	uint32_t blocks = len / 8 + 1, i, j;

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define ROUND()                                                                           \
	do {                                                                              \
		v[0] += v[1], v[1] = ROTL(v[1], 13), v[1] ^= v[0], v[0] = ROTL(v[0], 32); \
		v[2] += v[3], v[3] = ROTL(v[3], 16), v[3] ^= v[2];                        \
		v[0] += v[3], v[3] = ROTL(v[3], 21), v[3] ^= v[0];                        \
		v[2] += v[1], v[1] = ROTL(v[1], 17), v[1] ^= v[2], v[2] = ROTL(v[2], 32); \
	} while (0)
	for (i = 0; i < blocks; i++) {
		uint64_t w = i + 1 == blocks ? (uint64_t)len << 56 : 0;

		for (j = 0; j < 8 && 8 * i + j < len; j++)
			w |= (uint64_t)m[8 * i + j] << (8 * j);
		v[3] ^= w;
		for (j = 0; j < (uint32_t)c; j++)
			ROUND();
		v[0] ^= w;
	}
	v[2] ^= 0xff;
	for (j = 0; j < (uint32_t)d; j++)
		ROUND();
#undef ROUND
#undef ROTL
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/*
 * The flow table's hash is vector multiply-shift of the tuple's three 32-bit
 * words, its multipliers and addend SipHash-2-4 of the bytes 0, 1, 2 and 3
 * under the flow-hash key.
 */
START_TEST(test_tcp_tuple_hash_multiply_shift)
{
	const uint64_t k[2] = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
	struct fp__tuple_key tk;
	uint64_t a[4];
	uint8_t m[15];
	unsigned i;

	for (i = 0; i < 15; i++)
		m[i] = (uint8_t)i;
	/* The reference agrees with the paper's SipHash-2-4 vector... */
	ck_assert_uint_eq(ref_siphash(k, 2, 4, m, 15), 0xa129ca6149be45e5ull);
	for (i = 0; i < 4; i++)
		a[i] = ref_siphash(k, 2, 4, m + i, 1);
	fp__tcp_tuple_key(&tk, k);
	for (i = 0; i < 1000; i++) {
		uint32_t lip = test_rng(), rip = test_rng();
		uint16_t lport = (uint16_t)test_rng(), rport = (uint16_t)test_rng();
		uint64_t h = a[0] * lip + a[1] * rip + a[2] * ((uint32_t)lport << 16 | rport) + a[3];

		/* ...and so does the hash, with the words as the formula has them. */
		REQUIRE(fp__tcp_tuple_hash(&tk, lip, rip, lport, rport) == (uint32_t)(h >> 32));
	}
}
END_TEST

/* The most tuples one bucket of n_buckets holds among tuple_of(0..n - 1). */
static uint32_t
max_bucket_load(uint32_t n, uint32_t n_buckets, void (*tuple_of)(uint32_t i, uint32_t *rip,
								uint16_t *rport))
{
	uint32_t *load = calloc(n_buckets, sizeof(*load)), most = 0, i;

	ck_assert_ptr_nonnull(load);
	for (i = 0; i < n; i++) {
		uint32_t rip, b;
		uint16_t rport;

		tuple_of(i, &rip, &rport);
		b = (uint32_t)(fp__tcp_bucket(ctx.tcp, fp__tcp_flow_hash(ctx.tcp, OUR_IP, rip,
							       OUR_PORT, rport)) -
				ctx.tcp->slots);
		if (++load[b] > most)
			most = load[b];
	}
	free(load);
	return most;
}

/* One client, every source port: a load generator's, or a flood's, tuples. */
static void
tuple_ports(uint32_t i, uint32_t *rip, uint16_t *rport)
{
	*rip = PEER_IP;
	*rport = (uint16_t)i;
}

/* A block of addresses, one port each: a spoofed flood's. */
static void
tuple_addrs(uint32_t i, uint32_t *rip, uint16_t *rport)
{
	*rip = PEER_IP + i;
	*rport = PEER_PORT;
}

/* Neighbouring in one word or another, the addresses and ports peers pick: */
static void
tuple_both(uint32_t i, uint32_t *rip, uint16_t *rport)
{
	*rip = PEER_IP + (i >> 8);
	*rport = (uint16_t)(1024 + (i & 255));
}

/*
 * Tuples with a structure (consecutive ports, addresses, or both) spread
 * over the buckets as random ones would: 65536 tuples in 4096 buckets load
 * one with 16 on average, and a Poisson maximum is about 32. A hash that
 * dropped a word, or a multiplier's top bits, would pile them up.
 */
START_TEST(test_tcp_tuple_hash_spreads)
{
	cfg.max_flows = 4096;
	env_start();
	ck_assert_uint_eq(ctx.tcp->max_flows, 4096);
	ck_assert_uint_le(max_bucket_load(65536, 4096, tuple_ports), 40);
	ck_assert_uint_le(max_bucket_load(65536, 4096, tuple_addrs), 40);
	ck_assert_uint_le(max_bucket_load(65536, 4096, tuple_both), 40);
}
END_TEST

/*
 * Each key has 128 bits that all count, and the three are independent: a
 * change in one key changes only its own function's output (an ISN says
 * nothing about the cookie or flow-hash key).
 */
START_TEST(test_tcp_keys_independent)
{
	struct fp_tcp_keys k = test_keys;
	uint32_t isn0, cookie0, hash0;
	unsigned key, bit;

	env_start();
	isn0 = fp__tcp_isn(ctx.tcp, T0, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT);
	cookie0 = fp__tcp_cookie_make(
			ctx.tcp, T0, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT, 1, 1460, -1);
	hash0 = fp__tcp_flow_hash(ctx.tcp, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT);
	for (key = 0; key < 3; key++) {
		for (bit = 0; bit < 128; bit++) {
			uint64_t *w = key == 0 ? k.flow_hash : key == 1 ? k.isn : k.syn_cookie;
			uint32_t isn, cookie, hash;

			w[bit / 64] ^= 1ull << (bit % 64);
			/* Same memory, new keys. */
			REQUIRE(fp_tcp_init(ctx.tcp, fp_tcp_mem_size(&cfg), &cfg, &k) == ctx.tcp);
			isn = fp__tcp_isn(ctx.tcp, T0, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT);
			cookie = fp__tcp_cookie_make(ctx.tcp, T0, OUR_IP, PEER_IP, OUR_PORT,
					PEER_PORT, 1, 1460, -1);
			hash = fp__tcp_flow_hash(ctx.tcp, OUR_IP, PEER_IP, OUR_PORT, PEER_PORT);
			REQUIRE((isn != isn0) == (key == 1));
			REQUIRE((cookie != cookie0) == (key == 2));
			REQUIRE((hash != hash0) == (key == 0));
			w[bit / 64] ^= 1ull << (bit % 64);
		}
	}
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
	/* Right cookie, too late (more than two periods of 67 s), while cookies
	 * are being sent (another SYN just now): checked and refused. */
	ctx.now_us += 200000000;
	{
		struct pkt_spec sp = spec(FP_TCP_SYN, 9, 0, NULL, 0);

		sp.sport = PEER_PORT + 1;
		in(&sp);
		rd = n_cap;
	}
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

/* A final ACK carrying a valid cookie for the test tuple, as a blind
 * attacker would eventually guess one (23 bits of hash). */
static enum fp_verdict
guessed_cookie_ack(uint16_t sport)
{
	uint32_t cookie = fp__tcp_cookie_make(
			ctx.tcp, ctx.now_us, OUR_IP, PEER_IP, OUR_PORT, sport, PEER_ISS, 1460, -1);
	struct pkt_spec sp = spec(FP_TCP_ACK, PEER_ISS + 1, cookie + 1, "spoof", 5);

	sp.sport = sport;
	return in(&sp);
}

/*
 * Cookie ACKs are taken only within two cookie periods of the last cookie
 * actually sent (as Linux's tcp_synq_no_recent_overflow()): otherwise a
 * spoofed source gets a flow, and its payload echoed at the victim, after
 * about 2^23 blind ACKs, whether or not a SYN flood ever happened.
 */
START_TEST(test_tcp_syn_cookie_none_sent)
{
	cfg.syn_cookies = (uint8_t)(1 + _i); /* on, auto */
	env_start();
	ck_assert_int_eq(guessed_cookie_ack(PEER_PORT), FP_VERDICT_TX);
	ck_assert_uint_eq(next_out().flags, FP_TCP_RST); /* as to any stray ACK */
	assert_no_flows();
	ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_OK), 0);
	ck_assert_uint_eq(ctr(FP_CTR_TCP_BYTES_ECHOED), 0);
	if (_i == 0) {
		/* A cookie sent now makes the next 134 s accept them... */
		syn(PEER_ISS, 1460, -1);
		ctx.now_us += 120000000;
		guessed_cookie_ack(PEER_PORT + 1);
		ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 1);
		ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_OK), 1);
		/* ...and no longer. */
		ctx.now_us += 20000000;
		rd = n_cap;
		ck_assert_int_eq(guessed_cookie_ack(PEER_PORT + 2), FP_VERDICT_TX);
		ck_assert_uint_eq(next_out().flags, FP_TCP_RST);
		ck_assert_uint_eq(fp_tcp_flow_count(ctx.tcp), 1);
		ck_assert_uint_eq(ctr(FP_CTR_TCP_SYN_COOKIES_OK), 1);
	}
}
END_TEST

/*
 * The cookie's MSS index never stands for more than the peer asked for
 * (down to the engine's floor of 64 bytes), and for the largest table entry
 * that fits.
 */
START_TEST(test_tcp_syn_cookie_mss_table)
{
	static const uint16_t peer[] = {64, 100, 215, 216, 300, 535, 536, 1000, 1023, 1024, 1219,
			1220, 1300, 1359, 1360, 1400, 1439, 1440, 1459, 1460, 9000};
	unsigned i;

	env_start();
	for (i = 0; i < sizeof(peer) / sizeof(peer[0]); i++) {
		uint32_t c = fp__tcp_cookie_make(ctx.tcp, ctx.now_us, OUR_IP, PEER_IP, OUR_PORT,
				PEER_PORT, PEER_ISS, peer[i], 3);
		uint16_t mss = 0;
		int ws = -2;

		ck_assert_int_eq(fp__tcp_cookie_check(ctx.tcp, ctx.now_us, OUR_IP, PEER_IP,
						 OUR_PORT, PEER_PORT, PEER_ISS, c, &mss, &ws),
				0);
		ck_assert_int_eq(ws, 3);
		ck_assert_msg(mss <= peer[i], "peer MSS %u: cookie MSS %u", peer[i], mss);
		/* Not much below it either: at most the gap to the next entry down. */
		ck_assert_msg(peer[i] < 216 || mss >= 216, "peer MSS %u: cookie MSS %u", peer[i],
				mss);
		ck_assert_msg(peer[i] < 1460 || mss == 1460, "peer MSS %u: cookie MSS %u", peer[i],
				mss);
	}
}
END_TEST

/* End to end: a peer announcing MSS 100 never gets a longer segment. */
START_TEST(test_tcp_syn_cookie_small_mss)
{
	static uint8_t data[500];
	struct oseg o;
	uint32_t got = 0;

	cfg.syn_cookies = 1;
	env_start();
	o = syn(PEER_ISS, 100, -1);
	our_iss = o.seq;
	p_seq = PEER_ISS + 1;
	memset(data, 'm', sizeof(data));
	in_seg(FP_TCP_ACK, p_seq, our_iss + 1, NULL, 0, 65535);
	ck_assert_uint_eq(flow_state(), FP_TCP_ESTABLISHED);
	send_data(data, sizeof(data), our_iss + 1);
	while (rd < n_cap) {
		o = next_out();
		ck_assert_uint_le(o.len, 100);
		got += o.len;
	}
	ck_assert_uint_eq(got, sizeof(data));
}
END_TEST

static Suite *
tcp_syncookie_suite(void)
{
	Suite *s = suite_create("tcp_syncookie");
	TCase *tc = th_tcase("core");

	tcase_add_test(tc, test_tcp_siphash_vector);
	tcase_add_test(tc, test_tcp_tuple_hash_multiply_shift);
	tcase_add_test(tc, test_tcp_tuple_hash_spreads);
	tcase_add_test(tc, test_tcp_keys_independent);
	tcase_add_test(tc, test_tcp_syn_cookie_round_trip);
	tcase_add_test(tc, test_tcp_syn_cookie_forged);
	tcase_add_test(tc, test_tcp_syn_cookie_auto);
	tcase_add_loop_test(tc, test_tcp_syn_cookie_none_sent, 0, 2);
	tcase_add_test(tc, test_tcp_syn_cookie_mss_table);
	tcase_add_test(tc, test_tcp_syn_cookie_small_mss);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return th_run(tcp_syncookie_suite());
}
