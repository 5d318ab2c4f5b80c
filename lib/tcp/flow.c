/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP engine's memory: fp_tcp_init() carves the caller's block into the
 * engine header, the flow array, the hash bucket heads and the echo buffers.
 * Flows are found by 4-tuple through a keyed hash with chaining over indices
 * and are filed in a hashed timer wheel (advanced by fp_tcp_tick()).
 */
#include <errno.h>
#include <string.h>

#include "fp/stats.h"
#include "siphash.h"
#include "tcp_priv.h"

#define ALIGN64(x) (((x) + (size_t)63) & ~(size_t)63)

static uint32_t
pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n && p < (1u << 31))
		p <<= 1;
	return p;
}

static int
cfg_valid(const struct fp_cfg_tcp *cfg)
{
	if (cfg->max_flows == 0 || cfg->max_flows >= (1u << 24))
		return 0;
	if (cfg->buffer_size < 256 || (cfg->buffer_size & (cfg->buffer_size - 1)) != 0)
		return 0;
	if (cfg->mss < 64 || cfg->n_listen > FP_CFG_MAX_LISTEN)
		return 0;
	if (cfg->rto_min_ms == 0 || cfg->rto_min_ms > cfg->rto_max_ms ||
			cfg->rto_initial_ms < cfg->rto_min_ms ||
			cfg->rto_initial_ms > cfg->rto_max_ms)
		return 0;
	return cfg->syn_cookies <= 2;
}

struct layout {
	size_t flows, buckets, bufmem, total;
};

static int
layout_of(const struct fp_cfg_tcp *cfg, struct layout *l)
{
	size_t nb = pow2_at_least(cfg->max_flows);

	if (!cfg_valid(cfg))
		return -EINVAL;
	/* Echo buffers dominate: refuse a configuration whose size overflows size_t. */
	if ((size_t)cfg->buffer_size > (SIZE_MAX / 2) / cfg->max_flows)
		return -EINVAL;
	l->flows = ALIGN64(sizeof(struct fp_tcp));
	l->buckets = l->flows + ALIGN64(sizeof(struct tcp_flow) * cfg->max_flows);
	l->bufmem = l->buckets + ALIGN64(sizeof(uint32_t) * nb);
	l->total = l->bufmem + (size_t)cfg->buffer_size * cfg->max_flows;
	return 0;
}

int
fp_tcp_reconfigure(struct fp_tcp *t, const struct fp_cfg_tcp *cfg, uint64_t now_us)
{
	struct fp_cfg_tcp old;

	if (t == NULL || !cfg_valid(cfg) || cfg->max_flows != t->cfg.max_flows ||
			cfg->buffer_size != t->cfg.buffer_size)
		return -EINVAL;
	old = t->cfg;
	t->cfg = *cfg;
	t->mss = cfg->mss;
	/*
	 * A later deadline needs nothing: the wheel visits a flow filed too early
	 * and files it again (fp_tcp_tick()). An earlier one, or new RTO bounds,
	 * must reach every open flow now, or it would wait for the old deadline.
	 */
	if (cfg->idle_timeout_s >= old.idle_timeout_s && cfg->time_wait_ms >= old.time_wait_ms &&
			cfg->rto_min_ms == old.rto_min_ms && cfg->rto_max_ms == old.rto_max_ms)
		return 0;
	for (uint32_t i = 0; i < t->max_flows; i++) {
		if (t->flows[i].flags & TF_IN_USE)
			fp__tcp_timer_refile(t, &t->flows[i], now_us);
	}
	return 0;
}

size_t
fp_tcp_mem_size(const struct fp_cfg_tcp *cfg)
{
	struct layout l;

	if (layout_of(cfg, &l) < 0)
		return 0;
	return l.total;
}

struct fp_tcp *
fp_tcp_init(void *mem, size_t mem_len, const struct fp_cfg_tcp *cfg, const struct fp_tcp_keys *keys)
{
	struct fp_tcp *t = mem;
	struct layout l;
	uint32_t i;

	if (mem == NULL || keys == NULL || ((uintptr_t)mem & 63) != 0 || layout_of(cfg, &l) < 0 ||
			mem_len < l.total)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	/* Offsets are 64-byte multiples from a 64-byte aligned base. */
	t->flows = (struct tcp_flow *)(void *)((uint8_t *)mem + l.flows);
	t->buckets = (uint32_t *)(void *)((uint8_t *)mem + l.buckets);
	t->bufmem = (uint8_t *)mem + l.bufmem;
	t->max_flows = cfg->max_flows;
	t->bucket_mask = pow2_at_least(cfg->max_flows) - 1;
	/* syn_cookies == 2: cookies once a quarter of the table is half-open. */
	t->half_open_max = cfg->max_flows / 4 ? cfg->max_flows / 4 : 1;
	t->mss = cfg->mss;
	/* RFC 7323 2.3: the smallest shift that lets 16 bits cover the whole buffer. */
	while (t->rcv_ws < TCP_MAX_WSCALE && (cfg->buffer_size >> t->rcv_ws) > 65535)
		t->rcv_ws++;
	t->keys = *keys;
	for (i = 0; i <= t->bucket_mask; i++)
		t->buckets[i] = TCP_NONE;
	for (i = 0; i < TCP_WHEEL_SLOTS; i++)
		t->wheel[i] = TCP_NONE;
	for (i = 0; i < t->max_flows; i++) {
		t->flows[i].flags = 0;
		t->flows[i].hnext = i + 1 < t->max_flows ? i + 1 : TCP_NONE;
	}
	t->free_head = 0;
	return t;
}

static inline uint32_t
flow_hash(const struct fp_tcp *t, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport)
{
	return (uint32_t)fp__tcp_tuple_hash(t->keys.flow_hash, lip, rip, lport, rport);
}

struct tcp_flow *
fp__tcp_flow_lookup(struct fp_tcp *t, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport)
{
	uint32_t i = t->buckets[flow_hash(t, lip, rip, lport, rport) & t->bucket_mask];

	while (i != TCP_NONE) {
		struct tcp_flow *f = &t->flows[i];

		if (f->rip == rip && f->rport == rport && f->lport == lport && f->lip == lip)
			return f;
		i = f->hnext;
	}
	return NULL;
}

struct tcp_flow *
fp__tcp_flow_new(struct fp_ctx *ctx, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport)
{
	struct fp_tcp *t = ctx->tcp;
	struct tcp_flow *f;
	uint32_t idx, b;

	if (t->free_head == TCP_NONE)
		return NULL;
	idx = t->free_head;
	f = &t->flows[idx];
	t->free_head = f->hnext;
	memset(f, 0, sizeof(*f));
	f->lip = lip;
	f->rip = rip;
	f->lport = lport;
	f->rport = rport;
	f->flags = TF_IN_USE;
	f->tnext = f->tprev = TCP_NONE;
	f->created_us = ctx->now_us;
	f->last_active = ctx->now_us;
	fp_echo_buf_init(&f->buf, t->bufmem + (size_t)idx * t->cfg.buffer_size, t->cfg.buffer_size);
	b = flow_hash(t, lip, rip, lport, rport) & t->bucket_mask;
	f->hnext = t->buckets[b];
	t->buckets[b] = idx;
	t->n_flows++;
	fp_stats_inc(ctx->stats, FP_CTR_FLOWS_OPENED);
	fp_stats_set_flows_open(ctx->stats, t->n_flows);
	return f;
}

void
fp__tcp_flow_free(struct fp_ctx *ctx, struct tcp_flow *f)
{
	struct fp_tcp *t = ctx->tcp;
	uint32_t idx = fp__tcp_flow_idx(t, f);
	uint32_t *link = &t->buckets[flow_hash(t, f->lip, f->rip, f->lport, f->rport) &
			t->bucket_mask];

	while (*link != idx && *link != TCP_NONE)
		link = &t->flows[*link].hnext;
	if (*link == idx)
		*link = f->hnext;
	fp__tcp_timer_unlink(t, f);
	if (f->state == FP_TCP_SYN_RECEIVED)
		t->n_half_open--;
	f->state = FP_TCP_CLOSED;
	f->flags = 0;
	f->hnext = t->free_head;
	t->free_head = idx;
	t->n_flows--;
	fp_stats_set_flows_open(ctx->stats, t->n_flows);
}

void
fp__tcp_timer_unlink(struct fp_tcp *t, struct tcp_flow *f)
{
	if (!f->t_linked)
		return;
	if (f->tprev != TCP_NONE)
		t->flows[f->tprev].tnext = f->tnext;
	else
		t->wheel[f->t_when & (TCP_WHEEL_SLOTS - 1)] = f->tnext;
	if (f->tnext != TCP_NONE)
		t->flows[f->tnext].tprev = f->tprev;
	f->tnext = f->tprev = TCP_NONE;
	f->t_linked = 0;
}

void
fp__tcp_timer_arm(struct fp_tcp *t, struct tcp_flow *f, uint64_t when_us)
{
	uint64_t tick = (when_us + TCP_WHEEL_GRAN - 1) / TCP_WHEEL_GRAN;
	uint32_t slot, idx = fp__tcp_flow_idx(t, f);

	if (tick <= t->wheel_tick)
		tick = t->wheel_tick + 1;
	/* Filed for an earlier tick already: that visit re-files it (lazy). */
	if (f->t_linked && f->t_when <= tick)
		return;
	fp__tcp_timer_unlink(t, f);
	slot = (uint32_t)(tick & (TCP_WHEEL_SLOTS - 1));
	f->t_when = tick;
	f->tprev = TCP_NONE;
	f->tnext = t->wheel[slot];
	if (f->tnext != TCP_NONE)
		t->flows[f->tnext].tprev = idx;
	t->wheel[slot] = idx;
	f->t_linked = 1;
}

int
fp__tcp_range_add(struct tcp_range *r, uint8_t *n, uint8_t max, uint32_t start, uint32_t end)
{
	struct tcp_range out[TCP_OOO_MAX + 2];
	uint8_t i, k = 0, placed = 0;
	int at = -1;

	if (max > TCP_OOO_MAX)
		max = TCP_OOO_MAX;
	/* One ordered pass: keep ranges below, absorb those touching, then the rest. */
	for (i = 0; i < *n; i++) {
		if (seq_lt(r[i].end, start)) {
			out[k++] = r[i];
		} else if (seq_lt(end, r[i].start)) {
			if (!placed) {
				out[k++] = (struct tcp_range){start, end};
				placed = 1;
			}
			out[k++] = r[i];
		} else {
			if (seq_lt(r[i].start, start))
				start = r[i].start;
			if (seq_gt(r[i].end, end))
				end = r[i].end;
		}
		if (k > max)
			return -1;
	}
	if (!placed)
		out[k++] = (struct tcp_range){start, end};
	if (k > max)
		return -1;
	for (i = 0; i < k; i++) {
		r[i] = out[i];
		if (seq_leq(out[i].start, start) && seq_lt(start, out[i].end))
			at = i;
	}
	*n = k;
	return at;
}

uint32_t
fp_tcp_flow_count(const struct fp_tcp *tcp)
{
	return tcp->n_flows;
}

static void
flow_info(const struct tcp_flow *f, uint64_t now_us, struct fp_tcp_flow_info *o)
{
	memset(o, 0, sizeof(*o));
	o->local_ip = f->lip;
	o->remote_ip = f->rip;
	o->local_port = f->lport;
	o->remote_port = f->rport;
	o->state = f->state;
	o->snd_wnd = f->snd_wnd;
	o->rcv_wnd = seq_gt(f->rcv_adv, f->rcv_nxt) ? f->rcv_adv - f->rcv_nxt : 0;
	o->unacked = f->snd_max - f->snd_una;
	o->buffered = fp_echo_buf_used(&f->buf);
	o->srtt_us = f->srtt_us;
	o->rto_us = f->rto_us;
	o->bytes_in = f->bytes_in;
	o->bytes_out = f->bytes_out;
	o->retransmits = f->retransmits;
	o->age_us = now_us >= f->created_us ? now_us - f->created_us : 0;
}

uint32_t
fp_tcp_flow_snapshot(const struct fp_tcp *tcp, uint64_t now_us, uint32_t *cursor,
		struct fp_tcp_flow_info *out, uint32_t max)
{
	uint32_t i = *cursor, n = 0;
	uint64_t end;

	if (i >= tcp->max_flows) {
		*cursor = FP_TCP_CURSOR_END;
		return 0;
	}
	end = (uint64_t)i + (uint64_t)max * FP_TCP_SNAPSHOT_SCAN;
	if (end > tcp->max_flows)
		end = tcp->max_flows;
	for (; i < end && n < max; i++) {
		const struct tcp_flow *f = &tcp->flows[i];

		if (f->flags & TF_IN_USE)
			flow_info(f, now_us, &out[n++]);
	}
	*cursor = i < tcp->max_flows ? i : FP_TCP_CURSOR_END;
	return n;
}

const char *
fp_tcp_state_name(enum fp_tcp_state state)
{
	static const char *const names[FP_TCP_STATE_COUNT] = {
			[FP_TCP_CLOSED] = "CLOSED",
			[FP_TCP_SYN_RECEIVED] = "SYN_RECEIVED",
			[FP_TCP_ESTABLISHED] = "ESTABLISHED",
			[FP_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
			[FP_TCP_LAST_ACK] = "LAST_ACK",
			[FP_TCP_FIN_WAIT_1] = "FIN_WAIT_1",
			[FP_TCP_FIN_WAIT_2] = "FIN_WAIT_2",
			[FP_TCP_CLOSING] = "CLOSING",
			[FP_TCP_TIME_WAIT] = "TIME_WAIT",
	};

	if ((unsigned)state >= FP_TCP_STATE_COUNT)
		return "?";
	return names[state];
}
