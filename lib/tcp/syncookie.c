/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Initial sequence numbers (RFC 6528) and SYN cookies (RFC 4987 3.6), both
 * SipHash-2-4 over the 4-tuple, each with its own key given to fp_tcp_init().
 * tcp_input.c calls these for SYNs and for final ACKs that match no flow.
 *
 * Cookie layout (our ISS):
 *   [31:30] time counter (64 s units) mod 4; a cookie lives one or two periods
 *   [29:27] MSS index into cookie_mss[] (largest entry <= the peer's MSS)
 *   [26:23] peer window scale shift, 15 = peer sent no window scale option
 *   [22:0]  SipHash of tuple, peer ISN, full time counter, MSS index, wscale
 */
#include <string.h>

#include "fp/wire.h"
#include "siphash.h"
#include "tcp_priv.h"

#define COOKIE_PERIOD_SHIFT 26 /* 2^26 us = 67 s */
#define COOKIE_NO_WSCALE    15
#define COOKIE_HASH_MASK    0x7fffffu

/*
 * Never more than the peer's MSS: the table starts at the engine's floor, so
 * a small peer is not sent 216-byte segments; 1024 made way for it (such
 * peers get 536).
 */
static const uint16_t cookie_mss[8] = {TCP_MIN_MSS, 216, 536, 1220, 1360, 1400, 1440, 1460};

static void
put_tuple(uint8_t *m, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport)
{
	fp_store_be32(m, lip);
	fp_store_be32(m + 4, rip);
	fp_store_be16(m + 8, lport);
	fp_store_be16(m + 10, rport);
}

uint32_t
fp__tcp_isn(const struct fp_tcp *t, uint64_t now_us, uint32_t lip, uint32_t rip, uint16_t lport,
		uint16_t rport)
{
	uint8_t m[12];

	/* RFC 6528 3: ISN = M + F(4-tuple, secret), M a 4 us clock. */
	put_tuple(m, lip, rip, lport, rport);
	return (uint32_t)(now_us >> 2) + (uint32_t)fp__tcp_siphash(t->keys.isn, m, sizeof(m));
}

static uint32_t
cookie_hash(const struct fp_tcp *t, uint64_t period, uint32_t lip, uint32_t rip, uint16_t lport,
		uint16_t rport, uint32_t peer_isn, uint32_t bits)
{
	uint8_t m[28];

	put_tuple(m, lip, rip, lport, rport);
	fp_store_be32(m + 12, peer_isn);
	fp_store_be32(m + 16, (uint32_t)(period >> 32));
	fp_store_be32(m + 20, (uint32_t)period);
	fp_store_be32(m + 24, bits);
	return (uint32_t)fp__tcp_siphash(t->keys.syn_cookie, m, sizeof(m)) & COOKIE_HASH_MASK;
}

uint32_t
fp__tcp_cookie_make(const struct fp_tcp *t, uint64_t now_us, uint32_t lip, uint32_t rip,
		uint16_t lport, uint16_t rport, uint32_t peer_isn, uint16_t mss, int wscale)
{
	uint64_t period = now_us >> COOKIE_PERIOD_SHIFT;
	uint32_t idx = 0, bits, i;

	for (i = 1; i < 8; i++)
		if (cookie_mss[i] <= mss)
			idx = i;
	bits = (uint32_t)(period & 3) << 30 | idx << 27 |
			(uint32_t)(wscale < 0 ? COOKIE_NO_WSCALE : wscale) << 23;
	return bits | cookie_hash(t, period, lip, rip, lport, rport, peer_isn, bits >> 23);
}

void
fp__tcp_cookie_sent(struct fp_tcp *t, uint64_t now_us)
{
	t->cookie_sent = 1;
	t->cookie_sent_us = now_us;
}

/*
 * A cookie is checked only within two periods (the most a valid one can be
 * old) of the last cookie we sent, as Linux does (tcp_synq_no_recent_overflow):
 * otherwise 23 bits of hash are all that stand between a blind attacker and
 * a flow, flood or no flood.
 */
int
fp__tcp_cookie_recent(const struct fp_tcp *t, uint64_t now_us)
{
	return t->cookie_sent && now_us - t->cookie_sent_us < (2ull << COOKIE_PERIOD_SHIFT);
}

int
fp__tcp_cookie_check(const struct fp_tcp *t, uint64_t now_us, uint32_t lip, uint32_t rip,
		uint16_t lport, uint16_t rport, uint32_t peer_isn, uint32_t cookie, uint16_t *mss,
		int *wscale)
{
	uint64_t now_p = now_us >> COOKIE_PERIOD_SHIFT;
	uint32_t ws = (cookie >> 23) & 0xf;
	uint64_t period;
	int age;

	if (ws != COOKIE_NO_WSCALE && ws > TCP_MAX_WSCALE)
		return -1;
	/* Accept the current and the previous period only. */
	for (age = 0; age < 2; age++) {
		if ((uint64_t)age > now_p)
			break;
		period = now_p - (uint64_t)age;
		if ((period & 3) != cookie >> 30)
			continue;
		if (cookie_hash(t, period, lip, rip, lport, rport, peer_isn, cookie >> 23) !=
				(cookie & COOKIE_HASH_MASK))
			return -1;
		*mss = cookie_mss[(cookie >> 27) & 7];
		*wscale = ws == COOKIE_NO_WSCALE ? -1 : (int)ws;
		return 0;
	}
	return -1;
}
