/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the /metrics page says (app/metrics.h). Each group of metric families
 * is one emit_* function in the table at the bottom: adding a family means
 * writing one function and listing it there. Worker counters are read with
 * fp_stats_get() and port counters with rte_eth_stats_get(), the same
 * sources as `fpctl stats` and `fpctl ports`, so the numbers agree.
 * Management thread only (metrics.c calls it from its request handler).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_version.h>

#include "fp/prom.h"
#include "fp/stats.h"
#include "fp/text.h"

#include "app.h"
#include "lcore.h"
#include "metrics.h"
#include "mgmt_int.h"
#include "mgmt_pipeline.h"

#define PAGE_START (16 * 1024)       /**< first buffer size, bytes */
#define PAGE_MAX   (4 * 1024 * 1024) /**< give up above this */

/** Everything an emitter may read. */
struct page_src {
	struct mgmt *m;
	const struct app *app;
	const struct metrics_counters *self; /**< NULL: not serving */
	char lcore[RTE_MAX_LCORE][12];       /**< label value of workers[i] */
	char port[FP_MAX_IFACES][8];         /**< label value of [port i] */
	unsigned n_nodes[RTE_MAX_LCORE];     /**< nodes of workers[i], in m->stats_nodes[i] */
};

typedef void (*emit_fn)(struct fp_prom *p, const struct page_src *src);

static void
emit_build(struct fp_prom *p, const struct page_src *src)
{
	const struct fp_prom_label l[] = {{"version", FP_VERSION}, {"dpdk", rte_version()}};

	(void)src;
	fp_prom_family(p, "fastpath_build", FP_PROM_INFO, "Software version of this appliance.");
	fp_prom_sample(p, l, 2, 1);
	fp_prom_family(p, "fastpath_uptime_seconds", FP_PROM_GAUGE, "Seconds since start.");
	fp_prom_sample_milli(p, NULL, 0, app_uptime_ms(src->app));
}

/* Every counter of FP_FOREACH_COUNTER that is not a drop: one family each, a sample per lcore. */
static void
emit_lcore_counters(struct fp_prom *p, const struct page_src *src)
{
	const struct app *app = src->app;

	for (unsigned c = 0; c < FP_CTR_COUNT; c++) {
		char name[FP_PROM_NAME_MAX], help[160];

		if (fp_stats_drop_reason((enum fp_counter)c) != NULL)
			continue;
		snprintf(name, sizeof(name), "fastpath_%s", fp_stats_name((enum fp_counter)c));
		snprintf(help, sizeof(help),
				"Worker counter %s (docs/TELEMETRY.md), per worker lcore.",
				fp_stats_name((enum fp_counter)c));
		fp_prom_family(p, name, FP_PROM_COUNTER, help);
		for (unsigned i = 0; i < app->n_workers; i++) {
			const struct fp_prom_label l[] = {{"lcore", src->lcore[i]}};

			fp_prom_sample(p, l, 1,
					fp_stats_get(&app->workers[i]->stats, (enum fp_counter)c));
		}
	}
}

/* The drop_* counters as one family: reason = the counter's name without "drop_". */
static void
emit_drops(struct fp_prom *p, const struct page_src *src)
{
	const struct app *app = src->app;

	fp_prom_family(p, "fastpath_drops", FP_PROM_COUNTER,
			"Frames dropped by the workers, by lcore and reason (drop_<reason> in "
			"fpctl stats).");
	for (unsigned i = 0; i < app->n_workers; i++) {
		for (unsigned c = 0; c < FP_CTR_COUNT; c++) {
			const char *reason = fp_stats_drop_reason((enum fp_counter)c);
			const struct fp_prom_label l[] = {
					{"lcore", src->lcore[i]}, {"reason", reason}};

			if (reason == NULL)
				continue;
			fp_prom_sample(p, l, 2,
					fp_stats_get(&app->workers[i]->stats, (enum fp_counter)c));
		}
	}
}

static uint64_t
lcore_flows_open(const struct app_lcore *lc)
{
	return fp_stats_get_flows_open(&lc->stats);
}

static uint64_t
lcore_running(const struct app_lcore *lc)
{
	return __atomic_load_n(&lc->running, __ATOMIC_RELAXED);
}

static uint64_t
lcore_loops(const struct app_lcore *lc)
{
	return __atomic_load_n(&lc->loops, __ATOMIC_RELAXED);
}

static uint64_t
lcore_busy_loops(const struct app_lcore *lc)
{
	return __atomic_load_n(&lc->busy_loops, __ATOMIC_RELAXED);
}

static uint64_t
lcore_busy_ms(const struct app_lcore *lc)
{
	return __atomic_load_n(&lc->busy_us, __ATOMIC_RELAXED) / 1000;
}

/* Worker state beyond the counter block, one family each, a sample per lcore. */
static const struct {
	const char *name;
	enum fp_prom_type type;
	const char *help;
	uint64_t (*get)(const struct app_lcore *lc);
	int milli; /**< get() returns thousandths */
} lcore_families[] = {
		{"fastpath_flows_open", FP_PROM_GAUGE, "TCP flows in the worker's table now.",
				lcore_flows_open, 0},
		{"fastpath_lcore_running", FP_PROM_GAUGE, "1 while the worker lcore runs its loop.",
				lcore_running, 0},
		{"fastpath_lcore_loops", FP_PROM_COUNTER, "Worker loop iterations.", lcore_loops, 0},
		{"fastpath_lcore_busy_loops", FP_PROM_COUNTER,
				"Worker loop iterations that received frames.", lcore_busy_loops, 0},
		{"fastpath_lcore_busy_seconds", FP_PROM_COUNTER,
				"Time the worker spent in iterations that received frames (its rate is "
				"the load).",
				lcore_busy_ms, 1},
};

static void
emit_lcore_state(struct fp_prom *p, const struct page_src *src)
{
	const struct app *app = src->app;

	for (size_t f = 0; f < RTE_DIM(lcore_families); f++) {
		fp_prom_family(p, lcore_families[f].name, lcore_families[f].type,
				lcore_families[f].help);
		for (unsigned i = 0; i < app->n_workers; i++) {
			const struct fp_prom_label l[] = {{"lcore", src->lcore[i]}};
			uint64_t v = lcore_families[f].get(app->workers[i]);

			if (lcore_families[f].milli)
				fp_prom_sample_milli(p, l, 1, v);
			else
				fp_prom_sample(p, l, 1, v);
		}
	}
}

/* rte_eth_stats fields, one family each, a sample per configured port. */
/* A uint64_t field of a struct, exported as one counter family. */
struct u64_field {
	const char *name; /**< family name, without _total */
	const char *help;
	size_t off; /**< offsetof() the field */
};

static const struct u64_field port_counters[] = {
		{"fastpath_port_rx_packets", "Frames received by the port (ethdev ipackets).",
				offsetof(struct rte_eth_stats, ipackets)},
		{"fastpath_port_tx_packets", "Frames sent by the port (ethdev opackets).",
				offsetof(struct rte_eth_stats, opackets)},
		{"fastpath_port_rx_bytes", "Bytes received by the port (ethdev ibytes).",
				offsetof(struct rte_eth_stats, ibytes)},
		{"fastpath_port_tx_bytes", "Bytes sent by the port (ethdev obytes).",
				offsetof(struct rte_eth_stats, obytes)},
		{"fastpath_port_rx_missed", "Frames the port dropped: RX queue full (imissed).",
				offsetof(struct rte_eth_stats, imissed)},
		{"fastpath_port_rx_errors", "Erroneous frames received (ethdev ierrors).",
				offsetof(struct rte_eth_stats, ierrors)},
		{"fastpath_port_tx_errors", "Frames the port failed to send (ethdev oerrors).",
				offsetof(struct rte_eth_stats, oerrors)},
		{"fastpath_port_rx_nombuf", "RX mbuf allocation failures (ethdev rx_nombuf).",
				offsetof(struct rte_eth_stats, rx_nombuf)},
};

static void
emit_ports(struct fp_prom *p, const struct page_src *src)
{
	const struct app *app = src->app;
	struct rte_eth_stats st[FP_MAX_IFACES];
	int have[FP_MAX_IFACES];
	unsigned i;

	fp_prom_family(p, "fastpath_port", FP_PROM_INFO,
			"Identity of each configured port: DPDK device, MAC and address.");
	for (i = 0; i < app->n_ports; i++) {
		const struct app_port *port = &app->ports[i];
		char dev[RTE_ETH_NAME_MAX_LEN] = "", mac[RTE_ETHER_ADDR_FMT_SIZE] = "";
		char addr[24], ip[FP_IP4_STR_LEN];
		const struct fp_prom_label l[] = {{"port", src->port[i]}, {"device", dev},
				{"mac", mac}, {"address", addr}};

		rte_eth_dev_get_name_by_port(port->id, dev);
		rte_ether_format_addr(mac, sizeof(mac), &port->mac);
		snprintf(addr, sizeof(addr), "%s/%u", fp_text_format_ip4(port->cfg->ip4, ip),
				port->cfg->prefix_len);
		fp_prom_sample(p, l, 4, 1);
	}
	fp_prom_family(p, "fastpath_port_link_up", FP_PROM_GAUGE, "1 when the port's link is up.");
	for (i = 0; i < app->n_ports; i++) {
		const struct fp_prom_label l[] = {{"port", src->port[i]}};
		struct rte_eth_link link;

		memset(&link, 0, sizeof(link));
		rte_eth_link_get_nowait(app->ports[i].id, &link);
		fp_prom_sample(p, l, 1, link.link_status == RTE_ETH_LINK_UP);
	}
	for (i = 0; i < app->n_ports; i++)
		have[i] = rte_eth_stats_get(app->ports[i].id, &st[i]) == 0;
	for (size_t c = 0; c < RTE_DIM(port_counters); c++) {
		fp_prom_family(p, port_counters[c].name, FP_PROM_COUNTER, port_counters[c].help);
		for (i = 0; i < app->n_ports; i++) {
			const struct fp_prom_label l[] = {{"port", src->port[i]}};
			uint64_t v;

			if (!have[i])
				continue;
			memcpy(&v, (const char *)&st[i] + port_counters[c].off, sizeof(v));
			fp_prom_sample(p, l, 1, v);
		}
	}
}

/* A family of one unlabelled sample. */
static void
emit_scalar(struct fp_prom *p, const char *name, enum fp_prom_type type, const char *help,
		uint64_t value)
{
	fp_prom_family(p, name, type, help);
	fp_prom_sample(p, NULL, 0, value);
}

static void
emit_mqtt(struct fp_prom *p, const struct page_src *src)
{
	const struct mqtt_status *ms = &src->m->mqtt_st;

	emit_scalar(p, "fastpath_mqtt_enabled", FP_PROM_GAUGE,
			"1 when MQTT telemetry is configured ([mqtt] enabled).", ms->enabled);
	emit_scalar(p, "fastpath_mqtt_connected", FP_PROM_GAUGE,
			"1 while the session with the MQTT broker is up.", ms->connected);
	emit_scalar(p, "fastpath_mqtt_connects", FP_PROM_COUNTER,
			"Successful connections to the broker.", ms->connects);
	emit_scalar(p, "fastpath_mqtt_published", FP_PROM_COUNTER,
			"Stats documents handed to the MQTT client.", ms->published);
	emit_scalar(p, "fastpath_mqtt_dropped", FP_PROM_COUNTER,
			"Stats documents dropped: broker away or output backlog.", ms->dropped);
}

static void
emit_mgmt(struct fp_prom *p, const struct page_src *src)
{
	const struct mgmt_server_counters *st = &src->m->server_st;

	emit_scalar(p, "fastpath_mgmt_clients", FP_PROM_GAUGE,
			"Clients connected to the management socket.", st->clients);
	emit_scalar(p, "fastpath_mgmt_refused", FP_PROM_COUNTER,
			"Management clients turned away at the client limit.", st->refused);
	emit_scalar(p, "fastpath_mgmt_cut_off", FP_PROM_COUNTER,
			"Management clients closed for misbehaving.", st->cut_off);
}

static void
emit_self(struct fp_prom *p, const struct page_src *src)
{
	const struct metrics_counters *s = src->self;
	const struct fp_prom_label ok[] = {{"code", "200"}}, nf[] = {{"code", "404"}},
				   bm[] = {{"code", "405"}}, bd[] = {{"code", "413"}},
				   fl[] = {{"code", "500"}};

	if (s == NULL)
		return;
	emit_scalar(p, "fastpath_metrics_connections", FP_PROM_GAUGE,
			"HTTP connections to this endpoint open now.", s->connections);
	fp_prom_family(p, "fastpath_metrics_requests", FP_PROM_COUNTER,
			"HTTP requests answered by this endpoint, by status code.");
	fp_prom_sample(p, ok, 1, s->scrapes);
	fp_prom_sample(p, nf, 1, s->not_found);
	fp_prom_sample(p, bm, 1, s->bad_method);
	fp_prom_sample(p, bd, 1, s->body_refused);
	fp_prom_sample(p, fl, 1, s->failed);
	emit_scalar(p, "fastpath_metrics_deadline_closed", FP_PROM_COUNTER,
			"HTTP connections closed for not completing a request in time.",
			s->deadline_closed);
}

/* The figures rte_graph keeps for each node of each worker's pipeline. */
static const struct u64_field node_counters[] = {
		{"fastpath_node_packets", "Packets the pipeline node processed, per worker lcore.",
				offsetof(struct fp_tlm_node, packets)},
		{"fastpath_node_calls", "Times the pipeline node ran with packets.",
				offsetof(struct fp_tlm_node, calls)},
		{"fastpath_node_drops", "Packets the pipeline node sent to a drop sink.",
				offsetof(struct fp_tlm_node, drops)},
		{"fastpath_node_cycles",
				"TSC cycles the pipeline node spent (per packet: its cost).",
				offsetof(struct fp_tlm_node, cycles)},
};

static void
emit_nodes(struct fp_prom *p, const struct page_src *src)
{
	const struct mgmt *m = src->m;

	for (size_t c = 0; c < RTE_DIM(node_counters); c++) {
		fp_prom_family(p, node_counters[c].name, FP_PROM_COUNTER, node_counters[c].help);
		for (unsigned i = 0; i < src->app->n_workers; i++) {
			for (unsigned k = 0; k < src->n_nodes[i]; k++) {
				const struct fp_tlm_node *n = &m->stats_nodes[i][k];
				const struct fp_prom_label l[] = {{"lcore", src->lcore[i]},
						{"stage", n->stage}, {"node", n->name}};
				uint64_t v;

				memcpy(&v, (const char *)n + node_counters[c].off, sizeof(v));
				fp_prom_sample(p, l, 3, v);
			}
		}
	}
}

/* The page, in this order. */
static const emit_fn emitters[] = {
		emit_build,
		emit_lcore_counters,
		emit_drops,
		emit_lcore_state,
		emit_nodes,
		emit_ports,
		emit_mqtt,
		emit_mgmt,
		emit_self,
};

static int
render(struct fp_prom *p, char *buf, size_t cap, enum fp_prom_format fmt,
		const struct page_src *src)
{
	fp_prom_init(p, buf, cap, fmt);
	for (size_t i = 0; i < RTE_DIM(emitters); i++)
		emitters[i](p, src);
	return fp_prom_finish(p);
}

int
metrics_page_build(struct mgmt *m, enum fp_prom_format fmt, const struct metrics_counters *self,
		char **page, size_t *len)
{
	struct page_src src;
	size_t cap = PAGE_START;
	char *buf = NULL;

	src.m = m;
	src.app = m->app;
	src.self = self;
	for (unsigned i = 0; i < m->app->n_workers; i++)
		snprintf(src.lcore[i], sizeof(src.lcore[i]), "%u", m->app->workers[i]->lcore_id);
	for (unsigned i = 0; i < m->app->n_ports; i++)
		snprintf(src.port[i], sizeof(src.port[i]), "%u", i);
	/* read once: the page may be rendered again into a larger buffer */
	for (unsigned i = 0; i < m->app->n_workers; i++) {
		int n = mgmt_pipeline_nodes(m->app, i, m->stats_nodes[i], APP_GRAPH_NODES_MAX);

		src.n_nodes[i] = n > 0 ? (unsigned)n : 0;
	}
	for (;;) {
		struct fp_prom p;
		char *nb = realloc(buf, cap);
		int n;

		if (nb == NULL) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		n = render(&p, buf, cap, fmt, &src);
		if (n >= 0) {
			*page = buf;
			*len = (size_t)n;
			return 0;
		}
		if (n != -ENOSPC || cap >= PAGE_MAX) {
			free(buf);
			return n;
		}
		cap *= 2;
	}
}
