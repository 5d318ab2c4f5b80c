/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP engine's memory: fp_tcp_init() carves the caller's block into the
 * engine header, the flow slots (which double as the hash buckets), the pool
 * of working records and the echo chunk pool. Flows are found by 4-tuple
 * through a keyed hash with chaining over slot indices; records are filed in
 * a hashed timer wheel (advanced by fp_tcp_tick()). Records of quiet flows
 * stay on a list, oldest first; when a flow needs a record and none is free,
 * the oldest quiet one is folded back into its slot (compact) and reused, so
 * records follow the flows that have something in flight and the rest cost
 * their slot alone.
 */
#include <errno.h>
#include <string.h>

#include "fp/stats.h"
#include "fp/wire.h"
#include "tcp_priv.h"

#define ALIGN64(x) (((x) + (size_t)63) & ~(size_t)63)

_Static_assert(sizeof(struct tcp_slot) == 64, "a slot is one cache line");
_Static_assert(FP_MAX_IFACES <= (1 << (8 - SF_PORT_SHIFT)), "the port fits a slot's flags");

static int
cfg_valid(const struct fp_cfg_tcp *cfg)
{
	if (cfg->max_flows == 0 || cfg->max_flows >= (1u << 24) || cfg->active_flows >= (1u << 24))
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
	uint32_t n_active, n_chunks;
	size_t slots, recs, pool, pool_len, total;
};

static int
layout_of(const struct fp_cfg_tcp *cfg, struct layout *l)
{
	uint64_t pool_bytes;

	if (!cfg_valid(cfg))
		return -EINVAL;
	l->n_active = cfg->active_flows;
	if (l->n_active == 0)
		l->n_active = cfg->max_flows < TCP_ACTIVE_DEFAULT ? cfg->max_flows :
								    TCP_ACTIVE_DEFAULT;
	if (l->n_active > cfg->max_flows)
		l->n_active = cfg->max_flows;
	/* By default every active flow may fill its buffer, within a cap. */
	pool_bytes = (uint64_t)cfg->echo_pool_kb << 10;
	if (pool_bytes == 0) {
		pool_bytes = (uint64_t)l->n_active * cfg->buffer_size;
		if (pool_bytes > TCP_POOL_DEFAULT)
			pool_bytes = TCP_POOL_DEFAULT;
	}
	if (pool_bytes / TCP_CHUNK_SIZE >= (1u << 31))
		return -EINVAL;
	l->n_chunks = (uint32_t)((pool_bytes + TCP_CHUNK_SIZE - 1) / TCP_CHUNK_SIZE);
	if (l->n_chunks < 2)
		l->n_chunks = 2;
	l->pool_len = fp_chunk_pool_mem_size(l->n_chunks, TCP_CHUNK_SIZE);
	l->slots = ALIGN64(sizeof(struct fp_tcp));
	l->recs = l->slots + sizeof(struct tcp_slot) * (size_t)cfg->max_flows;
	l->pool = l->recs + ALIGN64(sizeof(struct tcp_flow) * (size_t)l->n_active);
	l->total = l->pool + ALIGN64(l->pool_len);
	return 0;
}

/** The idle sweep's epoch: an idle timeout is TCP_SWEEP_EPOCHS of them. */
static uint64_t
idle_epoch_us(const struct fp_cfg_tcp *cfg)
{
	return (uint64_t)(cfg->idle_timeout_s ? cfg->idle_timeout_s : 1) * 1000000 / TCP_SWEEP_EPOCHS;
}

/*
 * A compact flow keeps only the epoch of its last activity, in units of
 * idle_timeout / TCP_SWEEP_EPOCHS. When the timeout changes, stamp each one
 * again in the new unit with the idle time it had (capped where the new
 * timeout has already passed), so the sweep judges it by the new timeout.
 */
static void
restamp_compact_epochs(struct fp_tcp *t, uint64_t old_epoch_us, uint64_t now_us)
{
	uint64_t old_cur = now_us / old_epoch_us;

	for (uint32_t i = 0; i < t->max_flows; i++) {
		struct tcp_slot *sl = &t->slots[i];
		uint64_t idle, epochs;

		if (!(sl->flags & SF_IN_USE) || sl->rec != TCP_NONE)
			continue;
		idle = ((old_cur - (sl->ws_epoch >> 4)) & 15) * old_epoch_us;
		epochs = idle / t->epoch_us;
		if (epochs > TCP_SWEEP_EPOCHS + 1)
			epochs = TCP_SWEEP_EPOCHS + 1;
		sl->ws_epoch = (uint8_t)((sl->ws_epoch & 15) |
				((fp__tcp_epoch(t, now_us) - epochs) & 15) << 4);
	}
}

int
fp_tcp_reconfigure(struct fp_tcp *t, const struct fp_cfg_tcp *cfg, uint64_t now_us)
{
	struct fp_cfg_tcp old;
	uint64_t old_epoch_us;

	/* The table, the records and the echo pool are sized at start. */
	if (t == NULL || !cfg_valid(cfg) || cfg->max_flows != t->cfg.max_flows ||
			cfg->buffer_size != t->cfg.buffer_size ||
			cfg->active_flows != t->cfg.active_flows ||
			cfg->echo_pool_kb != t->cfg.echo_pool_kb)
		return -EINVAL;
	old = t->cfg;
	old_epoch_us = t->epoch_us;
	t->cfg = *cfg;
	t->mss = cfg->mss;
	if (cfg->idle_timeout_s != old.idle_timeout_s) {
		t->epoch_us = idle_epoch_us(cfg);
		restamp_compact_epochs(t, old_epoch_us, now_us);
	}
	/*
	 * A later deadline needs nothing: the wheel visits a flow filed too early
	 * and files it again (fp_tcp_tick()). An earlier one, or new RTO bounds,
	 * must reach every flow with a working record now, or it would wait for
	 * the old deadline.
	 */
	if (cfg->idle_timeout_s >= old.idle_timeout_s && cfg->time_wait_ms >= old.time_wait_ms &&
			cfg->rto_min_ms == old.rto_min_ms && cfg->rto_max_ms == old.rto_max_ms)
		return 0;
	for (uint32_t i = 0; i < t->max_active; i++) {
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
	t->slots = (struct tcp_slot *)(void *)((uint8_t *)mem + l.slots);
	t->flows = (struct tcp_flow *)(void *)((uint8_t *)mem + l.recs);
	if (fp_chunk_pool_init(&t->pool, (uint8_t *)mem + l.pool, l.pool_len, l.n_chunks,
			    TCP_CHUNK_SIZE) < 0)
		return NULL;
	t->max_flows = cfg->max_flows;
	t->max_active = l.n_active;
	/* A flow's window: its cap, and beyond its own chunks at most half the
	 * free pool (fp_chunk_q_space()), so at best half of all of it. */
	t->rcv_buf = (t->pool.n / 2) << t->pool.shift;
	if (t->rcv_buf == 0 || t->rcv_buf > cfg->buffer_size)
		t->rcv_buf = cfg->buffer_size;
	/* syn_cookies == 2: cookies once a quarter of the table is half-open. */
	t->half_open_max = cfg->max_flows / 4 ? cfg->max_flows / 4 : 1;
	t->mss = cfg->mss;
	t->predict = 1;
	/* RFC 7323 2.3: the smallest shift that lets 16 bits cover the whole buffer. */
	while (t->rcv_ws < TCP_MAX_WSCALE && (cfg->buffer_size >> t->rcv_ws) > 65535)
		t->rcv_ws++;
	t->keys = *keys;
	fp__tcp_tuple_key(&t->tuple_key, keys->flow_hash);
	t->epoch_us = idle_epoch_us(cfg);
	for (i = 0; i < TCP_WHEEL_SLOTS; i++)
		t->wheel[i] = TCP_NONE;
	for (i = 0; i < t->max_flows; i++) {
		t->slots[i].flags = 0;
		t->slots[i].bhead = TCP_NONE;
		t->slots[i].hnext = i + 1 < t->max_flows ? i + 1 : TCP_NONE;
	}
	t->free_head = 0;
	for (i = 0; i < t->max_active; i++) {
		t->flows[i].flags = 0;
		t->flows[i].hnext = i + 1 < t->max_active ? i + 1 : TCP_NONE;
	}
	t->rec_free = 0;
	t->quiet_head = t->quiet_tail = TCP_NONE;
	return t;
}

uint32_t
fp__tcp_flow_hash(
		const struct fp_tcp *t, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport)
{
	return fp__tcp_tuple_hash(&t->tuple_key, lip, rip, lport, rport);
}

struct tcp_slot *
fp__tcp_flow_lookup_hashed(struct fp_tcp *t, uint32_t hash, uint32_t lip, uint32_t rip,
		uint16_t lport, uint16_t rport)
{
	uint32_t i = fp__tcp_bucket(t, hash)->bhead;

	while (i != TCP_NONE) {
		struct tcp_slot *sl = &t->slots[i];

		if (sl->rip == rip && sl->rport == rport && sl->lport == lport && sl->lip == lip)
			return sl;
		i = sl->hnext;
	}
	return NULL;
}

struct tcp_slot *
fp__tcp_flow_lookup(struct fp_tcp *t, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport)
{
	return fp__tcp_flow_lookup_hashed(
			t, fp__tcp_flow_hash(t, lip, rip, lport, rport), lip, rip, lport, rport);
}

/*
 * The 4-tuple of a frame that looks like TCP over IPv4 without options, read
 * before anything is validated (fp_tcp_input() validates it later; a wrong
 * guess only costs a useless prefetch). @return 0, or -1 when it does not
 */
static int
burst_tuple(const struct fp_pkt *p, uint32_t *lip, uint32_t *rip, uint16_t *lport, uint16_t *rport)
{
	const uint8_t *d = p->data;

	if (p->len < FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_HLEN ||
			fp_load_be16(d + FP_ETH_OFF_TYPE) != FP_ETHERTYPE_IPV4 ||
			d[FP_ETH_HLEN + FP_IP4_OFF_VIHL] != 0x45 ||
			d[FP_ETH_HLEN + FP_IP4_OFF_PROTO] != FP_IPPROTO_TCP)
		return -1;
	*rip = fp_load_be32(d + FP_ETH_HLEN + FP_IP4_OFF_SRC);
	*lip = fp_load_be32(d + FP_ETH_HLEN + FP_IP4_OFF_DST);
	*rport = fp_load_be16(d + FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_OFF_SPORT);
	*lport = fp_load_be16(d + FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_OFF_DPORT);
	return 0;
}

void
fp_tcp_burst_prefetch(struct fp_tcp *t, struct fp_pkt *pkts, uint16_t n)
{
	uint32_t lip, rip;
	uint16_t lport, rport, i;

	for (i = 0; i < n; i++) {
		if (burst_tuple(&pkts[i], &lip, &rip, &lport, &rport) < 0)
			continue;
		pkts[i].hash = fp__tcp_flow_hash(t, lip, rip, lport, rport);
		pkts[i].flags |= FP_PKT_HASH;
		fp_prefetch(fp__tcp_bucket(t, pkts[i].hash));
	}
	/* The buckets are on their way: now the slots they name. */
	for (i = 0; i < n; i++) {
		uint32_t head;

		if (!(pkts[i].flags & FP_PKT_HASH))
			continue;
		head = fp__tcp_bucket(t, pkts[i].hash)->bhead;
		if (head != TCP_NONE)
			fp_prefetch(&t->slots[head]);
	}
}

void
fp_tcp_burst_lookahead(struct fp_tcp *t, struct fp_pkt *pkt)
{
	uint32_t lip, rip;
	uint16_t lport, rport;
	struct tcp_slot *sl;

	if (!(pkt->flags & FP_PKT_HASH) || burst_tuple(pkt, &lip, &rip, &lport, &rport) < 0)
		return;
	sl = fp__tcp_flow_lookup_hashed(t, pkt->hash, lip, rip, lport, rport);
	if (sl == NULL)
		return;
	pkt->flow = fp__tcp_slot_idx(t, sl);
	pkt->flags |= FP_PKT_FLOW;
	/* The record's first lines: the sequence and window variables. */
	if (sl->rec != TCP_NONE) {
		const uint8_t *f = (const uint8_t *)&t->flows[sl->rec];

		fp_prefetch_w(f);
		fp_prefetch_w(f + 64);
		fp_prefetch_w(f + 128);
	}
}

/* Take a slot off the free list and hash it in. */
static struct tcp_slot *
slot_take(struct fp_ctx *ctx, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport)
{
	struct fp_tcp *t = ctx->tcp;
	struct tcp_slot *sl, *b;
	uint32_t idx, bhead;

	if (t->free_head == TCP_NONE)
		return NULL;
	idx = t->free_head;
	sl = &t->slots[idx];
	t->free_head = sl->hnext;
	bhead = sl->bhead; /* the bucket this slot heads stays as it is */
	memset(sl, 0, sizeof(*sl));
	sl->bhead = bhead;
	sl->lip = lip;
	sl->rip = rip;
	sl->lport = lport;
	sl->rport = rport;
	sl->flags = SF_IN_USE;
	sl->rec = TCP_NONE;
	b = fp__tcp_bucket(t, fp__tcp_flow_hash(t, lip, rip, lport, rport));
	sl->hnext = b->bhead;
	b->bhead = idx;
	t->n_flows++;
	fp_stats_inc(ctx->stats, FP_CTR_FLOWS_OPENED);
	fp_stats_set_flows_open(ctx->stats, t->n_flows);
	return sl;
}

static void
quiet_unlink(struct fp_tcp *t, struct tcp_flow *f)
{
	if (!f->in_quiet)
		return;
	if (f->qprev != TCP_NONE)
		t->flows[f->qprev].qnext = f->qnext;
	else
		t->quiet_head = f->qnext;
	if (f->qnext != TCP_NONE)
		t->flows[f->qnext].qprev = f->qprev;
	else
		t->quiet_tail = f->qprev;
	f->in_quiet = 0;
}

static void
quiet_append(struct fp_tcp *t, struct tcp_flow *f)
{
	uint32_t idx = fp__tcp_flow_idx(t, f);

	f->qprev = t->quiet_tail;
	f->qnext = TCP_NONE;
	if (t->quiet_tail != TCP_NONE)
		t->flows[t->quiet_tail].qnext = idx;
	else
		t->quiet_head = idx;
	t->quiet_tail = idx;
	f->in_quiet = 1;
}

static void rec_give(struct fp_tcp *t, struct tcp_flow *f);
static int flow_quiet(const struct tcp_flow *f, uint64_t now_us);
static void freeze(struct fp_tcp *t, struct tcp_flow *f);

/* Is a record free, after folding the oldest quiet flow into its slot if none was? */
static int
rec_reclaim(struct fp_tcp *t, uint64_t now_us)
{
	uint32_t tries;

	/* A few looks: one whose challenge ACK budget still runs is skipped. */
	for (tries = 0; t->rec_free == TCP_NONE && t->quiet_head != TCP_NONE && tries < 4;
			tries++) {
		struct tcp_flow *f = &t->flows[t->quiet_head];

		if (flow_quiet(f, now_us)) {
			freeze(t, f);
		} else {
			quiet_unlink(t, f);
			quiet_append(t, f);
		}
	}
	return t->rec_free != TCP_NONE;
}

/* Take a record for sl off the free list (see rec_reclaim()). */
static struct tcp_flow *
rec_take(struct fp_tcp *t, struct tcp_slot *sl, uint64_t now_us)
{
	struct tcp_flow *f;
	uint32_t idx;

	if (!rec_reclaim(t, now_us))
		return NULL;
	idx = t->rec_free;
	f = &t->flows[idx];
	t->rec_free = f->hnext;
	t->n_active++;
	memset(f, 0, sizeof(*f));
	f->t = t;
	f->slot = fp__tcp_slot_idx(t, sl);
	f->hnext = TCP_NONE;
	f->tnext = f->tprev = TCP_NONE;
	fp_chunk_q_init(&f->q);
	sl->rec = idx;
	return f;
}

static void
rec_give(struct fp_tcp *t, struct tcp_flow *f)
{
	fp__tcp_timer_unlink(t, f);
	quiet_unlink(t, f);
	fp_chunk_q_reset(&f->q, &t->pool);
	t->slots[f->slot].rec = TCP_NONE;
	f->flags = 0;
	f->state = FP_TCP_CLOSED;
	f->hnext = t->rec_free;
	t->rec_free = fp__tcp_flow_idx(t, f);
	t->n_active--;
}

struct tcp_slot *
fp__tcp_slot_new(struct fp_ctx *ctx, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport)
{
	return slot_take(ctx, lip, rip, lport, rport);
}

struct tcp_flow *
fp__tcp_flow_new(struct fp_ctx *ctx, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport)
{
	struct fp_tcp *t = ctx->tcp;
	struct tcp_slot *sl;
	struct tcp_flow *f;

	/* Both or neither: a flow that cannot open is not counted as opened. */
	if (t->free_head == TCP_NONE || !rec_reclaim(t, ctx->now_us))
		return NULL;
	sl = slot_take(ctx, lip, rip, lport, rport);
	f = rec_take(t, sl, ctx->now_us);
	f->lip = lip;
	f->rip = rip;
	f->lport = lport;
	f->rport = rport;
	f->flags = TF_IN_USE;
	f->created_us = ctx->now_us;
	f->last_active = ctx->now_us;
	return f;
}

void
fp__tcp_slot_free(struct fp_ctx *ctx, struct tcp_slot *sl)
{
	struct fp_tcp *t = ctx->tcp;
	uint32_t idx = fp__tcp_slot_idx(t, sl);
	uint32_t h = fp__tcp_flow_hash(t, sl->lip, sl->rip, sl->lport, sl->rport);
	uint32_t *link = &fp__tcp_bucket(t, h)->bhead;

	while (*link != idx && *link != TCP_NONE)
		link = &t->slots[*link].hnext;
	if (*link == idx)
		*link = sl->hnext;
	if (sl->flags & SF_DRAIN)
		t->drain_owed--;
	sl->flags = 0;
	sl->hnext = t->free_head;
	t->free_head = idx;
	t->n_flows--;
	fp_stats_set_flows_open(ctx->stats, t->n_flows);
}

void
fp__tcp_flow_free(struct fp_ctx *ctx, struct tcp_flow *f)
{
	struct fp_tcp *t = ctx->tcp;
	struct tcp_slot *sl = &t->slots[f->slot];

	if (f->state == FP_TCP_SYN_RECEIVED)
		t->n_half_open--;
	rec_give(t, f);
	fp__tcp_slot_free(ctx, sl);
}

static uint16_t
segs_of(uint32_t bytes, uint16_t mss)
{
	uint32_t n = bytes / mss;

	return n < UINT16_MAX ? (uint16_t)n : UINT16_MAX - 1;
}

struct tcp_flow *
fp__tcp_thaw(struct fp_tcp *t, struct tcp_slot *sl, uint64_t now_us)
{
	struct tcp_flow *f = rec_take(t, sl, now_us);
	uint64_t idle;

	if (f == NULL)
		return NULL;
	f->lip = sl->lip;
	f->rip = sl->rip;
	f->lport = sl->lport;
	f->rport = sl->rport;
	f->state = FP_TCP_ESTABLISHED;
	f->flags = TF_IN_USE;
	if (sl->flags & SF_WSCALE) {
		f->flags |= TF_WSCALE;
		f->rcv_ws = t->rcv_ws;
	}
	if (sl->flags & SF_SACK)
		f->flags |= TF_SACK;
	if (sl->flags & SF_DRAIN) {
		f->flags |= TF_DRAIN;
		sl->flags &= (uint8_t)~SF_DRAIN;
		t->drain_owed--;
	}
	f->port = fp__tcp_slot_port(sl);
	f->snd_ws = sl->ws_epoch & 15;
	memcpy(f->peer_mac, sl->peer_mac, FP_ETH_ALEN);
	f->mss = sl->mss;
	f->ip_id = sl->ip_id;
	f->iss = sl->iss;
	f->irs = sl->irs;
	f->snd_una = f->snd_nxt = f->snd_max = sl->snd_una;
	f->snd_wnd = f->max_snd_wnd = (uint32_t)sl->snd_wnd_w << f->snd_ws;
	f->snd_wl1 = sl->snd_wl1;
	f->snd_wl2 = sl->snd_una; /* at most SND.UNA, which every later ACK passes too */
	f->rcv_nxt = sl->rcv_nxt;
	f->rcv_adv = sl->rcv_nxt + ((uint32_t)sl->rcv_adv_w << f->rcv_ws);
	f->cwnd = (uint32_t)sl->cwnd_segs * f->mss;
	f->ssthresh = sl->ssthresh_segs == UINT16_MAX ? UINT32_MAX / 2 :
							(uint32_t)sl->ssthresh_segs * f->mss;
	/* The RTT estimate is not kept while compact: RFC 6298 2.1 again. */
	f->rto_us = t->cfg.rto_initial_ms * 1000;
	/* Idle since the start of the epoch of its last activity, at the most. */
	idle = (uint64_t)((fp__tcp_epoch(t, now_us) - (sl->ws_epoch >> 4)) & 15) * t->epoch_us;
	f->last_active = now_us > idle ? now_us - idle : 0;
	f->created_us = f->last_active;
	fp__tcp_deadline_arm(t, f);
	return f;
}

static int
flow_quiet(const struct tcp_flow *f, uint64_t now_us)
{
	return f->state == FP_TCP_ESTABLISHED && f->snd_una == f->snd_max &&
			f->snd_nxt == f->snd_max && f->q.n_chunks == 0 && f->n_ooo == 0 &&
			f->n_sack == 0 && !f->dsack && f->rtx_at == 0 && f->probes == 0 &&
			!(f->flags & (TF_RECOVERY | TF_TX_RETRY | TF_DRAIN)) &&
			(f->snd_wnd >> f->snd_ws) <= UINT16_MAX &&
			((f->snd_wnd >> f->snd_ws) << f->snd_ws) == f->snd_wnd &&
			seq_geq(f->rcv_adv, f->rcv_nxt) &&
			(f->chall_n == 0 || now_us - f->chall_at >= TCP_CHALLENGE_US);
}

/* Fold a quiet flow's record into its slot and free the record. */
static void
freeze(struct fp_tcp *t, struct tcp_flow *f)
{
	struct tcp_slot *sl = &t->slots[f->slot];
	uint32_t adv;

	sl->flags = (uint8_t)(SF_IN_USE | (f->port << SF_PORT_SHIFT));
	if (f->flags & TF_WSCALE)
		sl->flags |= SF_WSCALE;
	if (f->flags & TF_SACK)
		sl->flags |= SF_SACK;
	sl->ws_epoch = (uint8_t)(f->snd_ws | fp__tcp_epoch(t, f->last_active) << 4);
	memcpy(sl->peer_mac, f->peer_mac, FP_ETH_ALEN);
	sl->mss = f->mss;
	sl->ip_id = f->ip_id;
	sl->iss = f->iss;
	sl->irs = f->irs;
	sl->snd_una = f->snd_una;
	sl->snd_wnd_w = (uint16_t)(f->snd_wnd >> f->snd_ws);
	sl->snd_wl1 = f->snd_wl1;
	sl->rcv_nxt = f->rcv_nxt;
	/* Rounded up: the edge we promised never moves left (RFC 9293 3.8.6.2.2). */
	adv = ((f->rcv_adv - f->rcv_nxt) + (1u << f->rcv_ws) - 1) >> f->rcv_ws;
	sl->rcv_adv_w = (uint16_t)(adv < UINT16_MAX ? adv : UINT16_MAX);
	sl->cwnd_segs = segs_of(f->cwnd, f->mss);
	if (sl->cwnd_segs == 0)
		sl->cwnd_segs = 1;
	sl->ssthresh_segs =
			f->ssthresh >= UINT32_MAX / 2 ? UINT16_MAX : segs_of(f->ssthresh, f->mss);
	rec_give(t, f);
}

void
fp__tcp_settle(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us)
{
	if (!(f->flags & TF_IN_USE))
		return;
	quiet_unlink(t, f);
	if (flow_quiet(f, now_us))
		quiet_append(t, f);
}

int
fp__tcp_compact(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us)
{
	if (!(f->flags & TF_IN_USE) || !flow_quiet(f, now_us))
		return -1;
	freeze(t, f);
	return 0;
}

uint64_t
fp__tcp_bytes_in(const struct tcp_flow *f)
{
	/* A FIN took one sequence number once the peer's side is closed. */
	int fin = f->state == FP_TCP_CLOSE_WAIT || f->state == FP_TCP_LAST_ACK ||
			f->state == FP_TCP_CLOSING || f->state == FP_TCP_TIME_WAIT;

	if (f->state == FP_TCP_SYN_RECEIVED)
		return 0;
	return (uint32_t)(f->rcv_nxt - f->irs - 1 - fin);
}

uint64_t
fp__tcp_bytes_out(const struct tcp_flow *f)
{
	int fin = f->state == FP_TCP_FIN_WAIT_2 || f->state == FP_TCP_TIME_WAIT;

	if (f->state == FP_TCP_SYN_RECEIVED || f->snd_una == f->iss)
		return 0;
	return (uint32_t)(f->snd_una - f->iss - 1 - fin);
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

/* A flow with a working record reports it; a compact one what its slot keeps. */
static void
flow_info(const struct fp_tcp *tcp, const struct tcp_slot *sl, uint64_t now_us,
		struct fp_tcp_flow_info *o)
{
	memset(o, 0, sizeof(*o));
	o->local_ip = sl->lip;
	o->remote_ip = sl->rip;
	o->local_port = sl->lport;
	o->remote_port = sl->rport;
	if (sl->rec != TCP_NONE) {
		const struct tcp_flow *f = &tcp->flows[sl->rec];

		o->state = f->state;
		o->snd_wnd = f->snd_wnd;
		o->rcv_wnd = seq_gt(f->rcv_adv, f->rcv_nxt) ? f->rcv_adv - f->rcv_nxt : 0;
		o->unacked = f->snd_max - f->snd_una;
		o->buffered = fp__tcp_buffered(f);
		o->srtt_us = f->srtt_us;
		o->rto_us = f->rto_us;
		o->bytes_in = fp__tcp_bytes_in(f);
		o->bytes_out = fp__tcp_bytes_out(f);
		o->retransmits = f->retransmits;
		o->age_us = now_us >= f->created_us ? now_us - f->created_us : 0;
	} else {
		uint8_t ws = sl->ws_epoch & 15;
		uint8_t epochs = (uint8_t)((fp__tcp_epoch(tcp, now_us) - (sl->ws_epoch >> 4)) & 15);
		uint64_t idle = (uint64_t)epochs * tcp->epoch_us;

		o->state = FP_TCP_ESTABLISHED;
		o->snd_wnd = (uint32_t)sl->snd_wnd_w << ws;
		o->rcv_wnd = (uint32_t)sl->rcv_adv_w << ((sl->flags & SF_WSCALE) ? tcp->rcv_ws : 0);
		o->rto_us = tcp->cfg.rto_initial_ms * 1000;
		o->bytes_in = (uint32_t)(sl->rcv_nxt - sl->irs - 1);
		o->bytes_out = sl->snd_una == sl->iss ? 0 : (uint32_t)(sl->snd_una - sl->iss - 1);
		o->age_us = idle;
	}
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
		const struct tcp_slot *sl = &tcp->slots[i];

		if (sl->flags & SF_IN_USE)
			flow_info(tcp, sl, now_us, &out[n++]);
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
