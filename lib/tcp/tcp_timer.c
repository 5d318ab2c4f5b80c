/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Timers: RTO estimation and retransmission (RFC 6298), persist probes
 * (RFC 9293 3.8.6.1), SYN-ACK retries, idle and FIN_WAIT/TIME_WAIT expiry.
 * Each working record sits in at most one wheel slot, filed under the
 * earliest of its deadlines; packets only move it when a deadline gets
 * earlier, so the per-packet cost is a store. Compact flows have no timer: a
 * sweep over the slots ends the idle ones. fp_tick() calls fp_tcp_tick()
 * from the poll loop.
 */
#include "fp/stats.h"
#include "tcp_priv.h"

static uint64_t
max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

void
fp__tcp_rtt_sample(struct tcp_flow *f, uint32_t r_us, const struct fp_cfg_tcp *cfg)
{
	uint64_t rto;

	if (r_us == 0)
		r_us = 1;
	if (f->srtt_us == 0) {
		/* RFC 6298 2.2: first measurement. */
		f->srtt_us = r_us;
		f->rttvar_us = r_us / 2;
	} else {
		/* RFC 6298 2.3: beta = 1/4, alpha = 1/8; RTTVAR first, with the old SRTT. */
		uint32_t delta = f->srtt_us > r_us ? f->srtt_us - r_us : r_us - f->srtt_us;

		f->rttvar_us = (uint32_t)(((uint64_t)f->rttvar_us * 3 + delta) / 4);
		f->srtt_us = (uint32_t)(((uint64_t)f->srtt_us * 7 + r_us) / 8);
	}
	/* RTO = SRTT + max(G, 4 * RTTVAR), G = our timer granularity; 2.4/2.5 clamps. */
	rto = f->srtt_us + max_u64(TCP_WHEEL_GRAN, (uint64_t)f->rttvar_us * 4);
	if (rto < (uint64_t)cfg->rto_min_ms * 1000)
		rto = (uint64_t)cfg->rto_min_ms * 1000;
	if (rto > (uint64_t)cfg->rto_max_ms * 1000)
		rto = (uint64_t)cfg->rto_max_ms * 1000;
	f->rto_us = (uint32_t)rto;
}

uint64_t
fp__tcp_rto_cur(const struct tcp_flow *f, const struct fp_cfg_tcp *cfg)
{
	uint64_t max = (uint64_t)cfg->rto_max_ms * 1000;
	uint64_t rto = f->rto_us;
	unsigned i;

	/* RFC 6298 5.5: back off by doubling, capped (2.5). */
	for (i = 0; i < f->backoff && rto < max; i++)
		rto <<= 1;
	return rto < max ? rto : max;
}

void
fp__tcp_rtx_start(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us)
{
	if (f->rtx_at != 0)
		return;
	f->rtx_at = now_us + fp__tcp_rto_cur(f, &t->cfg);
	fp__tcp_timer_arm(t, f, f->rtx_at);
}

void
fp__tcp_rtx_restart(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us)
{
	f->rtx_at = now_us + fp__tcp_rto_cur(f, &t->cfg);
	fp__tcp_timer_arm(t, f, f->rtx_at);
}

void
fp__tcp_persist_start(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us)
{
	fp__tcp_rtx_start(t, f, now_us);
}

/*
 * When the flow's state alone ends it: idle, or the linger, since the state
 * began or the last segment. States with our SYN or FIN unacknowledged have
 * none: their retransmission retries end them (RFC 9293 3.8.3 R2), and a
 * linger there would abort a close that is still being retransmitted.
 */
static uint64_t
state_deadline(const struct fp_tcp *t, const struct tcp_flow *f)
{
	switch (f->state) {
	case FP_TCP_ESTABLISHED:
	case FP_TCP_CLOSE_WAIT:
		if (t->cfg.idle_timeout_s == 0)
			return UINT64_MAX;
		return f->last_active + (uint64_t)t->cfg.idle_timeout_s * 1000000;
	case FP_TCP_FIN_WAIT_2:
	case FP_TCP_TIME_WAIT:
		/* RFC 9293 3.10.8: 2 MSL in TIME_WAIT; our MSL is configured short.
		 * FIN_WAIT_2 waits as long for the peer's FIN. */
		return f->last_active + (uint64_t)t->cfg.time_wait_ms * 1000;
	default:
		/* SYN_RECEIVED, FIN_WAIT_1, CLOSING, LAST_ACK: see above. */
		return UINT64_MAX;
	}
}

static uint64_t
next_deadline(const struct fp_tcp *t, const struct tcp_flow *f)
{
	uint64_t d = state_deadline(t, f);

	return f->rtx_at != 0 && f->rtx_at < d ? f->rtx_at : d;
}

void
fp__tcp_deadline_arm(struct fp_tcp *t, struct tcp_flow *f)
{
	uint64_t d = next_deadline(t, f);

	if (d != UINT64_MAX)
		fp__tcp_timer_arm(t, f, d);
}

void
fp__tcp_set_state(struct fp_tcp *t, struct tcp_flow *f, uint8_t state, uint64_t now_us)
{
	if (f->state == FP_TCP_SYN_RECEIVED)
		t->n_half_open--;
	if (state == FP_TCP_SYN_RECEIVED)
		t->n_half_open++;
	f->state = state;
	/* A flow idle for long before our FIN must still get its whole linger. */
	f->last_active = now_us;
	if (f->flags & TF_IN_USE) {
		uint64_t d = next_deadline(t, f);

		if (d != UINT64_MAX)
			fp__tcp_timer_arm(t, f, d);
	}
}

void
fp__tcp_flow_end(struct fp_ctx *ctx, struct tcp_flow *f, enum fp_counter ctr)
{
	fp_stats_inc(ctx->stats, ctr);
	fp__tcp_flow_free(ctx, f);
}

/*
 * The persist probe: one byte past a zero window (RFC 9293 3.8.6.1). A peer
 * that answers the probes may keep its window shut for ever; one that does
 * not answer TCP_DATA_RETRIES of them in a row is gone, as after as many RTOs.
 * @return -1 when the flow was aborted
 */
static int
persist_probe(struct tcp_out *o, struct tcp_flow *f, uint64_t now_us)
{
	struct fp_tcp *t = o->ctx->tcp;

	if (f->probes >= TCP_DATA_RETRIES) {
		fp__tcp_send_rst_flow(o, f);
		fp__tcp_flow_end(o->ctx, f, FP_CTR_FLOWS_TIMED_OUT);
		return -1;
	}
	if (fp__tcp_send_seg(o, f, f->snd_una, FP_TCP_ACK, 0, 1) == 0) {
		f->probes++;
		fp_stats_inc(o->ctx->stats, FP_CTR_TCP_PERSIST_PROBES);
		f->snd_nxt = f->snd_una + 1;
		if (seq_gt(f->snd_nxt, f->snd_max)) {
			f->snd_max = f->snd_nxt;
			fp_stats_inc(o->ctx->stats, FP_CTR_TCP_BYTES_ECHOED);
		}
		/* The probe is not timed (Karn) and backs off like the RTO, without
		 * a retry limit: a peer that answers probes is alive. */
		f->flags &= (uint8_t)~TF_RTT;
		if (fp__tcp_rto_cur(f, &t->cfg) < (uint64_t)t->cfg.rto_max_ms * 1000)
			f->backoff++;
	}
	fp__tcp_rtx_restart(t, f, now_us);
	return 0;
}

/* RFC 6298 5.4-5.6 and RFC 5681 3.1: retransmit from snd_una, back off. */
static int
rto_expired(struct tcp_out *o, struct tcp_flow *f, uint64_t now_us)
{
	struct fp_ctx *ctx = o->ctx;
	struct fp_tcp *t = ctx->tcp;
	uint32_t flight = f->snd_max - f->snd_una;

	if (f->state == FP_TCP_SYN_RECEIVED) {
		if (f->backoff >= TCP_SYNACK_RETRIES) {
			fp__tcp_flow_end(ctx, f, FP_CTR_FLOWS_TIMED_OUT);
			return -1;
		}
		f->backoff++;
		f->flags &= (uint8_t)~TF_RTT;
		fp__tcp_send_synack(o, f);
		fp_stats_inc(ctx->stats, FP_CTR_TCP_RETRANSMITS);
		f->retransmits++;
		fp__tcp_rtx_restart(t, f, now_us);
		return 0;
	}
	if (f->backoff >= TCP_DATA_RETRIES) {
		/* RFC 9293 3.8.3 R2: give up, and tell the peer. */
		fp__tcp_send_rst_flow(o, f);
		fp__tcp_flow_end(ctx, f, FP_CTR_FLOWS_TIMED_OUT);
		return -1;
	}
	f->ssthresh = flight / 2 > 2u * f->mss ? flight / 2 : 2u * f->mss;
	f->cwnd = f->mss;
	f->flags &= (uint8_t) ~(TF_RTT | TF_RECOVERY);
	f->n_sack = 0; /* RFC 2018 8: after an RTO the receiver may have reneged */
	f->dupacks = 0;
	f->backoff++;
	f->snd_nxt = f->snd_una;
	f->rtx_at = 0;
	fp__tcp_output(o, f, 0);
	fp__tcp_rtx_start(t, f, now_us);
	return 0;
}

void
fp__tcp_expire(struct fp_ctx *ctx, struct tcp_flow *f, uint64_t now_us)
{
	struct fp_tcp *t = ctx->tcp;
	struct tcp_out o = {.ctx = ctx};
	uint64_t d;

	if (now_us >= state_deadline(t, f)) {
		if (f->state == FP_TCP_TIME_WAIT) {
			fp__tcp_flow_end(ctx, f, FP_CTR_FLOWS_CLOSED);
		} else {
			/* Idle, or no FIN from the peer: abort so the table drains. */
			fp__tcp_send_rst_flow(&o, f);
			fp__tcp_flow_end(ctx, f, FP_CTR_FLOWS_TIMED_OUT);
		}
		return;
	}
	if (f->rtx_at != 0 && now_us >= f->rtx_at) {
		f->rtx_at = 0;
		if (f->flags & TF_TX_RETRY) {
			/* A tx alloc failed earlier: just try the output again. */
			f->flags &= (uint8_t)~TF_TX_RETRY;
			fp__tcp_output(&o, f, 0);
		} else if (f->state != FP_TCP_SYN_RECEIVED && f->snd_wnd == 0 &&
				fp__tcp_buffered(f) > 0) {
			/* Zero window, with or without data in flight: probe rather than
			 * retransmit into a window that cannot take it. */
			if (persist_probe(&o, f, now_us) < 0)
				return;
		} else if (f->snd_max != f->snd_una || f->state == FP_TCP_SYN_RECEIVED) {
			if (rto_expired(&o, f, now_us) < 0)
				return;
		} else {
			fp__tcp_output(&o, f, 0);
		}
	}
	d = next_deadline(t, f);
	if (d != UINT64_MAX)
		fp__tcp_timer_arm(t, f, d);
	fp__tcp_settle(t, f, now_us);
}

static void
slot_addr(const struct fp_ctx *ctx, const struct tcp_slot *sl, struct tcp_addr *a)
{
	a->dmac = sl->peer_mac;
	a->smac = ctx->ifaces[fp__tcp_slot_port(sl)].mac;
	a->sip = sl->lip;
	a->dip = sl->rip;
	a->sport = sl->lport;
	a->dport = sl->rport;
	a->port = fp__tcp_slot_port(sl);
}

/* A compact flow idle for the timeout: abort it, as a record's expiry does. */
static void
compact_expire(struct fp_ctx *ctx, struct tcp_slot *sl)
{
	struct tcp_out o = {.ctx = ctx};
	struct tcp_addr a;

	slot_addr(ctx, sl, &a);
	fp__tcp_send_raw(&o, &a, sl->snd_una, 0, FP_TCP_RST, 0, NULL, 0, sl->ip_id);
	fp_stats_inc(ctx->stats, FP_CTR_FLOWS_TIMED_OUT);
	fp__tcp_slot_free(ctx, sl);
}

/* The FIN a drain owes a compact flow needs its record back. @return 0 once sent */
static int
compact_drain(struct fp_ctx *ctx, struct tcp_slot *sl, uint64_t now_us)
{
	struct tcp_out o = {.ctx = ctx};
	struct tcp_flow *f = fp__tcp_thaw(ctx->tcp, sl, now_us);

	if (f == NULL)
		return -1;
	fp__tcp_output(&o, f, 0);
	fp__tcp_settle(ctx->tcp, f, now_us);
	return 0;
}

/*
 * The sweep: one pass over the slots per epoch (TCP_SWEEP_EPOCHS to an idle
 * timeout), so a compact flow is ended after between 8 and 10 epochs of
 * silence: never before idle_timeout_s, at most a quarter later. While a
 * drain still owes compact flows their FIN it goes faster.
 */
static void
sweep(struct fp_ctx *ctx, uint64_t now_us)
{
	struct fp_tcp *t = ctx->tcp;
	uint8_t cur = fp__tcp_epoch(t, now_us);
	uint64_t n;

	if (t->sweep_last_us == 0 || now_us <= t->sweep_last_us) {
		if (t->sweep_last_us == 0)
			t->sweep_last_us = now_us;
		return;
	}
	if (now_us - t->sweep_last_us >= t->epoch_us) {
		n = t->max_flows;
		t->sweep_last_us = now_us;
	} else {
		n = (now_us - t->sweep_last_us) * t->max_flows / t->epoch_us;
		t->sweep_last_us += n * t->epoch_us / t->max_flows;
	}
	if (t->drain_owed && n < 1024)
		n = 1024;
	if (n > t->max_flows)
		n = t->max_flows;
	while (n--) {
		struct tcp_slot *sl = &t->slots[t->sweep_pos];

		if (++t->sweep_pos == t->max_flows)
			t->sweep_pos = 0;
		if (!(sl->flags & SF_IN_USE) || sl->rec != TCP_NONE)
			continue;
		if (sl->flags & SF_DRAIN)
			compact_drain(ctx, sl, now_us);
		else if (t->cfg.idle_timeout_s &&
				((cur - (sl->ws_epoch >> 4)) & 15) > TCP_SWEEP_EPOCHS)
			compact_expire(ctx, sl);
	}
}

void
fp_tcp_tick(struct fp_ctx *ctx, uint64_t now_us)
{
	struct fp_tcp *t = ctx->tcp;
	uint64_t target = now_us / TCP_WHEEL_GRAN;
	uint64_t tick;

	if (t == NULL || target <= t->wheel_tick)
		return;
	/* Output below timestamps with ctx->now_us (RTT samples, deadlines). */
	if (now_us > ctx->now_us)
		ctx->now_us = now_us;
	tick = t->wheel_tick + 1;
	/* After a long pause one lap visits every slot once. */
	if (target - t->wheel_tick > TCP_WHEEL_SLOTS)
		tick = target - TCP_WHEEL_SLOTS + 1;
	for (; tick <= target; tick++) {
		uint32_t slot = (uint32_t)(tick & (TCP_WHEEL_SLOTS - 1));
		uint32_t i = t->wheel[slot];

		t->wheel_tick = tick;
		t->wheel[slot] = TCP_NONE;
		while (i != TCP_NONE) {
			struct tcp_flow *f = &t->flows[i];

			i = f->tnext;
			f->tnext = f->tprev = TCP_NONE;
			f->t_linked = 0;
			if (f->t_when <= target)
				fp__tcp_expire(ctx, f, now_us);
			else
				fp__tcp_timer_arm(t, f, f->t_when * TCP_WHEEL_GRAN);
		}
	}
	sweep(ctx, now_us);
}

void
fp__tcp_timer_refile(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us)
{
	uint64_t min = (uint64_t)t->cfg.rto_min_ms * 1000, max = (uint64_t)t->cfg.rto_max_ms * 1000;
	uint64_t d;

	if (f->rto_us < min)
		f->rto_us = (uint32_t)min;
	if (f->rto_us > max)
		f->rto_us = (uint32_t)max;
	/* A retransmission backed off under a higher cap is due by the new one. */
	if (f->rtx_at != 0 && f->rtx_at > now_us + max)
		f->rtx_at = now_us + max;
	d = next_deadline(t, f);
	if (d != UINT64_MAX)
		fp__tcp_timer_arm(t, f, d);
}

void
fp_tcp_drain(struct fp_ctx *ctx)
{
	struct fp_tcp *t = ctx->tcp;
	uint32_t i;

	if (t == NULL)
		return;
	t->draining = 1;
	for (i = 0; i < t->max_active; i++) {
		struct tcp_flow *f = &t->flows[i];
		struct tcp_out o = {.ctx = ctx};

		if (!(f->flags & TF_IN_USE))
			continue;
		f->flags |= TF_DRAIN;
		/* RFC 9293 3.10.4 CLOSE: FIN after the queued data. */
		if (f->state == FP_TCP_ESTABLISHED)
			fp__tcp_output(&o, f, 0);
	}
	/* Compact flows: each owes its FIN until it gets a record (the sweep retries). */
	for (i = 0; i < t->max_flows; i++) {
		struct tcp_slot *sl = &t->slots[i];

		if (!(sl->flags & SF_IN_USE) || sl->rec != TCP_NONE || (sl->flags & SF_DRAIN))
			continue;
		sl->flags |= SF_DRAIN;
		t->drain_owed++;
		compact_drain(ctx, sl, ctx->now_us);
	}
}
