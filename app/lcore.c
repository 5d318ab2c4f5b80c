/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop. Each polling lcore owns one RX/TX queue pair on every port
 * and everything in its struct app_lcore, and walks its pipeline's graph
 * (graph.h: rx_burst -> the stages -> tx_burst) once per loop. lib/ sends
 * the frames it builds (TCP data, retransmissions) through app_tx_ops into
 * per-port TX buffers, flushed at the end of each loop. Requests from the
 * management thread arrive in the worker's inbox and are served between
 * bursts (req.h): flow listings, drain, a new graph, new live settings. An
 * idle worker may sleep between polls (idle.h). No locks, no allocation
 * but mbufs; the loop reads only its struct app_lcore.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_graph_worker.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "fp/assert.h"
#include "fp/core.h"
#include "fp/tcp.h"

#include "lcore.h"
#include "log.h"
#include "pkt_mbuf.h"
#include "pipeline.h"
#include "port.h"
#include "req.h"

/* Microseconds since start; split so the multiplication cannot overflow. */
static inline uint64_t
tsc_to_us(uint64_t cycles, uint64_t hz)
{
	return cycles / hz * 1000000u + (cycles % hz) * 1000000u / hz;
}

/*
 * fp_tx_ops over the mempool: one outstanding mbuf between alloc and send.
 * lib/ keeps that contract (fp/core.h); a breach is a bug to stop at, not
 * to paper over, so it is asserted (FP_ASSERT: debug and CI builds).
 */
static uint8_t *
tx_alloc(void *arg, uint16_t *room)
{
	struct app_lcore *lc = arg;
	struct rte_mbuf *m;

	FP_ASSERT(lc->tx_out == NULL);
	m = rte_pktmbuf_alloc(lc->pool);
	if (unlikely(m == NULL))
		return NULL;
	lc->tx_out = m;
	*room = rte_pktmbuf_tailroom(m);
	return rte_pktmbuf_mtod(m, uint8_t *);
}

static void
tx_send(void *arg, uint8_t *frame, uint16_t len, uint16_t port)
{
	struct app_lcore *lc = arg;
	struct rte_mbuf *m = lc->tx_out;

	FP_ASSERT(m != NULL && frame == rte_pktmbuf_mtod(m, uint8_t *));
	FP_ASSERT(port < lc->n_ports);
	RTE_SET_USED(frame);
	lc->tx_out = NULL;
	app_mbuf_set_len(m, len, (lc->ctx.ifaces[port].tx_offload & FP_TX_OFFLOAD_CSUM) != 0);
	app_tx_add(&lc->tx, port, m);
}

static void
tx_discard(void *arg, uint8_t *frame)
{
	struct app_lcore *lc = arg;

	FP_ASSERT(lc->tx_out != NULL && frame == rte_pktmbuf_mtod(lc->tx_out, uint8_t *));
	RTE_SET_USED(frame);
	rte_pktmbuf_free(lc->tx_out);
	lc->tx_out = NULL;
}

static const struct fp_tx_ops app_tx_ops = {
		.alloc = tx_alloc,
		.send = tx_send,
		.discard = tx_discard,
};

/* A page of the flow table, from where the previous page stopped. */
static int
serve_flows(struct app_lcore *lc, struct app_req_flows *f)
{
	f->n = 0;
	if (lc->tcp == NULL)
		return -ENOTSUP;
	f->n = fp_tcp_flow_snapshot(lc->tcp, lc->ctx.now_us, &f->cursor, f->flows, f->max);
	return 0;
}

static int
serve_drain(struct app_lcore *lc)
{
	if (lc->tcp != NULL)
		fp_tcp_drain(&lc->ctx);
	return 0;
}

/*
 * Between two walks the graph holds no packet (a walk runs every stream it
 * fills), so the swap is one store; TCP flows live in ctx, not in the graph.
 */
static int
serve_graph(struct app_lcore *lc, struct app_req_graph *g)
{
	lc->graph = g->next;
	return 0;
}

/* The live settings, whole (req.h); what the engine refuses leaves it as it was. */
static int
serve_settings(struct app_lcore *lc, const struct app_req_settings *s)
{
	int rc = 0;

	if (lc->tcp != NULL)
		rc = fp_tcp_reconfigure(lc->tcp, &s->tcp, lc->ctx.now_us);
	if (s->idle != lc->idle.mode)
		app_idle_set_mode(&lc->idle, s->idle, lc->ctx.now_us);
	return rc;
}

/* Every request kind; no default, so -Wswitch names a kind left out. */
static int
serve(void *arg, struct app_req *req)
{
	struct app_lcore *lc = arg;

	switch (req->kind) {
	case APP_REQ_FLOWS:
		return serve_flows(lc, &req->flows);
	case APP_REQ_DRAIN:
		return serve_drain(lc);
	case APP_REQ_GRAPH:
		return serve_graph(lc, &req->graph);
	case APP_REQ_SETTINGS:
		return serve_settings(lc, &req->settings);
	}
	return -EINVAL;
}

/*
 * The idle hook, after an iteration's TX is flushed: got is non-zero when
 * its walk received. Sleeps only in adaptive mode, after a quiet spell (idle.h).
 */
static inline void
idle_wait(struct app_lcore *lc, unsigned got)
{
	uint32_t us = app_idle_next(&lc->idle, got, lc->ctx.now_us);

	if (unlikely(us != 0))
		rte_delay_us_sleep(us);
}

/* The loop counters, for the management thread (relaxed: each is one value). */
static void
publish_load(struct app_lcore *lc, uint64_t loops, uint64_t busy, uint64_t busy_tsc)
{
	__atomic_store_n(&lc->loops, loops, __ATOMIC_RELAXED);
	__atomic_store_n(&lc->busy_loops, busy, __ATOMIC_RELAXED);
	__atomic_store_n(&lc->busy_us, tsc_to_us(busy_tsc, lc->tsc_hz), __ATOMIC_RELAXED);
}

int
app_lcore_main(void *arg)
{
	struct app_lcore *lc = arg;
	uint64_t next_tick = 0, loops = 0, busy = 0, busy_tsc = 0;

	/* Linux stretches every sleep by the thread's timer slack (50 us by
	 * default): the adaptive mode's 10 us steps would take 60. */
	if (prctl(PR_SET_TIMERSLACK, APP_IDLE_SLACK_NS, 0, 0, 0) != 0)
		APP_WARN("lcore %u: cannot shorten the timer slack: idle sleeps run long",
				lc->lcore_id);
	app_idle_init(&lc->idle, lc->idle.mode,
			tsc_to_us(rte_get_tsc_cycles() - lc->start_tsc, lc->tsc_hz));
	APP_INFO("lcore %u: polling queue %u on %u port(s), idle %s", lc->lcore_id, lc->queue,
			lc->n_ports, lc->idle.mode == FP_CFG_IDLE_ADAPTIVE ? "adaptive" : "poll");
	while (!__atomic_load_n(lc->quit, __ATOMIC_ACQUIRE)) {
		uint64_t now = rte_get_tsc_cycles();
		uint64_t rx = lc->stats.c[FP_CTR_RX_PACKETS];
		unsigned got;

		/* rx polls every port and sets ctx.now_us; the graph runs the pipeline. */
		rte_graph_walk(lc->graph);
		if (now >= next_tick) {
			fp_tick(&lc->ctx, lc->ctx.now_us);
			next_tick = now + lc->tick_cycles;
		}
		app_req_serve(&lc->inbox, serve, lc);
		app_tx_flush_all(&lc->tx);
		got = lc->stats.c[FP_CTR_RX_PACKETS] != rx;
		/* A polling worker's CPU is always 100% busy; the time in loops
		 * that had frames is what it spends on work, its real load. */
		if (got)
			busy_tsc += rte_get_tsc_cycles() - now;
		idle_wait(lc, got);

		loops++;
		busy += got;
		if ((loops & 1023) == 0)
			publish_load(lc, loops, busy, busy_tsc);
	}
	publish_load(lc, loops, busy, busy_tsc);

	/* Drain TX (lib/ holds no frame between calls); what is still queued in the inbox
	 * is answered by the management thread (app_req_cancel) once every worker stopped. */
	FP_ASSERT(lc->tx_out == NULL);
	app_tx_flush_all(&lc->tx);
	app_req_inbox_close(&lc->inbox);
	__atomic_store_n(&lc->running, 0, __ATOMIC_RELEASE);
	APP_INFO("lcore %u: stopped after %" PRIu64 " loops", lc->lcore_id, loops);
	return 0;
}

/* Fill buf from the kernel's CSPRNG (blocks only until it is seeded). @return 0 or -errno */
static int
random_fill(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct app_lcore *
app_lcore_create(const struct app_lcore_conf *conf)
{
	unsigned lcore_id = conf->lcore_id;
	int socket = (int)rte_lcore_to_socket_id(lcore_id);
	struct fp_tcp_keys keys;
	struct app_lcore *lc;
	int rc;

	lc = rte_zmalloc_socket("fp_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE, socket);
	if (lc == NULL) {
		APP_ERR("lcore %u: out of memory", lcore_id);
		return NULL;
	}
	lc->lcore_id = lcore_id;
	lc->queue = conf->queue;
	lc->stages = conf->stages;
	lc->n_ports = conf->n_ports;
	lc->pool = conf->pool;
	lc->tsc_hz = conf->tsc_hz;
	lc->start_tsc = conf->start_tsc;
	lc->tick_cycles = RTE_MAX(conf->tsc_hz * APP_TICK_US / 1000000u, (uint64_t)1);
	lc->quit = conf->quit;
	app_idle_init(&lc->idle, conf->idle, 0);

	for (uint16_t i = 0; i < conf->n_ports; i++) {
		const struct app_port *port = &conf->ports[i];
		struct fp_iface *ifc = &lc->ctx.ifaces[i];

		lc->port_ids[i] = port->id;
		memcpy(ifc->mac, port->mac.addr_bytes, FP_ETH_ALEN);
		ifc->ip4 = port->cfg->ip4;
		ifc->prefix_len = port->cfg->prefix_len;
		ifc->mtu = port->cfg->mtu;
		ifc->tx_offload = port->tx_csum ? FP_TX_OFFLOAD_CSUM : 0;
	}
	lc->ctx.n_ifaces = conf->n_ports;
	app_tx_init(&lc->tx, lc->port_ids, conf->n_ports, conf->queue, &lc->stats);
	lc->eng.ctx = &lc->ctx;
	lc->eng.tx = &lc->tx;
	lc->eng.lcore_id = lcore_id;
	lc->eng.socket = socket;
	lc->eng.queue = conf->queue;
	lc->eng.n_ports = conf->n_ports;
	memcpy(lc->eng.port_ids, lc->port_ids, sizeof(lc->eng.port_ids));
	lc->eng.start_tsc = conf->start_tsc;
	lc->eng.tsc_hz = conf->tsc_hz;
	lc->ctx.handlers = app_pipeline_handlers(conf->stages);
	lc->ctx.stats = &lc->stats;
	lc->ctx.tx = &app_tx_ops;
	lc->ctx.tx_arg = lc;

	if (lc->ctx.handlers & FP_HANDLE_TCP) {
		lc->tcp_mem_len = fp_tcp_mem_size(conf->tcp);
		lc->tcp_mem = rte_zmalloc_socket("fp_tcp", lc->tcp_mem_len, 64, socket);
		if (lc->tcp_mem == NULL) {
			APP_ERR("lcore %u: cannot allocate %zu bytes for the TCP engine "
				"(lower [tcp] max_flows or buffer_size, or give EAL more memory)",
					lcore_id, lc->tcp_mem_len);
			goto out_free;
		}
		rc = random_fill(&keys, sizeof(keys));
		if (rc < 0) {
			APP_ERR("lcore %u: getrandom for the TCP keys: %s", lcore_id,
					strerror(-rc));
			goto out_free;
		}
		lc->tcp = fp_tcp_init(lc->tcp_mem, lc->tcp_mem_len, conf->tcp, &keys);
		explicit_bzero(&keys, sizeof(keys)); /* the engine has its copy */
		if (lc->tcp == NULL) {
			APP_ERR("lcore %u: the TCP engine refused the [tcp] configuration",
					lcore_id);
			goto out_free;
		}
		lc->ctx.tcp = lc->tcp;
	}

	if (app_req_inbox_init(&lc->inbox, lcore_id, socket) < 0)
		goto out_free;
	/* Running from now on: a request posted before the launch waits for the loop. */
	__atomic_store_n(&lc->running, 1, __ATOMIC_RELEASE);
	return lc;

out_free:
	app_lcore_free(lc);
	return NULL;
}

void
app_lcore_free(struct app_lcore *lc)
{
	if (lc == NULL)
		return;
	app_req_inbox_fini(&lc->inbox);
	rte_free(lc->tcp_mem);
	rte_free(lc);
}

void
app_lcore_print_stats(const struct app_lcore *lc, uint32_t stage_bits)
{
	char stages[64];

	if (app_pipeline_stage_names(stage_bits, stages, sizeof(stages)) < 0)
		stages[0] = '\0';
	printf("lcore %u (queue %u: %s): loops %" PRIu64 " busy %" PRIu64 " busy_us %" PRIu64 "\n",
			lc->lcore_id, lc->queue, stages, __atomic_load_n(&lc->loops, __ATOMIC_RELAXED),
			__atomic_load_n(&lc->busy_loops, __ATOMIC_RELAXED),
			__atomic_load_n(&lc->busy_us, __ATOMIC_RELAXED));
	for (unsigned i = 0; i < FP_CTR_COUNT; i++) {
		uint64_t v = fp_stats_get(&lc->stats, (enum fp_counter)i);

		if (v != 0)
			printf("  %s %" PRIu64 "\n", fp_stats_name((enum fp_counter)i), v);
	}
	printf("  flows_open %u\n", fp_stats_get_flows_open(&lc->stats));
}
