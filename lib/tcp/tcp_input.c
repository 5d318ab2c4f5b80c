/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP segment input (RFC 9293 3.10.7), called by fp_input() after IPv4
 * validation. Order: validate (length, checksum, data offset; each drop
 * counted), find the flow by 4-tuple; a closed port answers with a RST
 * (3.10.7.1) whatever the flags; then the flags, and LISTEN processing (SYN ->
 * SYN-ACK or SYN cookie, cookie ACK -> flow) or, for a flow, the RFC 9293
 * 3.10.7.4 checks in order, then tcp_output.c sends echo data.
 *
 * A segment for a compact flow first gets it a working record back
 * (fp__tcp_thaw()); when none can be had the segment is dropped and counted
 * (drop_tcp_no_state; the peer retransmits, a RST still ends the flow). After
 * the segment a quiet flow's record joins the quiet list (fp__tcp_settle()),
 * from which records are taken back when they run out.
 *
 * Out-of-order data is kept in the flow's echo chunks at its final place
 * past the tail (it lies inside our advertised window) and up to
 * TCP_OOO_MAX sequence ranges remember it; when the hole fills, the tail
 * simply moves over it, and the ranges are reported as SACK blocks (RFC
 * 2018) when the peer allowed it. Dropping instead made Linux peers resend whole flights
 * and stall for seconds at 5% loss. Segments that would need a fifth range
 * are dropped (duplicate ACK only).
 *
 * As a sender, loss is detected by three duplicate ACKs (RFC 5681) or, since
 * an echo peer's ACKs mostly ride on its own data and so are never duplicate
 * ACKs, by SACK blocks covering three segments (RFC 6675, simplified); holes
 * are resent one per ACK until the recovery point (RFC 6582 for partial ACKs).
 * No output happens before the payload is taken: an in-place reply overwrites
 * the received packet.
 */
#include <string.h>

#include "fp/csum.h"
#include "fp/stats.h"
#include "fp/wire.h"
#include "tcp_priv.h"

/** One parsed segment; payload points into the received packet. */
struct seg {
	const uint8_t *data; /**< payload */
	uint32_t len;        /**< payload bytes */
	uint32_t seq, ack;
	uint16_t wnd; /**< raw window field */
	uint8_t flags;
	uint16_t mss;       /**< MSS option, 0 = absent (SYN only) */
	int8_t wscale;      /**< window scale option, -1 = absent (SYN only) */
	const uint8_t *opt; /**< TCP options */
	uint8_t optlen;
	uint8_t sack_ok;   /**< SACK-permitted option (SYN only) */
	uint32_t sip, dip; /**< host byte order */
	uint16_t sport, dport;
	uint8_t smac[FP_ETH_ALEN];
	uint16_t port;
	uint32_t data_sum; /**< running sum of the payload, valid when have_sum */
	uint8_t have_sum;
	uint8_t nic_sums; /**< the NIC verified this checksum, and this port's NIC fills in ours */
};

static void
parse_opts(const uint8_t *opt, uint32_t n, struct seg *s)
{
	uint32_t i = 0;

	while (i < n) {
		uint8_t kind = opt[i];
		uint8_t olen;

		if (kind == FP_TCPOPT_EOL)
			break;
		if (kind == FP_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= n)
			break;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > n)
			break; /* malformed: ignore the rest */
		if (kind == FP_TCPOPT_MSS && olen == 4)
			s->mss = fp_load_be16(opt + i + 2);
		else if (kind == FP_TCPOPT_SACK_OK && olen == 2)
			s->sack_ok = 1;
		else if (kind == FP_TCPOPT_WSCALE && olen == 3)
			/* RFC 7323 2.3: a shift above 14 is used as 14. */
			s->wscale = (int8_t)(opt[i + 2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE :
									   opt[i + 2]);
		i += olen;
	}
}

static void
seg_addr_reply(const struct fp_ctx *ctx, const struct seg *s, struct tcp_addr *a)
{
	a->dmac = s->smac;
	a->smac = ctx->ifaces[s->port].mac;
	a->sip = s->dip;
	a->dip = s->sip;
	a->sport = s->dport;
	a->dport = s->sport;
	a->port = s->port;
}

/* RFC 9293 3.10.7.1: the RST for a segment that matches no connection. */
static enum fp_verdict
reply_rst(struct tcp_out *o, const struct seg *s)
{
	struct tcp_addr a;
	uint32_t seglen = s->len + !!(s->flags & FP_TCP_SYN) + !!(s->flags & FP_TCP_FIN);

	if (s->flags & FP_TCP_RST) {
		/* Never answer a RST. */
		return fp_ctx_drop(o->ctx, FP_CTR_DROP_TCP_NO_FLOW);
	}
	seg_addr_reply(o->ctx, s, &a);
	if (s->flags & FP_TCP_ACK)
		fp__tcp_send_raw(o, &a, s->ack, 0, FP_TCP_RST, 0, NULL, 0, 0);
	else
		fp__tcp_send_raw(o, &a, 0, s->seq + seglen, FP_TCP_RST | FP_TCP_ACK, 0, NULL, 0, 0);
	return fp__tcp_out_verdict(o);
}

static int
is_listening(const struct fp_tcp *t, uint16_t port)
{
	uint8_t i;

	for (i = 0; i < t->cfg.n_listen; i++)
		if (t->cfg.listen[i] == port)
			return 1;
	return 0;
}

/* The flow's send MSS for the peer's MSS option (0: none). */
static uint16_t
flow_mss(const struct fp_ctx *ctx, uint16_t port, uint16_t peer_mss)
{
	uint16_t ours = fp__tcp_our_mss(ctx, port);
	/* RFC 9293 3.7.1: 536 when the peer did not say; never above ours. The
	 * floor (Linux has tcp_min_snd_mss) keeps room for data next to SACK
	 * options and a peer from making us send a segment per byte. */
	uint16_t mss = peer_mss ? peer_mss : TCP_DEFAULT_MSS;

	if (mss > ours)
		mss = ours;
	return mss < TCP_MIN_MSS ? TCP_MIN_MSS : mss;
}

/* RFC 6928 2: initial window min(10 MSS, max(2 MSS, 14600)). */
static uint32_t
initial_cwnd(uint16_t mss)
{
	uint32_t cwnd = 2u * mss > 14600 ? 2u * mss : 14600;

	return cwnd > TCP_INIT_CWND_SEGS * mss ? TCP_INIT_CWND_SEGS * mss : cwnd;
}

static void
flow_setup(struct fp_ctx *ctx, struct tcp_flow *f, const struct seg *s, uint16_t peer_mss,
		int wscale)
{
	struct fp_tcp *t = ctx->tcp;

	f->port = (uint8_t)s->port;
	memcpy(f->peer_mac, s->smac, FP_ETH_ALEN);
	f->mss = flow_mss(ctx, s->port, peer_mss);
	if (wscale >= 0) {
		f->flags |= TF_WSCALE;
		f->snd_ws = (uint8_t)wscale;
		f->rcv_ws = t->rcv_ws;
	}
	f->rto_us = t->cfg.rto_initial_ms * 1000;
	f->cwnd = initial_cwnd(f->mss);
	f->ssthresh = UINT32_MAX / 2;
	if (t->draining)
		f->flags |= TF_DRAIN;
}

/* LISTEN, third check (RFC 9293 3.10.7.2): a SYN opens a connection. */
static enum fp_verdict
listen_syn(struct tcp_out *o, const struct seg *s)
{
	struct fp_ctx *ctx = o->ctx;
	struct fp_tcp *t = ctx->tcp;
	struct tcp_flow *f;
	/* With no working record free, a cookie still opens the flow (compact,
	 * without SACK) where cookies are allowed at all. */
	int cookie = t->cfg.syn_cookies == 1 ||
			(t->cfg.syn_cookies == 2 &&
					(t->n_half_open >= t->half_open_max ||
							t->rec_free == TCP_NONE));

	if (t->draining) {
		fp_stats_inc(ctx->stats, FP_CTR_FLOWS_REFUSED);
		return reply_rst(o, s);
	}
	if (cookie) {
		/* RFC 4987 3.6: no state until the cookie comes back in the ACK. */
		struct tcp_addr a;
		uint8_t opts[12];
		uint16_t mss = s->mss ? s->mss : TCP_DEFAULT_MSS;
		uint32_t iss = fp__tcp_cookie_make(t, ctx->now_us, s->dip, s->sip, s->dport,
				s->sport, s->seq, mss, s->wscale);
		/* No room in the cookie for SACK-permitted: not offered. */
		uint8_t optlen = fp__tcp_synack_opts(opts, fp__tcp_our_mss(ctx, s->port),
				s->wscale >= 0 ? t->rcv_ws : -1, 0);
		uint32_t w = t->cfg.buffer_size < 65535 ? t->cfg.buffer_size : 65535;

		seg_addr_reply(ctx, s, &a);
		if (fp__tcp_send_raw(o, &a, iss, s->seq + 1, FP_TCP_SYN | FP_TCP_ACK, (uint16_t)w,
				    opts, optlen, 0) == 0) {
			fp_stats_inc(ctx->stats, FP_CTR_TCP_SYN_COOKIES_SENT);
			fp__tcp_cookie_sent(t, ctx->now_us);
		}
		return fp__tcp_out_verdict(o);
	}
	if (t->n_flows >= t->max_flows ||
			(f = fp__tcp_flow_new(ctx, s->dip, s->sip, s->dport, s->sport)) == NULL) {
		fp_stats_inc(ctx->stats, FP_CTR_FLOWS_REFUSED);
		return reply_rst(o, s);
	}
	flow_setup(ctx, f, s, s->mss, s->wscale);
	if (s->sack_ok)
		f->flags |= TF_SACK;
	/* Data on the SYN is not kept (RFC 9293 3.10.7.2 allows queueing, not
	 * requires it): ACKing only the SYN makes the peer send it again. */
	f->irs = s->seq;
	f->rcv_nxt = s->seq + 1;
	f->iss = fp__tcp_isn(t, ctx->now_us, s->dip, s->sip, s->dport, s->sport);
	f->snd_una = f->iss;
	f->snd_nxt = f->snd_max = f->iss + 1;
	f->snd_wnd = s->wnd; /* RFC 7323 2.2: never scaled in a SYN */
	f->max_snd_wnd = f->snd_wnd;
	f->snd_wl1 = s->seq;
	f->snd_wl2 = 0;
	fp__tcp_set_state(t, f, FP_TCP_SYN_RECEIVED, ctx->now_us);
	f->flags |= TF_RTT;
	f->rtt_seq = f->iss + 1;
	f->rtt_ts = ctx->now_us;
	fp__tcp_send_synack(o, f);
	fp__tcp_rtx_start(t, f, ctx->now_us);
	return fp__tcp_out_verdict(o);
}

/*
 * A cookie flow with no working record free: straight into its compact
 * form, as a quiet ESTABLISHED flow with nothing sent yet.
 */
static struct tcp_slot *
cookie_compact(struct tcp_out *o, const struct seg *s, uint16_t mss, int ws)
{
	struct fp_ctx *ctx = o->ctx;
	struct fp_tcp *t = ctx->tcp;
	struct tcp_slot *sl = fp__tcp_slot_new(ctx, s->dip, s->sip, s->dport, s->sport);
	uint8_t rcv_ws = ws >= 0 ? t->rcv_ws : 0;
	uint32_t w = t->cfg.buffer_size >> rcv_ws;

	if (sl == NULL)
		return NULL;
	sl->flags |= (uint8_t)(s->port << SF_PORT_SHIFT);
	if (ws >= 0)
		sl->flags |= SF_WSCALE;
	sl->ws_epoch = (uint8_t)((ws >= 0 ? ws : 0) | fp__tcp_epoch(t, ctx->now_us) << 4);
	memcpy(sl->peer_mac, s->smac, FP_ETH_ALEN);
	sl->mss = flow_mss(ctx, s->port, mss);
	sl->irs = s->seq - 1;
	sl->rcv_nxt = s->seq;
	sl->iss = s->ack - 1;
	sl->snd_una = s->ack;
	sl->snd_wnd_w = s->wnd;
	sl->snd_wl1 = s->seq;
	/* What the cookie SYN-ACK advertised (listen_syn()), never less. */
	sl->rcv_adv_w = (uint16_t)(w < 65535 ? w : 65535);
	sl->cwnd_segs = (uint16_t)(initial_cwnd(sl->mss) / sl->mss);
	sl->ssthresh_segs = UINT16_MAX;
	return sl;
}

/* The final ACK of a cookie handshake: rebuild the flow from the cookie. */
static struct tcp_slot *
cookie_ack(struct tcp_out *o, const struct seg *s)
{
	struct fp_ctx *ctx = o->ctx;
	struct fp_tcp *t = ctx->tcp;
	struct tcp_flow *f;
	uint16_t mss;
	int ws;

	if (fp__tcp_cookie_check(t, ctx->now_us, s->dip, s->sip, s->dport, s->sport, s->seq - 1,
			    s->ack - 1, &mss, &ws) < 0) {
		fp_stats_inc(ctx->stats, FP_CTR_TCP_SYN_COOKIES_BAD);
		return NULL;
	}
	fp_stats_inc(ctx->stats, FP_CTR_TCP_SYN_COOKIES_OK);
	if (t->draining || t->n_flows >= t->max_flows) {
		fp_stats_inc(ctx->stats, FP_CTR_FLOWS_REFUSED);
		return NULL;
	}
	f = fp__tcp_flow_new(ctx, s->dip, s->sip, s->dport, s->sport);
	if (f == NULL)
		return cookie_compact(o, s, mss, ws);
	flow_setup(ctx, f, s, mss, ws);
	f->flags |= TF_COOKIE;
	f->irs = s->seq - 1;
	f->rcv_nxt = s->seq;
	f->iss = s->ack - 1;
	f->snd_una = f->snd_nxt = f->snd_max = s->ack;
	f->snd_wnd = (uint32_t)s->wnd << f->snd_ws;
	f->max_snd_wnd = f->snd_wnd;
	f->snd_wl1 = s->seq;
	f->snd_wl2 = s->ack;
	f->rcv_adv = f->rcv_nxt + fp__tcp_rcv_wnd(f);
	fp__tcp_set_state(t, f, FP_TCP_ESTABLISHED, ctx->now_us);
	return &t->slots[f->slot];
}

/*
 * RFC 5961 7 limits challenge ACKs. The budget is each flow's own: one shared
 * by all flows (CVE-2016-5696) lets an off-path host count, on a connection
 * of its own, the challenges its guesses drew from another one, and so learn
 * whether that 4-tuple exists, then its window, then SND.UNA.
 */
static void
challenge_ack(struct tcp_out *o, struct tcp_flow *f)
{
	uint64_t now = o->ctx->now_us;

	if (now - f->chall_at >= TCP_CHALLENGE_US) {
		f->chall_at = now;
		f->chall_n = 0;
	}
	if (f->chall_n >= TCP_CHALLENGE_MAX)
		return;
	f->chall_n++;
	fp_stats_inc(o->ctx->stats, FP_CTR_TCP_CHALLENGE_ACKS);
	fp__tcp_send_ack(o, f);
}

/* RFC 9293 3.10.7.4 first check: is the segment in the receive window? */
static int
acceptable(const struct tcp_flow *f, const struct seg *s)
{
	uint32_t seglen = s->len + !!(s->flags & FP_TCP_SYN) + !!(s->flags & FP_TCP_FIN);
	uint32_t wnd = fp__tcp_rcv_wnd(f);
	uint32_t end;

	/* A window the pool has since shrunk still takes what it promised. */
	if (seq_gt(f->rcv_adv, f->rcv_nxt) && f->rcv_adv - f->rcv_nxt > wnd)
		wnd = f->rcv_adv - f->rcv_nxt;
	end = f->rcv_nxt + wnd;

	if (seglen == 0) {
		if (wnd == 0)
			return s->seq == f->rcv_nxt;
		/* A pure ACK from a peer that filled our window carries SEG.SEQ =
		 * the right edge; when it overtakes the last data (reordering) it
		 * is exactly RCV.NXT + RCV.WND. Strict RFC 9293 refuses it and its
		 * acknowledgment with it; BSD and Linux accept it, and so do we. */
		if (!(s->flags & FP_TCP_RST) && s->seq == end)
			return 1;
		return seq_geq(s->seq, f->rcv_nxt) && seq_lt(s->seq, end);
	}
	if (wnd == 0)
		return 0;
	return (seq_geq(s->seq, f->rcv_nxt) && seq_lt(s->seq, end)) ||
			(seq_geq(s->seq + seglen - 1, f->rcv_nxt) &&
					seq_lt(s->seq + seglen - 1, end));
}

/*
 * Resend the next hole: the first unacknowledged byte not SACKed and not yet
 * resent in this recovery, below the highest SACKed byte (RFC 6675 4 NextSeg,
 * rule 1, simplified). Without SACK information the hole is SND.UNA, which is
 * RFC 5681 3.2 fast retransmit and RFC 6582 NewReno's partial-ACK resend.
 */
static void
rexmit_hole(struct tcp_out *o, struct tcp_flow *f)
{
	struct fp_ctx *ctx = o->ctx;
	uint32_t data_end = f->snd_una + fp__tcp_buffered(f);
	uint32_t seq = f->snd_una, len;
	uint8_t i, flags = FP_TCP_ACK;

	if (f->n_sack) {
		if (seq_gt(f->rxt_next, seq))
			seq = f->rxt_next;
		for (i = 0; i < f->n_sack; i++)
			if (seq_geq(seq, f->sack[i].start) && seq_lt(seq, f->sack[i].end))
				seq = f->sack[i].end;
		if (!seq_lt(seq, f->sack[f->n_sack - 1].end))
			return;
	}
	if (!seq_lt(seq, f->snd_max))
		return;
	if (seq_lt(seq, data_end)) {
		len = (seq_lt(f->snd_max, data_end) ? f->snd_max : data_end) - seq;
		if (len > fp__tcp_seg_mss(f))
			len = fp__tcp_seg_mss(f);
		for (i = 0; i < f->n_sack; i++)
			if (seq_gt(f->sack[i].start, seq) && seq_lt(f->sack[i].start, seq + len))
				len = f->sack[i].start - seq;
	} else {
		len = 0; /* only our FIN is outstanding */
		flags |= FP_TCP_FIN;
	}
	if (fp__tcp_send_seg(o, f, seq, flags, seq - f->snd_una, len) < 0)
		return;
	fp_stats_inc(ctx->stats, FP_CTR_TCP_RETRANSMITS);
	f->retransmits++;
	f->rxt_next = seq + len + !!(flags & FP_TCP_FIN);
	fp__tcp_rtx_restart(ctx->tcp, f, ctx->now_us);
}

/* Loss detected without an RTO: RFC 5681 3.2 steps 2-4, RFC 6675 5 step 4.
 * The caller then resends the hole with rexmit_hole(). */
static void
enter_recovery(struct tcp_out *o, struct tcp_flow *f)
{
	uint32_t flight = f->snd_max - f->snd_una;

	f->ssthresh = flight / 2 > 2u * f->mss ? flight / 2 : 2u * f->mss;
	f->cwnd = f->ssthresh + 3u * f->mss;
	f->recover = f->snd_max;
	f->rxt_next = f->snd_una;
	f->flags |= TF_RECOVERY;
	f->flags &= (uint8_t)~TF_RTT; /* Karn */
	fp_stats_inc(o->ctx->stats, FP_CTR_TCP_FAST_RETRANSMITS);
}

/* Take the peer's SACK blocks into the scoreboard (RFC 2018 3). @return 1 if any */
static int
sack_input(struct tcp_flow *f, const struct seg *s)
{
	uint32_t i = 0;
	int any = 0;

	while (i + 1 < s->optlen) {
		uint8_t kind = s->opt[i], olen;
		uint32_t b;

		if (kind == FP_TCPOPT_EOL)
			break;
		if (kind == FP_TCPOPT_NOP) {
			i++;
			continue;
		}
		olen = s->opt[i + 1];
		if (olen < 2 || i + olen > s->optlen)
			break;
		for (b = 2; kind == TCP_OPT_SACK && b + 8 <= olen; b += 8) {
			uint32_t l = fp_load_be32(s->opt + i + b);
			uint32_t r = fp_load_be32(s->opt + i + b + 4);

			/* Only blocks of data in flight (D-SACKs below SND.UNA too are skipped). */
			if (!seq_lt(l, r) || !seq_gt(r, f->snd_una) || seq_gt(r, f->snd_max))
				continue;
			if (seq_lt(l, f->snd_una))
				l = f->snd_una;
			if (fp__tcp_range_add(f->sack, &f->n_sack, TCP_OOO_MAX, l, r) >= 0)
				any = 1;
		}
		i += olen;
	}
	return any;
}

/* Forget scoreboard ranges SND.UNA has passed. */
static void
sack_prune(struct tcp_flow *f)
{
	while (f->n_sack && seq_leq(f->sack[0].end, f->snd_una)) {
		f->n_sack--;
		memmove(&f->sack[0], &f->sack[1], sizeof(f->sack[0]) * f->n_sack);
	}
	if (f->n_sack && seq_lt(f->sack[0].start, f->snd_una))
		f->sack[0].start = f->snd_una;
}

static uint32_t
sacked_bytes(const struct tcp_flow *f)
{
	uint32_t n = 0;
	uint8_t i;

	for (i = 0; i < f->n_sack; i++)
		n += f->sack[i].end - f->sack[i].start;
	return n;
}

static int
fin_sent_state(uint8_t state)
{
	return state == FP_TCP_FIN_WAIT_1 || state == FP_TCP_CLOSING || state == FP_TCP_LAST_ACK;
}

/*
 * New data acknowledged (RFC 9293 3.10.7.4 fifth check): acked bytes, up to
 * SEG.ACK, leave the echo store; RTT sample (RFC 6298), retransmission timer
 * (RFC 6298 5.2/5.3) and congestion window (RFC 5681 3.1, RFC 6582 3.2).
 * Always inlined, as are snd_wnd_update() and text_input(): predicted_input()
 * runs all three for nearly every segment, and as calls they cost it time
 * (the flow's fields reloaded after each, callee-saved registers saved).
 * @param rexmit  out: set on a partial ACK in recovery
 */
static inline __attribute__((always_inline)) void
ack_new(struct fp_ctx *ctx, struct tcp_flow *f, uint32_t ack, uint32_t acked, int *rexmit)
{
	struct fp_tcp *t = ctx->tcp;

	/* Acknowledged: the chunks these bytes emptied go back to the pool. */
	fp_chunk_q_consume(&f->q, &t->pool, acked);
	f->snd_una = ack;
	if (seq_lt(f->snd_nxt, f->snd_una))
		f->snd_nxt = f->snd_una;
	if ((f->flags & TF_RTT) && seq_geq(ack, f->rtt_seq)) {
		fp__tcp_rtt_sample(f, (uint32_t)(ctx->now_us - f->rtt_ts), &t->cfg);
		f->flags &= (uint8_t)~TF_RTT;
	}
	f->backoff = 0;
	f->dupacks = 0;
	sack_prune(f);
	/* RFC 6298 5.2/5.3: stop when all is acknowledged, else restart. */
	if (f->snd_una == f->snd_max)
		f->rtx_at = 0;
	else
		fp__tcp_rtx_restart(t, f, ctx->now_us);
	/* RFC 5681 3.1: slow start below ssthresh, else about 1 MSS per RTT. */
	if (f->flags & TF_RECOVERY) {
		f->cwnd = f->ssthresh;
		if (seq_geq(ack, f->recover))
			f->flags &= (uint8_t)~TF_RECOVERY;
		else
			*rexmit = 1; /* RFC 6582 3.2 step 3: partial ACK */
	} else if (f->cwnd < f->ssthresh) {
		f->cwnd += acked < f->mss ? acked : f->mss;
	} else {
		uint32_t inc = (uint32_t)((uint64_t)f->mss * f->mss / f->cwnd);

		f->cwnd += inc ? inc : 1;
	}
	if (f->cwnd > (1u << 30))
		f->cwnd = 1u << 30;
}

/* Window update, only from a newer segment whose ACK is not older than
 * SND.UNA (RFC 9293 3.10.7.4: a duplicate ACK "can be ignored"). */
static inline __attribute__((always_inline)) void
snd_wnd_update(struct fp_ctx *ctx, struct tcp_flow *f, const struct seg *s, uint32_t wnd)
{
	if (!seq_geq(s->ack, f->snd_una) ||
			!(seq_lt(f->snd_wl1, s->seq) ||
					(f->snd_wl1 == s->seq && seq_leq(f->snd_wl2, s->ack))))
		return;
	if (f->snd_wnd == 0 && wnd != 0) {
		/* The window opened: persist is over, its backoff with it. */
		f->backoff = 0;
		if (f->snd_max == f->snd_una)
			f->rtx_at = 0;
		else
			fp__tcp_rtx_restart(ctx->tcp, f, ctx->now_us);
	}
	f->snd_wnd = wnd;
	if (wnd > f->max_snd_wnd)
		f->max_snd_wnd = wnd;
	f->snd_wl1 = s->seq;
	f->snd_wl2 = s->ack;
}

/*
 * RFC 9293 3.10.7.4 fifth check, in a synchronized state.
 * @param rexmit  out: set when a hole should be resent; the caller does it
 *                after taking the payload, which an in-place reply overwrites
 * @return 1 when our FIN is now acknowledged, 0 to go on, -1 to stop here.
 */
static int
ack_input(struct tcp_out *o, struct tcp_flow *f, const struct seg *s, int *rexmit)
{
	struct fp_ctx *ctx = o->ctx;
	uint32_t wnd = (uint32_t)s->wnd << f->snd_ws;
	int fin_acked = 0, new_ack = 0, sacked = 0;

	/* RFC 5961 5.2: acceptable only in [SND.UNA - MAX.SND.WND, SND.NXT]. */
	if (seq_gt(s->ack, f->snd_max) || seq_lt(s->ack, f->snd_una - f->max_snd_wnd)) {
		challenge_ack(o, f);
		return -1;
	}
	f->probes = 0; /* the peer is alive: it may keep its window shut */
	if ((f->flags & TF_SACK) && s->optlen)
		sacked = sack_input(f, s);
	if (seq_gt(s->ack, f->snd_una)) {
		uint32_t used = fp__tcp_buffered(f);
		uint32_t acked = s->ack - f->snd_una;

		if (fin_sent_state(f->state) && acked > used) {
			fin_acked = 1;
			acked = used;
		}
		ack_new(ctx, f, s->ack, acked, rexmit);
		new_ack = 1;
	} else if (s->ack == f->snd_una && s->len == 0 && !(s->flags & (FP_TCP_SYN | FP_TCP_FIN)) &&
			f->snd_max != f->snd_una && wnd == f->snd_wnd && wnd != 0) {
		/* RFC 5681 2: a duplicate ACK (a zero window is not one: persist). */
		fp_stats_inc(ctx->stats, FP_CTR_TCP_DUP_ACKS);
		if (f->dupacks < UINT8_MAX)
			f->dupacks++;
		if (f->dupacks == TCP_DUPACK_THRESH && !(f->flags & TF_RECOVERY)) {
			enter_recovery(o, f);
			*rexmit = 1;
		} else if (f->dupacks > TCP_DUPACK_THRESH && (f->flags & TF_RECOVERY) &&
				f->cwnd < f->ssthresh + (f->recover - f->snd_una)) {
			/* RFC 5681 3.2 step 4: inflate, one segment per duplicate that
			 * says a segment left the network; no more can leave than were
			 * in flight at the loss, however often the peer repeats itself. */
			f->cwnd += f->mss;
		}
	}
	/* RFC 6675 5: DupThresh segments' worth SACKed above a hole is a loss,
	 * even when the SACKs ride on data (echo traffic rarely has pure dup
	 * ACKs); each further SACK moves the recovery on by one hole. */
	if (sacked && !(f->flags & TF_RECOVERY) &&
			sacked_bytes(f) >= TCP_DUPACK_THRESH * (uint32_t)f->mss) {
		enter_recovery(o, f);
		*rexmit = 1;
	} else if (sacked && !new_ack && (f->flags & TF_RECOVERY)) {
		*rexmit = 1;
	}
	snd_wnd_update(ctx, f, s, wnd);
	return fin_acked;
}

/* Should a pure window update go out (RFC 9293 3.8.6.2.2, receiver SWS)? */
static int
window_update_due(const struct tcp_flow *f)
{
	uint32_t adv = f->rcv_adv - f->rcv_nxt;
	uint32_t now = fp__tcp_rcv_wnd(f);
	uint32_t step = fp__tcp_sws_step(f);

	return adv < f->mss && now > adv && now - adv >= step;
}

/* Keep an out-of-order segment (see the file comment). */
static void
ooo_store(struct tcp_flow *f, const struct seg *s)
{
	struct tcp_range trial[TCP_OOO_MAX];
	uint32_t wnd = fp__tcp_rcv_wnd(f);
	uint32_t off = s->seq - f->rcv_nxt;
	uint32_t len = s->len;
	uint8_t n = f->n_ooo;
	int at;

	if (off >= wnd)
		return;
	if (len > wnd - off)
		len = wnd - off;
	/* Room for its range first: bytes written with none would hold chunks. */
	memcpy(trial, f->ooo, sizeof(trial));
	if (fp__tcp_range_add(trial, &n, TCP_OOO_MAX, s->seq, s->seq + len) < 0)
		return;
	/* The pool may give less than the window promised: keep what fits. */
	len = fp_chunk_q_write_at(&f->q, &f->t->pool, off, s->data, len);
	if (len == 0)
		return;
	at = fp__tcp_range_add(f->ooo, &f->n_ooo, TCP_OOO_MAX, s->seq, s->seq + len);
	f->ooo_recent = (uint8_t)at;
}

/* The hole before the first kept range is filled: move the tail over it. */
static void
ooo_drain(struct tcp_flow *f)
{
	while (f->n_ooo && seq_leq(f->ooo[0].start, f->rcv_nxt)) {
		if (seq_gt(f->ooo[0].end, f->rcv_nxt)) {
			uint32_t k = f->ooo[0].end - f->rcv_nxt;

			fp_chunk_q_commit(&f->q, k); /* in place since ooo_store() */
			f->rcv_nxt += k;
		}
		f->n_ooo--;
		memmove(&f->ooo[0], &f->ooo[1], sizeof(f->ooo[0]) * f->n_ooo);
		f->ooo_recent = f->ooo_recent ? f->ooo_recent - 1 : 0;
	}
}

/* Payload in ESTABLISHED or FIN_WAIT (seventh check). @return 1 if all of it was taken */
static inline __attribute__((always_inline)) int
text_input(struct tcp_out *o, struct tcp_flow *f, const struct seg *s)
{
	struct fp_ctx *ctx = o->ctx;
	uint32_t skip, n, took;

	if (seq_gt(s->seq, f->rcv_nxt)) {
		fp_stats_inc(ctx->stats, FP_CTR_TCP_OOO_SEGS);
		if (f->state == FP_TCP_ESTABLISHED)
			ooo_store(f, s);
		return 0;
	}
	skip = f->rcv_nxt - s->seq; /* already received: trim the front */
	if (skip)
		fp__tcp_dsack_set(f, s->seq, skip < s->len ? f->rcv_nxt : s->seq + s->len);
	if (skip >= s->len)
		return skip == s->len;
	n = s->len - skip;
	if (f->state == FP_TCP_ESTABLISHED) {
		/* Where these bytes go out again: our sequence number of the ring's tail. */
		uint32_t at = f->snd_una + fp__tcp_buffered(f);

		uint32_t cap_left = ctx->tcp->cfg.buffer_size - fp__tcp_buffered(f);

		/* Trimmed to the flow's cap and to what the pool gives: whatever
		 * does not fit is not acknowledged, so the peer sends it again. */
		took = fp_chunk_q_push(&f->q, &ctx->tcp->pool, s->data + skip,
				n < cap_left ? n : cap_left);
		/* An echo of these bytes alone can go out in place when their
		 * sum is known or not needed. */
		if (skip == 0 && took == n && (s->have_sum || s->nic_sums)) {
			o->echo_data = s->data;
			o->echo_seq = at;
			o->echo_len = n;
			o->echo_sum = s->data_sum;
			o->echo_have_sum = s->have_sum;
		}
	} else {
		/* After our FIN nothing more can be echoed: accept and discard. */
		took = n < fp__tcp_rcv_wnd(f) ? n : fp__tcp_rcv_wnd(f);
	}
	f->rcv_nxt += took;
	if (f->n_ooo)
		ooo_drain(f);
	return took == n;
}

static enum fp_verdict
flow_input(struct tcp_out *o, struct tcp_flow *f, const struct seg *s)
{
	struct fp_ctx *ctx = o->ctx;
	struct fp_tcp *t = ctx->tcp;
	int need_ack = 0, all_taken = 1, fin_acked = 0, rexmit = 0;
	struct seg hdr;

	/* A retransmitted SYN: our SYN-ACK was lost, send it again. */
	if (f->state == FP_TCP_SYN_RECEIVED && (s->flags & FP_TCP_SYN) &&
			!(s->flags & FP_TCP_ACK) && s->seq == f->irs) {
		fp__tcp_send_synack(o, f);
		return fp__tcp_out_verdict(o);
	}
	/* First: sequence number (RFC 9293 3.10.7.4). */
	if (!acceptable(f, s)) {
		if (s->seq == f->rcv_nxt && fp__tcp_rcv_wnd(f) == 0 && (s->flags & FP_TCP_ACK) &&
				!(s->flags & (FP_TCP_RST | FP_TCP_SYN))) {
			/* Our window is shut: the text is refused, but "special
			 * allowance should be made to accept valid ACKs" (ibid.),
			 * else acknowledgments riding on data would never free it. */
			hdr = *s;
			hdr.len = 0;
			hdr.flags &= (uint8_t)~FP_TCP_FIN;
			s = &hdr;
			need_ack = 1;
			goto accepted;
		}
		if (s->flags & FP_TCP_RST) {
			return fp_ctx_drop(ctx, FP_CTR_DROP_TCP_OUT_OF_WINDOW);
		}
		if (s->flags & FP_TCP_SYN) {
			/* RFC 5961 4.2: any SYN, whatever its sequence number. */
			challenge_ack(o, f);
			return fp__tcp_out_verdict(o);
		}
		/* Data we already have (a spurious retransmission): say so (RFC 2883). */
		if (s->len > 0 && seq_leq(s->seq + s->len, f->rcv_nxt))
			fp__tcp_dsack_set(f, s->seq, s->seq + s->len);
		/* RFC 9293 3.10.7.4: a repeated FIN in TIME_WAIT restarts the 2 MSL. */
		if (f->state == FP_TCP_TIME_WAIT && (s->flags & FP_TCP_FIN))
			f->last_active = ctx->now_us;
		fp__tcp_send_ack(o, f);
		/* Counted as refused unless the ACK itself was lost (one count per frame). */
		if (!o->failed && !(f->state == FP_TCP_TIME_WAIT && (s->flags & FP_TCP_FIN)))
			fp_stats_inc(ctx->stats, FP_CTR_DROP_TCP_OUT_OF_WINDOW);
		return fp__tcp_out_verdict(o);
	}
accepted:
	/* Second: RST. RFC 5961 3.2: exact match resets, in-window challenges. */
	if (s->flags & FP_TCP_RST) {
		/* RFC 1337 (TIME-WAIT assassination): ignored in TIME_WAIT, whose
		 * 2 MSL keep old duplicates away from the tuple's next connection. */
		if (f->state == FP_TCP_TIME_WAIT) {
			return fp_ctx_drop(ctx, FP_CTR_DROP_TCP_TIME_WAIT_RST);
		}
		if (s->seq != f->rcv_nxt) {
			challenge_ack(o, f);
			return fp__tcp_out_verdict(o);
		}
		fp__tcp_flow_end(ctx, f, FP_CTR_FLOWS_RESET);
		return FP_VERDICT_CONSUMED;
	}
	/* Fourth: SYN in a synchronized state (RFC 5961 4.2). */
	if (s->flags & FP_TCP_SYN) {
		challenge_ack(o, f);
		return fp__tcp_out_verdict(o);
	}
	/* Fifth: ACK. */
	if (!(s->flags & FP_TCP_ACK)) {
		return fp_ctx_drop(ctx, FP_CTR_DROP_TCP_BAD_FLAGS);
	}
	/* In TIME_WAIT only a retransmitted FIN restarts the clock (above). */
	if (f->state != FP_TCP_TIME_WAIT)
		f->last_active = ctx->now_us;
	if (f->state == FP_TCP_SYN_RECEIVED) {
		if (!seq_gt(s->ack, f->snd_una) || seq_gt(s->ack, f->snd_max)) {
			struct tcp_addr a;

			/* RFC 9293 3.10.7.4: <SEQ=SEG.ACK><CTL=RST>, stay. */
			seg_addr_reply(ctx, s, &a);
			fp__tcp_send_raw(o, &a, s->ack, 0, FP_TCP_RST, 0, NULL, 0, 0);
			return fp__tcp_out_verdict(o);
		}
		if ((f->flags & TF_RTT) && f->backoff == 0)
			fp__tcp_rtt_sample(f, (uint32_t)(ctx->now_us - f->rtt_ts), &t->cfg);
		f->flags &= (uint8_t)~TF_RTT;
		f->backoff = 0;
		f->snd_una = s->ack;
		f->rtx_at = 0;
		f->snd_wnd = (uint32_t)s->wnd << f->snd_ws;
		f->max_snd_wnd = f->snd_wnd;
		f->snd_wl1 = s->seq;
		f->snd_wl2 = s->ack;
		fp__tcp_set_state(t, f, FP_TCP_ESTABLISHED, ctx->now_us);
	} else {
		fin_acked = ack_input(o, f, s, &rexmit);
		if (fin_acked < 0)
			return fp__tcp_out_verdict(o);
		if (fin_acked) {
			switch (f->state) {
			case FP_TCP_FIN_WAIT_1:
				fp__tcp_set_state(t, f, FP_TCP_FIN_WAIT_2, ctx->now_us);
				break;
			case FP_TCP_CLOSING:
				fp__tcp_set_state(t, f, FP_TCP_TIME_WAIT, ctx->now_us);
				break;
			case FP_TCP_LAST_ACK:
				/* RFC 9293 3.10.7.4: our FIN acknowledged, the close is done. */
				fp__tcp_flow_end(ctx, f, FP_CTR_FLOWS_CLOSED);
				return fp__tcp_out_verdict(o);
			default:
				break;
			}
		}
	}
	/* Seventh: segment text. */
	if (s->len > 0) {
		if (f->state == FP_TCP_ESTABLISHED || f->state == FP_TCP_FIN_WAIT_1 ||
				f->state == FP_TCP_FIN_WAIT_2)
			all_taken = text_input(o, f, s);
		need_ack = 1;
	}
	/* Eighth: FIN, once everything before it has arrived. */
	if ((s->flags & FP_TCP_FIN) && all_taken && s->seq + s->len == f->rcv_nxt) {
		need_ack = 1;
		f->rcv_nxt++;
		f->n_ooo = 0; /* nothing can follow a FIN */
		switch (f->state) {
		case FP_TCP_ESTABLISHED:
			fp__tcp_set_state(t, f, FP_TCP_CLOSE_WAIT, ctx->now_us);
			break;
		case FP_TCP_FIN_WAIT_1:
			fp__tcp_set_state(t, f, FP_TCP_CLOSING, ctx->now_us);
			break;
		case FP_TCP_FIN_WAIT_2:
			fp__tcp_set_state(t, f, FP_TCP_TIME_WAIT, ctx->now_us);
			break;
		default:
			f->rcv_nxt--; /* not a new FIN */
			break;
		}
	} else if (s->flags & FP_TCP_FIN) {
		/* A repeated FIN (TIME_WAIT restarts its clock above) or an early one. */
		need_ack = 1;
	}
	if (!need_ack && window_update_due(f))
		need_ack = 1;
	/* Output only now: the first frame may overwrite the received packet. */
	if (rexmit)
		rexmit_hole(o, f);
	fp__tcp_output(o, f, need_ack);
	return fp__tcp_out_verdict(o);
}

/*
 * Header prediction (RFC 9293 3.10.7.4 in the order BSD's tcp_input() and
 * Linux's fast path check it): the next in-order data of an ESTABLISHED flow,
 * a plain ACK of nothing or of new data, no options, nothing being recovered.
 * For such a segment every check of flow_input() passes the same way; this
 * path skips the checks, not the work. t->predict = 0 turns it off, so that
 * tests/unit/check_tcp_predict.c can compare both paths frame by frame.
 */
static int
predicted(const struct tcp_flow *f, const struct seg *s)
{
	return f->state == FP_TCP_ESTABLISHED &&
			(s->flags & (FP_TCP_SYN | FP_TCP_FIN | FP_TCP_RST | FP_TCP_ACK)) ==
					FP_TCP_ACK &&
			s->seq == f->rcv_nxt && s->len != 0 && s->optlen == 0 &&
			/* in the window: an advertised edge ahead of RCV.NXT holds */
			seq_gt(f->rcv_adv, f->rcv_nxt) &&
			/* SND.UNA <= SEG.ACK <= SND.MAX (RFC 5961 5.2 passes too) */
			seq_leq(f->snd_una, s->ack) && seq_leq(s->ack, f->snd_max) &&
			!(f->flags & TF_RECOVERY);
}

/* flow_input() for a predicted segment: the same work in the same order. */
static enum fp_verdict
predicted_input(struct tcp_out *o, struct tcp_flow *f, const struct seg *s)
{
	struct fp_ctx *ctx = o->ctx;
	int rexmit = 0;

	fp_stats_inc(ctx->stats, FP_CTR_TCP_PREDICTED);
	f->last_active = ctx->now_us;
	f->probes = 0;
	if (s->ack != f->snd_una)
		ack_new(ctx, f, s->ack, s->ack - f->snd_una, &rexmit);
	snd_wnd_update(ctx, f, s, (uint32_t)s->wnd << f->snd_ws);
	text_input(o, f, s);
	if (fp__tcp_output_echo(o, f) < 0)
		fp__tcp_output(o, f, 1);
	return fp__tcp_out_verdict(o);
}

/* The TCP header's sum added to sum: inline for the option-less 20 bytes. */
static inline uint32_t
hdr_sum(const uint8_t *tcp, uint32_t hlen, uint32_t sum)
{
	if (hlen == FP_TCP_HLEN)
		return fp_csum_add(sum, fp_csum_hdr20(tcp));
	return fp_csum_partial(tcp, hlen, sum);
}

/*
 * Verify the checksum (unless the NIC did) and keep the payload's sum, so an
 * echo of it is not summed again: summed apart from the header when we
 * verify, else derived from the verified checksum field (RFC 1624 2: the
 * payload sums to -(pseudo-header + header)). Nothing is summed when the NIC
 * verified it and will also fill in our checksums. @return 0 when it is wrong
 */
static int
tcp_csum(const struct fp_ctx *ctx, const struct fp_pkt *pkt, struct seg *s, const uint8_t *tcp,
		uint32_t hlen, uint32_t l4_len)
{
	uint32_t sum = fp_csum_pseudo_ip4(s->sip, s->dip, FP_IPPROTO_TCP, (uint16_t)l4_len);
	int split = hlen >= FP_TCP_HLEN && hlen < l4_len;

	s->data_sum = 0;
	s->have_sum = 0;
	s->nic_sums = 0;
	if (!(pkt->flags & FP_PKT_L4_CSUM_GOOD)) {
		if (!split)
			return fp_csum_fold(fp_csum_partial(tcp, l4_len, sum)) == 0;
		s->data_sum = fp_csum_partial(tcp + hlen, l4_len - hlen, 0);
		s->have_sum = 1;
		return fp_csum_fold(fp_csum_add(hdr_sum(tcp, hlen, sum), s->data_sum)) == 0;
	}
	if (ctx->ifaces[pkt->port].tx_offload & FP_TX_OFFLOAD_CSUM) {
		s->nic_sums = 1;
	} else if (split) {
		s->data_sum = fp_csum_fold(hdr_sum(tcp, hlen, sum));
		s->have_sum = 1;
	}
	return 1;
}

/*
 * A compact flow found no working record free: only an exact RST (RFC 5961
 * 3.2) and a bare ACK that changes nothing but the window (the last ACK of a
 * cookie handshake, a window update) are taken; anything else is dropped and
 * counted, and the peer retransmits until a record is free. Nothing stored
 * is at stake: a compact flow holds no bytes.
 */
static enum fp_verdict
compact_input(struct tcp_out *o, struct tcp_slot *sl, const struct seg *s)
{
	struct fp_ctx *ctx = o->ctx;

	if ((s->flags & FP_TCP_RST) && s->seq == sl->rcv_nxt) {
		fp_stats_inc(ctx->stats, FP_CTR_FLOWS_RESET);
		fp__tcp_slot_free(ctx, sl);
		return FP_VERDICT_CONSUMED;
	}
	if ((s->flags & (FP_TCP_SYN | FP_TCP_FIN | FP_TCP_RST | FP_TCP_ACK)) == FP_TCP_ACK &&
			s->len == 0 && s->seq == sl->rcv_nxt && s->ack == sl->snd_una) {
		/* RFC 9293 3.10.7.4: SND.WL1 <= SEG.SEQ and SND.WL2 <= SND.UNA = SEG.ACK. */
		sl->snd_wnd_w = s->wnd;
		sl->snd_wl1 = s->seq;
		sl->ws_epoch = (uint8_t)((sl->ws_epoch & 15) |
				fp__tcp_epoch(ctx->tcp, ctx->now_us) << 4);
		return FP_VERDICT_CONSUMED;
	}
	return fp_ctx_drop(ctx, FP_CTR_DROP_TCP_NO_STATE);
}

/* A segment of a known flow, with its working record (given one back if compact). */
static enum fp_verdict
slot_input(struct tcp_out *o, struct tcp_slot *sl, const struct seg *s)
{
	struct fp_tcp *t = o->ctx->tcp;
	struct tcp_flow *f;
	enum fp_verdict v;

	if (sl->rec != TCP_NONE)
		f = &t->flows[sl->rec];
	else if ((f = fp__tcp_thaw(t, sl, o->ctx->now_us)) == NULL)
		return compact_input(o, sl, s);
	if (t->predict && predicted(f, s))
		v = predicted_input(o, f, s);
	else
		v = flow_input(o, f, s);
	fp__tcp_settle(t, f, o->ctx->now_us);
	return v;
}

/* The segment's flow, from fp_input_burst()'s hints when it left any. */
static struct tcp_slot *
seg_flow(struct fp_tcp *t, const struct fp_pkt *pkt, const struct seg *s)
{
	/* Found when the burst began: still the same flow? */
	if ((pkt->flags & FP_PKT_FLOW) && pkt->flow < t->max_flows &&
			fp__tcp_flow_is(&t->slots[pkt->flow], s->dip, s->sip, s->dport, s->sport))
		return &t->slots[pkt->flow];
	if (pkt->flags & FP_PKT_HASH)
		return fp__tcp_flow_lookup_hashed(t, pkt->hash, s->dip, s->sip, s->dport, s->sport);
	return fp__tcp_flow_lookup(t, s->dip, s->sip, s->dport, s->sport);
}

enum fp_verdict
fp_tcp_input(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	struct fp_tcp *t = ctx->tcp;
	const uint8_t *ip = pkt->data + pkt->l3;
	const uint8_t *tcp = pkt->data + pkt->l4;
	uint32_t l4_len = pkt->l4_len;
	struct tcp_out o = {.ctx = ctx, .pkt = pkt};
	struct tcp_slot *f;
	struct seg s;
	uint32_t hlen;

	fp_stats_inc(ctx->stats, FP_CTR_TCP_SEGS_IN);
	if (l4_len < FP_TCP_HLEN || (uint32_t)pkt->l4 + l4_len > pkt->len) {
		return fp_ctx_drop(ctx, FP_CTR_DROP_TCP_TRUNCATED);
	}
	s.sip = fp_load_be32(ip + FP_IP4_OFF_SRC);
	s.dip = fp_load_be32(ip + FP_IP4_OFF_DST);
	hlen = (uint32_t)(tcp[FP_TCP_OFF_DOFF] >> 4) * 4;
	if (!tcp_csum(ctx, pkt, &s, tcp, hlen, l4_len))
		return fp_ctx_drop(ctx, FP_CTR_DROP_TCP_CSUM);
	if (hlen < FP_TCP_HLEN || hlen > l4_len) {
		return fp_ctx_drop(ctx, FP_CTR_DROP_TCP_BAD_DOFF);
	}
	s.flags = tcp[FP_TCP_OFF_FLAGS];
	s.sport = fp_load_be16(tcp + FP_TCP_OFF_SPORT);
	s.dport = fp_load_be16(tcp + FP_TCP_OFF_DPORT);
	s.seq = fp_load_be32(tcp + FP_TCP_OFF_SEQ);
	s.ack = fp_load_be32(tcp + FP_TCP_OFF_ACK);
	s.wnd = fp_load_be16(tcp + FP_TCP_OFF_WIN);
	s.data = tcp + hlen;
	s.opt = tcp + FP_TCP_HLEN;
	s.optlen = (uint8_t)(hlen - FP_TCP_HLEN);
	s.len = l4_len - hlen;
	s.port = pkt->port;
	s.mss = 0;
	s.wscale = -1;
	s.sack_ok = 0;
	memcpy(s.smac, pkt->data + FP_ETH_OFF_SRC, FP_ETH_ALEN);

	f = seg_flow(t, pkt, &s);
	/* RFC 9293 3.10.7.1: a closed port answers anything but a RST with a RST,
	 * whatever else its flags say (none, FIN, SYN+FIN...), as Linux does: a
	 * port scanner must see it closed, not filtered. */
	if (f == NULL && (s.dip != ctx->ifaces[s.port].ip4 || !is_listening(t, s.dport)))
		return reply_rst(&o, &s);
	/* A connection or LISTEN takes no SYN with FIN or RST, and nothing
	 * without one of SYN, ACK, RST, FIN (RFC 9293 3.10.7.2 and 3.10.7.4). */
	if (((s.flags & FP_TCP_SYN) && (s.flags & (FP_TCP_FIN | FP_TCP_RST))) ||
			!(s.flags & (FP_TCP_SYN | FP_TCP_ACK | FP_TCP_RST | FP_TCP_FIN))) {
		return fp_ctx_drop(ctx, FP_CTR_DROP_TCP_BAD_FLAGS);
	}
	if (f != NULL)
		return slot_input(&o, f, &s);
	/* LISTEN (RFC 9293 3.10.7.2). */
	if (s.flags & FP_TCP_RST) {
		return fp_ctx_drop(ctx, FP_CTR_DROP_TCP_NO_FLOW);
	}
	if (s.flags & FP_TCP_ACK) {
		if (t->cfg.syn_cookies && !(s.flags & FP_TCP_SYN) &&
				fp__tcp_cookie_recent(t, ctx->now_us)) {
			f = cookie_ack(&o, &s);
			if (f != NULL)
				return slot_input(&o, f, &s);
		}
		return reply_rst(&o, &s);
	}
	if (s.flags & FP_TCP_SYN) {
		parse_opts(tcp + FP_TCP_HLEN, hlen - FP_TCP_HLEN, &s);
		return listen_syn(&o, &s);
	}
	/* Neither SYN, ACK nor RST: RFC 9293 3.10.7.2 drops it. */
	return fp_ctx_drop(ctx, FP_CTR_DROP_TCP_NO_FLOW);
}
