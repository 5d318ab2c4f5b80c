/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The in-process graph harness (graph_harness.h). Ports are net_ring
 * devices made with rte_eth_from_rings(): separate RX and TX rings, so a
 * reply never loops back as input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_graph_worker.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_ring.h>

#include "fp/tcp.h"

#include "graph_harness.h"
#include "pkt_mbuf.h"

const uint8_t gh_our_mac[GH_PORTS][6] = {{0x02, 0, 0, 0, 0, 0x01}, {0x02, 0, 0, 0, 1, 0x01}};

static struct rte_mempool *pool;
static struct rte_ring *rx_ring[GH_PORTS], *tx_ring[GH_PORTS];
static uint16_t port_ids[GH_PORTS];

struct rte_mempool *
gh_pool(void)
{
	return pool;
}

/* rx/tx_burst reach a port only once it started (that fills the fast-path ops). */
static int
start_port(uint16_t id)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(id, 1, 1, &conf) < 0 ||
			rte_eth_rx_queue_setup(id, 0, 1024, 0, NULL, pool) < 0 ||
			rte_eth_tx_queue_setup(id, 0, 1024, 0, NULL) < 0)
		return -1;
	return rte_eth_dev_start(id);
}

int
gh_eal_init(void)
{
	static int done;
	/* One literal per argument: "\0" before a digit would read as an octal escape. */
	static char args[] = "gh\0"
			     "--no-huge\0"
			     "-m\0"
			     "256\0"
			     "--no-pci\0"
			     "--no-shconf\0"
			     "-l\0"
			     "0\0"
			     "--log-level\0"
			     "*:error\0"
			     "--no-telemetry";
	char *argv[16];
	int argc = 0;

	for (size_t i = 0; i < sizeof(args) && argc < 15; i += strlen(args + i) + 1)
		argv[argc++] = args + i;
	argv[argc] = NULL;

	if (done)
		return 0;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "gh: EAL init failed\n");
		return -1;
	}
	pool = rte_pktmbuf_pool_create("gh_pool", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL || app_graph_init() < 0) {
		fprintf(stderr, "gh: no pool or no graph nodes\n");
		return -1;
	}
	for (unsigned p = 0; p < GH_PORTS; p++) {
		char name[32];
		int id;

		snprintf(name, sizeof(name), "gh_rx%u", p);
		rx_ring[p] = rte_ring_create(name, 4096, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "gh_tx%u", p);
		tx_ring[p] = rte_ring_create(name, 4096, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "gh%u", p);
		id = rte_eth_from_rings(name, &rx_ring[p], 1, &tx_ring[p], 1, 0);
		if (rx_ring[p] == NULL || tx_ring[p] == NULL || id < 0 ||
				start_port((uint16_t)id) < 0) {
			fprintf(stderr, "gh: ring port %u failed: %s\n", p,
					rte_strerror(rte_errno));
			return -1;
		}
		port_ids[p] = (uint16_t)id;
	}
	done = 1;
	return 0;
}

/* fp_tx_ops: lib-built frames (TCP data, retransmissions) go straight to the port. */
static uint8_t *
tx_alloc(void *arg, uint16_t *room)
{
	struct gh *h = arg;

	if (h->tx_out == NULL)
		h->tx_out = rte_pktmbuf_alloc(pool);
	if (h->tx_out == NULL)
		return NULL;
	*room = rte_pktmbuf_tailroom(h->tx_out);
	return rte_pktmbuf_mtod(h->tx_out, uint8_t *);
}

static void
tx_send(void *arg, uint8_t *frame, uint16_t len, uint16_t port)
{
	struct gh *h = arg;
	struct rte_mbuf *m = h->tx_out;

	RTE_SET_USED(frame);
	h->tx_out = NULL;
	app_mbuf_set_len(m, len, false); /* ring ports: no checksum offload */
	app_tx_add(&h->tx, port < GH_PORTS ? port : 0, m);
	h->lib_sent++;
}

static void
tx_discard(void *arg, uint8_t *frame)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(frame);
}

static const struct fp_tx_ops gh_tx_ops = {tx_alloc, tx_send, tx_discard};

/* Parse a text and build its set in the slot the running set does not use. */
static int
build(struct gh *h, const char *text, char *err, size_t err_len)
{
	struct app_pipeline *pl = malloc(sizeof(*pl));
	struct app_engine *engs[1] = {&h->eng};
	struct app_graph_set *gs;
	int rc;

	if (pl == NULL)
		return -ENOMEM;
	rc = app_pipeline_parse(pl, "gh.pipeline", text, strlen(text), err, err_len);
	if (rc < 0) {
		free(pl);
		return rc;
	}
	gs = app_graph_set_build(pl, engs, 1, h->gs ? 1 - app_graph_set_slot(h->gs) : 0, h->gen++,
			err, err_len);
	if (gs == NULL) {
		app_pipeline_free(pl);
		free(pl);
		return -EINVAL;
	}
	/* The swap: between two walks, as the worker does it. */
	app_graph_set_free(h->gs);
	h->gs = gs;
	h->g = app_graph_set_graph(gs, 0);
	return 0;
}

int
gh_open_tcp(struct gh *h, unsigned lcore, const char *pipeline, uint32_t max_flows, char *err,
		size_t err_len)
{
	size_t tcp_len;

	memset(h, 0, sizeof(*h));
	gh_drain();
	fp_cfg_defaults(&h->cfg);
	h->cfg.tcp.max_flows = max_flows ? max_flows : GH_MAX_FLOWS;
	for (unsigned p = 0; p < GH_PORTS; p++) {
		memcpy(h->ctx.ifaces[p].mac, gh_our_mac[p], 6);
		h->ctx.ifaces[p].ip4 = p == 0 ? GH_OUR_IP : GH_OUR_IP1;
		h->ctx.ifaces[p].prefix_len = 24;
		h->ctx.ifaces[p].mtu = 1500;
	}
	h->ctx.n_ifaces = GH_PORTS;
	h->ctx.handlers = FP_HANDLE_ARP | FP_HANDLE_ICMP | FP_HANDLE_TCP;
	h->ctx.stats = &h->stats;
	h->ctx.tx = &gh_tx_ops;
	h->ctx.tx_arg = h;
	if (max_flows) {
		/* Fixed keys: the tests and the benchmark repeat exactly. */
		static const struct fp_tcp_keys keys = {{0x5eed, 1}, {0x5eed, 2}, {0x5eed, 3}};

		tcp_len = fp_tcp_mem_size(&h->cfg.tcp);
		h->tcp_mem = rte_zmalloc("gh_tcp", tcp_len, 64);
		if (h->tcp_mem == NULL) {
			snprintf(err, err_len, "no %zu bytes of EAL memory for the TCP engine",
					tcp_len);
			return -ENOMEM;
		}
		h->ctx.tcp = fp_tcp_init(h->tcp_mem, tcp_len, &h->cfg.tcp, &keys);
	}

	h->eng.ctx = &h->ctx;
	app_tx_init(&h->tx, port_ids, GH_PORTS, 0, &h->stats);
	h->eng.tx = &h->tx;
	h->eng.lcore_id = lcore;
	h->eng.socket = 0;
	h->eng.queue = 0;
	h->eng.n_ports = GH_PORTS;
	memcpy(h->eng.port_ids, port_ids, sizeof(port_ids));
	h->eng.start_tsc = rte_rdtsc();
	h->eng.tsc_hz = rte_get_tsc_hz();
	if (pipeline == NULL)
		return 0;
	return build(h, pipeline, err, err_len);
}

int
gh_open(struct gh *h, unsigned lcore, const char *pipeline, char *err, size_t err_len)
{
	return gh_open_tcp(h, lcore, pipeline, GH_MAX_FLOWS, err, err_len);
}

int
gh_reload(struct gh *h, const char *pipeline, char *err, size_t err_len)
{
	return build(h, pipeline, err, err_len);
}

void
gh_close(struct gh *h)
{
	app_graph_set_free(h->gs);
	if (h->tx_out != NULL)
		rte_pktmbuf_free(h->tx_out);
	rte_free(h->tcp_mem);
	gh_drain();
	memset(h, 0, sizeof(*h));
}

int
gh_inject(unsigned port, const uint8_t *frame, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *d;

	if (m == NULL)
		return -1;
	d = (uint8_t *)rte_pktmbuf_append(m, len);
	if (d == NULL || rte_ring_enqueue(rx_ring[port], m) != 0) {
		rte_pktmbuf_free(m);
		return -1;
	}
	memcpy(d, frame, len);
	return 0;
}

void
gh_walk(struct gh *h)
{
	do {
		rte_graph_walk(app_graph_rte(h->g));
		app_tx_flush_all(&h->tx);
	} while (rte_ring_count(rx_ring[0]) + rte_ring_count(rx_ring[1]) > 0);
}

/* The worker loop before the graph (lcore.c): fp_input() per frame, then the TX flush. */
void
gh_fixed_poll(struct gh *h)
{
	struct rte_mbuf *pkts[32];
	uint64_t c = rte_rdtsc() - h->eng.start_tsc, hz = h->eng.tsc_hz;

	h->ctx.now_us = c / hz * 1000000u + (c % hz) * 1000000u / hz;
	for (uint16_t p = 0; p < GH_PORTS; p++) {
		uint16_t n = rte_eth_rx_burst(port_ids[p], 0, pkts, 32);

		for (uint16_t i = 0; i < n; i++) {
			struct fp_pkt pkt;

			if (app_pkt_from_mbuf(&pkt, pkts[i], p) < 0) {
				fp_stats_inc(&h->stats, FP_CTR_DROP_RX_MULTISEG);
				rte_pktmbuf_free(pkts[i]);
				continue;
			}
			switch (fp_input(&h->ctx, &pkt)) {
			case FP_VERDICT_TX:
				app_pkt_to_mbuf(pkts[i], &pkt);
				app_tx_add(&h->tx, p, pkts[i]);
				break;
			case FP_VERDICT_DROP:
			case FP_VERDICT_CONSUMED:
				rte_pktmbuf_free(pkts[i]);
				break;
			}
		}
	}
	app_tx_flush_all(&h->tx);
}

uint16_t
gh_take(unsigned port, uint8_t *buf, uint16_t room)
{
	void *obj;
	struct rte_mbuf *m;
	uint16_t len;

	if (rte_ring_dequeue(tx_ring[port], &obj) != 0)
		return 0;
	m = obj;
	len = (uint16_t)RTE_MIN(rte_pktmbuf_data_len(m), room);
	memcpy(buf, rte_pktmbuf_mtod(m, void *), len);
	rte_pktmbuf_free(m);
	return len;
}

void
gh_drain(void)
{
	void *obj;

	for (unsigned p = 0; p < GH_PORTS; p++) {
		while (rx_ring[p] != NULL && rte_ring_dequeue(rx_ring[p], &obj) == 0)
			rte_pktmbuf_free(obj);
		while (tx_ring[p] != NULL && rte_ring_dequeue(tx_ring[p], &obj) == 0)
			rte_pktmbuf_free(obj);
	}
}

struct fp_tlm_node
gh_node(struct gh *h, const char *stage)
{
	struct fp_tlm_node st[APP_GRAPH_NODES_MAX], none;
	int n = app_graph_stats(h->g, st, APP_GRAPH_NODES_MAX);

	for (int i = 0; i < n; i++) {
		if (strcmp(st[i].stage, stage) == 0)
			return st[i];
	}
	memset(&none, 0, sizeof(none));
	return none;
}
