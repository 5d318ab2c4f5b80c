/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Segment output. Builds Ethernet + IPv4 + TCP frames either in place in the
 * received packet (when that is the only frame to send: fp_tcp_input() then
 * returns FP_VERDICT_TX) or through ctx->tx. Echo data is read from the flow's
 * chunk queue, which keeps every byte until the peer acknowledges it.
 * Called from tcp_input.c (replies) and tcp_timer.c (retransmissions).
 */
#include <string.h>

#include "fp/csum.h"
#include "fp/eth.h"
#include "fp/ip4.h"
#include "fp/stats.h"
#include "fp/wire.h"
#include "tcp_priv.h"

#define SEG_HDR (FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_HLEN)

uint16_t
fp__tcp_our_mss(const struct fp_ctx *ctx, uint16_t port)
{
	uint16_t mtu = ctx->ifaces[port].mtu;
	uint16_t mss = ctx->tcp->mss;

	/* RFC 9293 3.7.1: MSS = MTU - fixed IP and TCP headers. */
	if (mtu > FP_IP4_HLEN + FP_TCP_HLEN && mtu - FP_IP4_HLEN - FP_TCP_HLEN < mss)
		mss = (uint16_t)(mtu - FP_IP4_HLEN - FP_TCP_HLEN);
	return mss;
}

uint32_t
fp__tcp_rcv_wnd(const struct tcp_flow *f)
{
	/* The flow's cap, or less as the pool runs low (fp_chunk_q_space()). */
	uint32_t w = fp_chunk_q_space(&f->q, &f->t->pool, f->t->cfg.buffer_size);
	uint32_t max = (uint32_t)65535 << f->rcv_ws;

	return w < max ? w : max;
}

/* No frame to send with: give back a too-small one, count the failure once. */
static uint8_t *
out_fail(struct tcp_out *o, uint8_t *frame)
{
	struct fp_ctx *ctx = o->ctx;

	if (frame != NULL)
		ctx->tx->discard(ctx->tx_arg, frame);
	fp_stats_inc(ctx->stats, FP_CTR_DROP_TX_NO_MBUF);
	o->failed = 1;
	return NULL;
}

/* A frame for need bytes: the received packet if nothing else went out yet. */
static uint8_t *
out_get(struct tcp_out *o, uint16_t need, uint16_t *room)
{
	struct fp_ctx *ctx = o->ctx;
	uint8_t *frame;

	/* One failure per received frame is counted; the timer retries the rest. */
	if (o->failed)
		return NULL;
	if (o->pkt != NULL && !o->inplace && o->pkt->room >= need) {
		*room = o->pkt->room;
		return o->pkt->data;
	}
	if (ctx->tx == NULL)
		return out_fail(o, NULL);
	/* A second frame: move the in-place reply out first to keep the order. */
	if (o->inplace) {
		uint16_t r;

		frame = ctx->tx->alloc(ctx->tx_arg, &r);
		if (frame == NULL || r < o->pkt->len)
			return out_fail(o, frame);
		memcpy(frame, o->pkt->data, o->pkt->len);
		ctx->tx->send(ctx->tx_arg, frame, o->pkt->len, o->pkt->port);
		o->inplace = 0;
	}
	o->pkt = NULL;
	frame = ctx->tx->alloc(ctx->tx_arg, room);
	if (frame == NULL || *room < need)
		return out_fail(o, frame);
	return frame;
}

/* An in-place reply leaves by the port it came in on; others by port. */
static uint16_t
out_port(const struct tcp_out *o, const uint8_t *frame, uint16_t port)
{
	return o->pkt != NULL && frame == o->pkt->data ? o->pkt->port : port;
}

static void
out_put(struct tcp_out *o, uint8_t *frame, uint16_t len, uint16_t port, int offload)
{
	if (o->pkt != NULL && frame == o->pkt->data) {
		o->pkt->len = len;
		if (offload)
			o->pkt->flags |= FP_PKT_TX_CSUM;
		o->inplace = 1;
	} else {
		o->ctx->tx->send(o->ctx->tx_arg, frame, len, port);
	}
	fp_stats_inc(o->ctx->stats, FP_CTR_TCP_SEGS_OUT);
}

enum fp_verdict
fp__tcp_out_verdict(struct tcp_out *o)
{
	return o->inplace ? FP_VERDICT_TX : FP_VERDICT_CONSUMED;
}

/** A segment's payload: len bytes of the flow's echo bytes from off. */
struct seg_payload {
	const struct tcp_flow *f;
	uint32_t off, len;
	const uint8_t *in_place; /**< where these bytes already are, or NULL */
	uint32_t sum;            /**< their running sum, valid when have_sum */
	int have_sum;
};

/*
 * Fit a frame's addresses to the port it leaves by, and say whether that
 * port's NIC fills in the checksums. An in-place reply goes back where its
 * segment came in, which for a flow seen on two ports with one address is
 * not always the flow's port: it leaves from that port's MAC to the
 * neighbour that sent the segment (copied to peer, since the header is
 * rewritten), and a port without the offload must get summed frames.
 */
static int
out_route(const struct tcp_out *o, const uint8_t *frame, struct tcp_addr *a, uint8_t peer[6])
{
	uint16_t port = out_port(o, frame, a->port);

	if (port != a->port) {
		memcpy(peer, frame + FP_ETH_OFF_SRC, 6);
		a->dmac = peer;
		a->smac = o->ctx->ifaces[port].mac;
		a->port = port;
	}
	return (o->ctx->ifaces[port].tx_offload & FP_TX_OFFLOAD_CSUM) != 0;
}

/*
 * Write the whole frame. @return frame length
 * Always inlined: the in-place echo's call has constant options and payload,
 * so its copy loses the option, copy and padding branches.
 */
static inline __attribute__((always_inline)) uint16_t
seg_write(uint8_t *frame, uint16_t room, const struct tcp_addr *a, uint16_t ip_id, uint32_t seq,
		uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opts, uint8_t optlen,
		const struct seg_payload *pl, int offload)
{
	uint8_t *ip = frame + FP_ETH_HLEN;
	uint8_t *tcp = ip + FP_IP4_HLEN;
	uint16_t hlen = (uint16_t)(FP_TCP_HLEN + optlen);
	uint16_t l4_len = (uint16_t)(hlen + pl->len);
	uint16_t flen = (uint16_t)(FP_ETH_HLEN + FP_IP4_HLEN + l4_len);
	uint16_t doff_flags = (uint16_t)((hlen / 4) << 12 | flags);
	uint32_t sum = fp_csum_pseudo_ip4(a->sip, a->dip, FP_IPPROTO_TCP, l4_len);

	fp_eth_write(frame, a->dmac, a->smac, FP_ETHERTYPE_IPV4);
	fp_ip4_write(ip, a->sip, a->dip, FP_IPPROTO_TCP, l4_len, ip_id);
	fp_store_be16(tcp + FP_TCP_OFF_SPORT, a->sport);
	fp_store_be16(tcp + FP_TCP_OFF_DPORT, a->dport);
	fp_store_be32(tcp + FP_TCP_OFF_SEQ, seq);
	fp_store_be32(tcp + FP_TCP_OFF_ACK, ack);
	fp_store_be16(tcp + FP_TCP_OFF_DOFF, doff_flags);
	fp_store_be16(tcp + FP_TCP_OFF_WIN, win);
	fp_store_be16(tcp + FP_TCP_OFF_URP, 0);
	if (optlen)
		memcpy(tcp + FP_TCP_HLEN, opts, optlen);
	/* An in-place echo of the received payload at its old offset is already there. */
	if (pl->len && pl->in_place != tcp + hlen)
		fp_chunk_q_copy(&pl->f->q, &pl->f->t->pool, pl->off, tcp + hlen, pl->len);
	if (offload) {
		/* The NIC sums; it wants a zero IPv4 field and the pseudo-header sum. */
		fp_store_be16(ip + FP_IP4_OFF_CSUM, 0);
		fp_store_be16(tcp + FP_TCP_OFF_CSUM, fp_csum_fold16(sum));
	} else {
		/* Header fields summed from their values, not read back after
		 * the stores above; the payload's sum reused when known. */
		sum = fp_csum_add(sum,
				(a->sport + a->dport + (seq >> 16) + (seq & 0xffff)) + (ack >> 16) +
						(ack & 0xffff) + doff_flags + win);
		if (optlen)
			sum = fp_csum_partial(opts, optlen, sum);
		if (pl->len)
			sum = pl->have_sum ? fp_csum_add(sum, pl->sum) :
					     fp_csum_partial(tcp + hlen, pl->len, sum);
		fp_store_be16(tcp + FP_TCP_OFF_CSUM, fp_csum_fold(sum));
	}
	/* Pad runts to the Ethernet minimum (IPv4 total length marks the end). */
	if (flen < FP_ETH_MIN_FRAME && room >= FP_ETH_MIN_FRAME) {
		memset(frame + flen, 0, FP_ETH_MIN_FRAME - flen);
		flen = FP_ETH_MIN_FRAME;
	}
	return flen;
}

int
fp__tcp_send_raw(struct tcp_out *o, const struct tcp_addr *to, uint32_t seq, uint32_t ack,
		uint8_t flags, uint16_t win, const uint8_t *opts, uint8_t optlen, uint16_t ip_id)
{
	uint16_t room;
	uint8_t *frame = out_get(o, (uint16_t)(SEG_HDR + optlen), &room);
	struct seg_payload none = {0};
	struct tcp_addr a = *to;
	uint8_t peer[6];
	int offload;

	if (frame == NULL)
		return -1;
	offload = out_route(o, frame, &a, peer);
	out_put(o, frame,
			seg_write(frame, room, &a, ip_id, seq, ack, flags, win, opts, optlen, &none,
					offload),
			a.port, offload);
	if (flags & FP_TCP_RST)
		fp_stats_inc(o->ctx->stats, FP_CTR_TCP_RST_SENT);
	return 0;
}

uint8_t
fp__tcp_synack_opts(uint8_t *opts, uint16_t mss, int wscale, int sack_ok)
{
	uint8_t n = 4;

	opts[0] = FP_TCPOPT_MSS;
	opts[1] = 4;
	fp_store_be16(opts + 2, mss);
	/* RFC 7323 2.2 and RFC 2018 2: only answer an option with the same. */
	if (wscale >= 0) {
		opts[n++] = FP_TCPOPT_NOP;
		opts[n++] = FP_TCPOPT_WSCALE;
		opts[n++] = 3;
		opts[n++] = (uint8_t)wscale;
	}
	if (sack_ok) {
		opts[n++] = FP_TCPOPT_NOP;
		opts[n++] = FP_TCPOPT_NOP;
		opts[n++] = FP_TCPOPT_SACK_OK;
		opts[n++] = 2;
	}
	return n;
}

/*
 * SACK blocks (RFC 2018 4): a pending D-SACK block first (RFC 2883 4), then
 * the out-of-order range with the latest segment, then the others, as many
 * as fit (fp__tcp_sack_blocks()). @return option bytes
 */
static uint8_t
sack_opts(const struct tcp_flow *f, uint8_t *opts)
{
	uint32_t left = fp__tcp_sack_blocks(f);
	uint8_t i, n = 4;

	opts[0] = FP_TCPOPT_NOP;
	opts[1] = FP_TCPOPT_NOP;
	opts[2] = TCP_OPT_SACK;
	opts[3] = (uint8_t)(2 + 8 * left);
	if (f->dsack) {
		fp_store_be32(opts + n, f->dsack_r.start);
		fp_store_be32(opts + n + 4, f->dsack_r.end);
		n += 8;
		left--;
	}
	if (left && f->n_ooo) {
		fp_store_be32(opts + n, f->ooo[f->ooo_recent].start);
		fp_store_be32(opts + n + 4, f->ooo[f->ooo_recent].end);
		n += 8;
		left--;
	}
	for (i = 0; left && i < f->n_ooo; i++) {
		if (i == f->ooo_recent)
			continue;
		fp_store_be32(opts + n, f->ooo[i].start);
		fp_store_be32(opts + n + 4, f->ooo[i].end);
		n += 8;
		left--;
	}
	return n;
}

static void
flow_addr(const struct fp_ctx *ctx, const struct tcp_flow *f, struct tcp_addr *a)
{
	a->dmac = f->peer_mac;
	a->smac = ctx->ifaces[f->port].mac;
	a->sip = f->lip;
	a->dip = f->rip;
	a->sport = f->lport;
	a->dport = f->rport;
	a->port = f->port;
}

/*
 * The window field, scaled (RFC 7323 2.3). Receiver SWS avoidance (RFC 9293
 * 3.8.6.2.2): the right edge moves only by min(buffer / 2, MSS) or more, so a
 * slow reader sees a closed window instead of a trickle of tiny ones.
 */
static uint16_t
wnd_field(struct tcp_flow *f)
{
	uint32_t edge = f->rcv_nxt + fp__tcp_rcv_wnd(f);
	uint32_t step = fp__tcp_sws_step(f);
	uint32_t w;

	if (seq_geq(f->rcv_adv, f->rcv_nxt) && seq_lt(edge, f->rcv_adv + step))
		edge = f->rcv_adv;
	w = (edge - f->rcv_nxt) >> f->rcv_ws;
	f->rcv_adv = f->rcv_nxt + (w << f->rcv_ws);
	return (uint16_t)w;
}

int
fp__tcp_send_seg(struct tcp_out *o, struct tcp_flow *f, uint32_t seq, uint8_t flags, uint32_t off,
		uint32_t len)
{
	struct tcp_addr a;
	uint8_t opts[4 + 8 * TCP_SACK_BLOCKS_MAX];
	uint8_t optlen = fp__tcp_sack_len(f) ? sack_opts(f, opts) : 0;
	uint16_t room;
	uint8_t *frame = out_get(o, (uint16_t)(SEG_HDR + optlen + len), &room);
	struct seg_payload pl = {.f = f, .off = off, .len = len};
	uint8_t peer[6];
	int offload;

	if (frame == NULL)
		return -1;
	flow_addr(o->ctx, f, &a);
	offload = out_route(o, frame, &a, peer);
	/* Exactly the bytes just received: their sum is known or the NIC's (fp_tcp_input()). */
	if (len && o->echo_len == len && o->echo_seq == seq) {
		pl.in_place = o->echo_data;
		pl.sum = o->echo_sum;
		pl.have_sum = o->echo_have_sum;
	}
	out_put(o, frame,
			seg_write(frame, room, &a, f->ip_id++, seq, f->rcv_nxt, flags, wnd_field(f),
					opts, optlen, &pl, offload),
			a.port, offload);
	f->dsack = 0; /* RFC 2883 4: each duplicate is reported once */
	return 0;
}

void
fp__tcp_send_ack(struct tcp_out *o, struct tcp_flow *f)
{
	fp__tcp_send_seg(o, f, f->snd_nxt, FP_TCP_ACK, 0, 0);
}

void
fp__tcp_send_rst_flow(struct tcp_out *o, struct tcp_flow *f)
{
	struct tcp_addr a;

	flow_addr(o->ctx, f, &a);
	if (fp__tcp_send_raw(o, &a, f->snd_nxt, 0, FP_TCP_RST, 0, NULL, 0, f->ip_id) == 0)
		f->ip_id++;
}

void
fp__tcp_send_synack(struct tcp_out *o, struct tcp_flow *f)
{
	struct tcp_addr a;
	uint8_t opts[12];
	uint8_t optlen = fp__tcp_synack_opts(opts, fp__tcp_our_mss(o->ctx, f->port),
			(f->flags & TF_WSCALE) ? f->rcv_ws : -1, !!(f->flags & TF_SACK));
	uint32_t w = fp__tcp_rcv_wnd(f);

	/* RFC 7323 2.2: the window in a SYN segment is never scaled. */
	flow_addr(o->ctx, f, &a);
	if (w > 65535)
		w = 65535;
	if (fp__tcp_send_raw(o, &a, f->iss, f->rcv_nxt, FP_TCP_SYN | FP_TCP_ACK, (uint16_t)w, opts,
			    optlen, f->ip_id) == 0) {
		f->ip_id++;
		f->rcv_adv = f->rcv_nxt + w;
	}
}

static int
fin_sent_state(uint8_t state)
{
	return state == FP_TCP_FIN_WAIT_1 || state == FP_TCP_CLOSING || state == FP_TCP_LAST_ACK;
}

/* len bytes from SND.NXT went out: count them, time them, move SND.NXT on. */
static void
data_sent(struct fp_ctx *ctx, struct tcp_flow *f, uint32_t len)
{
	if (seq_lt(f->snd_nxt, f->snd_max)) {
		fp_stats_inc(ctx->stats, FP_CTR_TCP_RETRANSMITS);
		f->retransmits++;
		if (seq_gt(f->snd_nxt + len, f->snd_max))
			fp_stats_add(ctx->stats, FP_CTR_TCP_BYTES_ECHOED, f->snd_nxt + len - f->snd_max);
	} else {
		fp_stats_add(ctx->stats, FP_CTR_TCP_BYTES_ECHOED, len);
		/* RFC 6298 3: time one segment per RTT, never a retransmitted one. */
		if (!(f->flags & TF_RTT)) {
			f->flags |= TF_RTT;
			f->rtt_seq = f->snd_nxt + len;
			f->rtt_ts = ctx->now_us;
		}
	}
	f->snd_nxt += len;
}

void
fp__tcp_output(struct tcp_out *o, struct tcp_flow *f, int force_ack)
{
	struct fp_ctx *ctx = o->ctx;
	struct fp_tcp *t = ctx->tcp;
	uint32_t data_end, limit, wnd;
	int sent = 0, want_fin;

	if (f->state != FP_TCP_ESTABLISHED && f->state != FP_TCP_CLOSE_WAIT &&
			!fin_sent_state(f->state)) {
		if (force_ack)
			fp__tcp_send_ack(o, f);
		return;
	}
	data_end = f->snd_una + fp__tcp_buffered(f);
	wnd = f->snd_wnd < f->cwnd ? f->snd_wnd : f->cwnd;
	limit = f->snd_una + wnd;
	/* Our FIN goes after the last echoed byte: the peer closed (CLOSE_WAIT,
	 * RFC 9293 3.10.4), we are draining, or a FIN needs sending again. */
	want_fin = f->state == FP_TCP_CLOSE_WAIT || fin_sent_state(f->state) ||
			(f->state == FP_TCP_ESTABLISHED && (f->flags & TF_DRAIN));

	/* Never beyond the peer's window (RFC 9293 3.8.6) or cwnd (RFC 5681). */
	while (seq_lt(f->snd_nxt, data_end) && seq_lt(f->snd_nxt, limit)) {
		uint32_t len = data_end - f->snd_nxt;
		uint32_t mss = fp__tcp_seg_mss(f); /* smaller while a D-SACK is pending */
		uint8_t flags = FP_TCP_ACK;

		if (len > mss)
			len = mss;
		if (len > limit - f->snd_nxt)
			len = limit - f->snd_nxt;
		if (f->snd_nxt + len == data_end) {
			flags |= FP_TCP_PSH;
			if (want_fin)
				flags |= FP_TCP_FIN;
		}
		if (fp__tcp_send_seg(o, f, f->snd_nxt, flags, f->snd_nxt - f->snd_una, len) < 0)
			break;
		sent = 1;
		data_sent(ctx, f, len);
		if (flags & FP_TCP_FIN)
			goto fin_sent;
		if (seq_gt(f->snd_nxt, f->snd_max))
			f->snd_max = f->snd_nxt;
	}
	if (want_fin && f->snd_nxt == data_end && !o->failed) {
		if (fp__tcp_send_seg(o, f, f->snd_nxt, FP_TCP_FIN | FP_TCP_ACK, 0, 0) < 0)
			goto out;
		sent = 1;
		if (seq_lt(f->snd_nxt, f->snd_max)) {
			fp_stats_inc(ctx->stats, FP_CTR_TCP_RETRANSMITS);
			f->retransmits++;
		}
		goto fin_sent;
	}
	goto out;

fin_sent:
	f->snd_nxt++;
	if (seq_gt(f->snd_nxt, f->snd_max))
		f->snd_max = f->snd_nxt;
	if (f->state == FP_TCP_CLOSE_WAIT)
		fp__tcp_set_state(t, f, FP_TCP_LAST_ACK, ctx->now_us);
	else if (f->state == FP_TCP_ESTABLISHED)
		fp__tcp_set_state(t, f, FP_TCP_FIN_WAIT_1, ctx->now_us);
	/* Data still out of order can no longer be echoed after our FIN. */
	f->n_ooo = 0;
out:
	if (o->failed) {
		/* Nothing is lost: the bytes stay buffered and the timer tries again. */
		f->flags |= TF_TX_RETRY;
		if (f->rtx_at == 0 || f->rtx_at > ctx->now_us + TCP_TX_RETRY_US) {
			f->rtx_at = ctx->now_us + TCP_TX_RETRY_US;
			fp__tcp_timer_arm(t, f, f->rtx_at);
		}
	} else if (f->snd_max != f->snd_una) {
		fp__tcp_rtx_start(t, f, ctx->now_us);
	} else if (seq_lt(f->snd_nxt, data_end) && f->snd_wnd == 0) {
		fp__tcp_persist_start(t, f, ctx->now_us);
	}
	if (!sent && force_ack && !o->failed)
		fp__tcp_send_ack(o, f);
}

int
fp__tcp_output_echo(struct tcp_out *o, struct tcp_flow *f)
{
	struct fp_ctx *ctx = o->ctx;
	uint32_t len = o->echo_len;
	uint32_t wnd = f->snd_wnd < f->cwnd ? f->snd_wnd : f->cwnd;
	struct seg_payload pl = {.f = f, .off = f->snd_nxt - f->snd_una, .len = len,
			.in_place = o->echo_data, .sum = o->echo_sum,
			.have_sum = o->echo_have_sum};
	struct tcp_addr a;
	uint8_t peer[6];
	uint8_t *frame;
	int offload;

	/* What fp__tcp_output() would send is this segment alone, and in place:
	 * nothing unsent before or after it (out-of-order data it joined), no
	 * FIN due, no SACK option, one MSS, inside both windows. */
	if (len == 0 || f->state != FP_TCP_ESTABLISHED || (f->flags & TF_DRAIN) ||
			f->snd_nxt != o->echo_seq ||
			f->snd_una + fp__tcp_buffered(f) != o->echo_seq + len ||
			fp__tcp_sack_len(f) != 0 || len > f->mss ||
			f->snd_nxt - f->snd_una + len > wnd || o->pkt == NULL || o->inplace ||
			o->failed || o->pkt->room < SEG_HDR + len)
		return -1;
	frame = o->pkt->data;
	flow_addr(ctx, f, &a);
	offload = out_route(o, frame, &a, peer);
	out_put(o, frame,
			seg_write(frame, o->pkt->room, &a, f->ip_id++, f->snd_nxt, f->rcv_nxt,
					FP_TCP_ACK | FP_TCP_PSH, wnd_field(f), NULL, 0, &pl, offload),
			a.port, offload);
	data_sent(ctx, f, len);
	f->snd_max = f->snd_nxt;
	fp__tcp_rtx_start(ctx->tcp, f, ctx->now_us);
	return 0;
}
