/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management commands, shared by the unix socket and the MQTT cmd topic:
 * one flat JSON request in (parsed by lib/tlm), one JSON reply out. Counters
 * are read with fp_stats_get(); flow tables and drains go through the worker
 * request rings (app_lcore_post). Management thread only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_version.h>

#include "fp/cfg.h"
#include "fp/tcp.h"
#include "fp/text.h"
#include "fp/tlm.h"
#include "fp/utf8.h"

#include "log.h"
#include "mgmt_int.h"
#include "mqtt.h"

#define FLOWS_DEFAULT_LIMIT 100
#define FLOWS_MAX_LIMIT     100000
#define FLOWS_CHUNK         512
#define QUOTE_MAX           64 /* bytes of a client's string repeated in an error */

/* ------------------------------------------------------------ buffers */

void
mgmt_buf_free(struct mgmt_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

int
mgmt_buf_build(struct mgmt_buf *out, mgmt_build_fn fn, void *arg)
{
	size_t cap = out->cap ? out->cap : 4096;

	for (;;) {
		struct fp_tlm_json j;
		int n;

		if (out->cap < cap) {
			char *p = realloc(out->p, cap);

			if (p == NULL)
				return -ENOMEM;
			out->p = p;
			out->cap = cap;
		}
		fp_tlm_json_init(&j, out->p, out->cap);
		fn(&j, arg);
		n = fp_tlm_json_finish(&j);
		if (n >= 0) {
			out->len = (size_t)n;
			return 0;
		}
		if (n != -ENOSPC || cap >= MGMT_REPLY_MAX)
			return n;
		cap *= 2;
	}
}

static void
build_error(struct fp_tlm_json *j, void *arg)
{
	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 0);
	fp_tlm_json_kv_str(j, "error", arg);
	fp_tlm_json_obj_end(j);
}

void
mgmt_cmd_error(struct mgmt_buf *out, const char *msg)
{
	if (mgmt_buf_build(out, build_error, (void *)(uintptr_t)msg) != 0)
		mgmt_buf_free(out);
}

static int errorf(struct mgmt_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * An error reply; returns 0 so that handlers can "return errorf(...)". A
 * message cut to fit is cut on a character boundary, so it stays UTF-8.
 */
static int
errorf(struct mgmt_buf *out, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(msg))
		msg[fp_utf8_prefix(msg, sizeof(msg) - 1, sizeof(msg) - 1)] = '\0';
	mgmt_cmd_error(out, msg);
	return 0;
}

struct quoted {
	char s[QUOTE_MAX + 4];
};

/* A client's string for an error message: at most QUOTE_MAX bytes, whole characters, "..." if cut. */
static const char *
quote(struct quoted *q, const char *s)
{
	size_t len = strlen(s);
	size_t n = fp_utf8_prefix(s, len, QUOTE_MAX);

	snprintf(q->s, sizeof(q->s), "%.*s%s", (int)n, s, n < len ? "..." : "");
	return q->s;
}

static int
reply(struct mgmt_buf *out, mgmt_build_fn fn, void *arg)
{
	int rc = mgmt_buf_build(out, fn, arg);

	if (rc == -ENOSPC)
		mgmt_cmd_error(out, "reply too large: ask for less (limit)");
	else if (rc != 0)
		mgmt_cmd_error(out, "out of memory");
	return 0;
}

/* ------------------------------------------------------------- status */

struct status_ctx {
	struct mgmt *m;
};

static void
json_stages(struct fp_tlm_json *j, uint32_t stages)
{
	uint32_t h = app_pipeline_handlers(stages);

	fp_tlm_json_arr_begin(j);
	if (stages & APP_STAGE_RX)
		fp_tlm_json_str(j, "rx");
	if (h & FP_HANDLE_ARP)
		fp_tlm_json_str(j, "arp");
	if (h & FP_HANDLE_ICMP)
		fp_tlm_json_str(j, "icmp");
	if (h & FP_HANDLE_TCP)
		fp_tlm_json_str(j, "tcp_echo");
	if (stages & APP_STAGE_TX)
		fp_tlm_json_str(j, "tx");
	fp_tlm_json_arr_end(j);
}

static void
json_link(struct fp_tlm_json *j, uint16_t port_id)
{
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	fp_tlm_json_obj_begin(j);
	if (rte_eth_link_get_nowait(port_id, &link) == 0) {
		fp_tlm_json_kv_bool(j, "up", link.link_status == RTE_ETH_LINK_UP);
		fp_tlm_json_kv_u64(j, "speed_mbps",
				link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed);
		fp_tlm_json_kv_str(j, "duplex",
				link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX ? "full" : "half");
		fp_tlm_json_kv_bool(j, "autoneg", link.link_autoneg == RTE_ETH_LINK_AUTONEG);
	}
	fp_tlm_json_obj_end(j);
}

/* Identity of one port: index, ethdev id and name, MAC, address, MTU. */
static void
json_port_ident(struct fp_tlm_json *j, const struct app *app, unsigned i)
{
	uint16_t pid = app->port_ids[i];
	char name[RTE_ETH_NAME_MAX_LEN] = "";
	char txt[64], ip[FP_IP4_STR_LEN];
	struct rte_ether_addr mac;

	fp_tlm_json_kv_u64(j, "index", i);
	fp_tlm_json_kv_u64(j, "port_id", pid);
	rte_eth_dev_get_name_by_port(pid, name);
	fp_tlm_json_kv_str(j, "name", name);
	if (rte_eth_macaddr_get(pid, &mac) == 0) {
		snprintf(txt, sizeof(txt), RTE_ETHER_ADDR_PRT_FMT, RTE_ETHER_ADDR_BYTES(&mac));
		fp_tlm_json_kv_str(j, "mac", txt);
	}
	snprintf(txt, sizeof(txt), "%s/%u", fp_text_format_ip4(app->cfg.ports[i].ip4, ip),
			app->cfg.ports[i].prefix_len);
	fp_tlm_json_kv_str(j, "address", txt);
	fp_tlm_json_kv_u64(j, "mtu", app->cfg.ports[i].mtu);
}

static void
build_status(struct fp_tlm_json *j, void *arg)
{
	struct status_ctx *sc = arg;
	const struct app *app = sc->m->app;
	struct mqtt_status ms;
	uint64_t refused, cut_off;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_str(j, "version", FP_VERSION);
	fp_tlm_json_kv_str(j, "dpdk", rte_version());
	fp_tlm_json_kv_u64(j, "pid", (uint64_t)getpid());
	fp_tlm_json_kv_u64(j, "uptime_ms", mgmt_uptime_ms());
	fp_tlm_json_kv_str(j, "config", app->cfg_path);
	fp_tlm_json_kv_bool(j, "draining", sc->m->draining);
	fp_tlm_json_kv_u64(j, "main_lcore", rte_get_main_lcore());
	fp_tlm_json_key(j, "lcores");
	fp_tlm_json_arr_begin(j);
	for (unsigned i = 0; i < app->n_workers; i++) {
		const struct app_lcore *lc = app->workers[i];

		fp_tlm_json_obj_begin(j);
		fp_tlm_json_kv_u64(j, "lcore", lc->lcore_id);
		fp_tlm_json_kv_u64(j, "queue", lc->queue);
		fp_tlm_json_kv_bool(j, "running", __atomic_load_n(&lc->running, __ATOMIC_RELAXED));
		fp_tlm_json_kv_u64(j, "loops", __atomic_load_n(&lc->loops, __ATOMIC_RELAXED));
		fp_tlm_json_kv_u64(j, "busy_loops",
				__atomic_load_n(&lc->busy_loops, __ATOMIC_RELAXED));
		fp_tlm_json_kv_u64(j, "flows_open", fp_stats_get_flows_open(&lc->stats));
		fp_tlm_json_key(j, "stages");
		json_stages(j, app_pipeline_stages(&app->pipeline, lc->lcore_id));
		fp_tlm_json_obj_end(j);
	}
	fp_tlm_json_arr_end(j);
	fp_tlm_json_key(j, "ports");
	fp_tlm_json_arr_begin(j);
	for (unsigned i = 0; i < app->n_ports; i++) {
		fp_tlm_json_obj_begin(j);
		json_port_ident(j, app, i);
		fp_tlm_json_key(j, "link");
		json_link(j, app->port_ids[i]);
		fp_tlm_json_obj_end(j);
	}
	fp_tlm_json_arr_end(j);
	fp_tlm_json_key(j, "mgmt");
	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_str(j, "socket", app->cfg.mgmt.socket);
	fp_tlm_json_kv_u64(j, "clients", mgmt_server_clients(sc->m));
	mgmt_server_counters(sc->m, &refused, &cut_off);
	fp_tlm_json_kv_u64(j, "refused", refused);
	fp_tlm_json_kv_u64(j, "cut_off", cut_off);
	fp_tlm_json_obj_end(j);
	mqtt_get_status(sc->m->mqtt, &ms);
	fp_tlm_json_key(j, "mqtt");
	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "enabled", ms.enabled);
	fp_tlm_json_kv_bool(j, "connected", ms.connected);
	fp_tlm_json_kv_u64(j, "connects", ms.connects);
	fp_tlm_json_kv_u64(j, "published", ms.published);
	fp_tlm_json_kv_u64(j, "dropped", ms.dropped);
	fp_tlm_json_kv_u64(j, "commands", ms.commands);
	fp_tlm_json_kv_u64(j, "commands_refused", ms.refused);
	fp_tlm_json_obj_end(j);
	fp_tlm_json_obj_end(j);
}

static int
cmd_status(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	struct status_ctx sc = {.m = m};

	(void)req;
	return reply(out, build_status, &sc);
}

/* -------------------------------------------------------------- stats */

static struct fp_tlm_ctx stats_ctxs[RTE_MAX_LCORE];

void
mgmt_stats_doc(struct mgmt *m, struct fp_tlm_doc *doc)
{
	const struct app *app = m->app;

	for (unsigned i = 0; i < app->n_workers; i++) {
		stats_ctxs[i].id = app->workers[i]->lcore_id;
		stats_ctxs[i].stats = &app->workers[i]->stats;
	}
	memset(doc, 0, sizeof(*doc));
	doc->target = "dpdk";
	doc->version = FP_VERSION;
	doc->uptime_ms = mgmt_uptime_ms();
	doc->ctxs = stats_ctxs;
	doc->n_ctxs = app->n_workers;
	doc->per_ctx = 1;
}

static void
build_stats(struct fp_tlm_json *j, void *arg)
{
	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_key(j, "stats");
	fp_tlm_json_stats_doc(j, arg);
	fp_tlm_json_obj_end(j);
}

static int
cmd_stats(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	struct fp_tlm_doc doc;

	(void)req;
	mgmt_stats_doc(m, &doc);
	return reply(out, build_stats, &doc);
}

/* -------------------------------------------------------------- flows */

struct flow_row {
	unsigned lcore;
	struct fp_tcp_flow_info fi;
};

struct flows_ctx {
	struct flow_row *rows;
	uint32_t n;       /**< rows kept */
	uint64_t total;   /**< flows in all tables */
	uint64_t matched; /**< flows that passed the filter */
	uint32_t limit;
	unsigned errors; /**< workers that did not answer */
	/* filter */
	int64_t lcore;   /**< -1 = any */
	int64_t port;    /**< -1 = any: local or remote port */
	int state;       /**< -1 = any */
	uint32_t remote; /**< 0 = any */
};

static bool
flow_match(const struct flows_ctx *fc, const struct fp_tcp_flow_info *fi)
{
	if (fc->port >= 0 && fi->local_port != fc->port && fi->remote_port != fc->port)
		return false;
	if (fc->state >= 0 && fi->state != fc->state)
		return false;
	if (fc->remote != 0 && fi->remote_ip != fc->remote)
		return false;
	return true;
}

/* Page through one worker's table; keep matching rows up to the limit. */
static int
flows_from_worker(struct mgmt *m, struct app_lcore *lc, struct flows_ctx *fc)
{
	uint32_t skip = 0;
	/* a bound on pages, in case the table changes under the paging */
	uint32_t pages = m->app->cfg.tcp.max_flows / FLOWS_CHUNK + 2;

	while (pages-- > 0) {
		struct app_req *req = calloc(1, sizeof(*req));
		struct fp_tcp_flow_info *buf = calloc(FLOWS_CHUNK, sizeof(*buf));
		int rc;

		if (req == NULL || buf == NULL) {
			free(req);
			free(buf);
			return -ENOMEM;
		}
		req->kind = APP_REQ_FLOWS;
		req->skip = skip;
		req->max = FLOWS_CHUNK;
		req->flows = buf;
		rc = mgmt_worker_call(m, lc, req, buf);
		if (rc == -ETIMEDOUT)
			return rc; /* req and buf are orphans now */
		if (rc != 0) {
			free(req);
			free(buf);
			return rc == -ENOTSUP ? 0 : rc;
		}
		if (skip == 0)
			fc->total += req->total;
		for (uint32_t i = 0; i < req->n; i++) {
			if (!flow_match(fc, &buf[i]))
				continue;
			fc->matched++;
			if (fc->n < fc->limit) {
				fc->rows[fc->n].lcore = lc->lcore_id;
				fc->rows[fc->n].fi = buf[i];
				fc->n++;
			}
		}
		skip += req->n;
		rc = req->n < req->max;
		free(req);
		free(buf);
		if (rc)
			break;
	}
	return 0;
}

static void
json_endpoint(struct fp_tlm_json *j, const char *key, uint32_t ip, uint16_t port)
{
	char txt[32], addr[FP_IP4_STR_LEN];

	snprintf(txt, sizeof(txt), "%s:%u", fp_text_format_ip4(ip, addr), port);
	fp_tlm_json_kv_str(j, key, txt);
}

static void
build_flows(struct fp_tlm_json *j, void *arg)
{
	const struct flows_ctx *fc = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_u64(j, "total", fc->total);
	fp_tlm_json_kv_u64(j, "matched", fc->matched);
	fp_tlm_json_kv_u64(j, "returned", fc->n);
	fp_tlm_json_kv_bool(j, "truncated", fc->matched > fc->n);
	if (fc->errors)
		fp_tlm_json_kv_u64(j, "workers_not_answering", fc->errors);
	fp_tlm_json_key(j, "flows");
	fp_tlm_json_arr_begin(j);
	for (uint32_t i = 0; i < fc->n; i++) {
		const struct fp_tcp_flow_info *fi = &fc->rows[i].fi;

		fp_tlm_json_obj_begin(j);
		fp_tlm_json_kv_u64(j, "lcore", fc->rows[i].lcore);
		json_endpoint(j, "local", fi->local_ip, fi->local_port);
		json_endpoint(j, "remote", fi->remote_ip, fi->remote_port);
		fp_tlm_json_kv_str(j, "state", fp_tcp_state_name((enum fp_tcp_state)fi->state));
		fp_tlm_json_kv_u64(j, "snd_wnd", fi->snd_wnd);
		fp_tlm_json_kv_u64(j, "rcv_wnd", fi->rcv_wnd);
		fp_tlm_json_kv_u64(j, "unacked", fi->unacked);
		fp_tlm_json_kv_u64(j, "buffered", fi->buffered);
		fp_tlm_json_kv_u64(j, "srtt_us", fi->srtt_us);
		fp_tlm_json_kv_u64(j, "rto_us", fi->rto_us);
		fp_tlm_json_kv_u64(j, "bytes_in", fi->bytes_in);
		fp_tlm_json_kv_u64(j, "bytes_out", fi->bytes_out);
		fp_tlm_json_kv_u64(j, "retransmits", fi->retransmits);
		fp_tlm_json_kv_u64(j, "age_ms", fi->age_us / 1000);
		fp_tlm_json_obj_end(j);
	}
	fp_tlm_json_arr_end(j);
	fp_tlm_json_obj_end(j);
}

static int
cmd_flows(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	struct flows_ctx fc = {.lcore = -1, .port = -1, .state = -1, .limit = FLOWS_DEFAULT_LIMIT};
	struct quoted q;
	const char *s;
	int64_t v;
	int rc;

	rc = fp_tlm_req_int(req, "limit", &v);
	if (rc == 0 && (v < 0 || v > FLOWS_MAX_LIMIT))
		return errorf(out, "limit must be 0..%d", FLOWS_MAX_LIMIT);
	if (rc == -EINVAL)
		return errorf(out, "%s", "limit must be an integer");
	if (rc == 0)
		fc.limit = (uint32_t)v;
	rc = fp_tlm_req_int(req, "port", &v);
	if (rc == -EINVAL || (rc == 0 && (v < 0 || v > 65535)))
		return errorf(out, "%s", "port must be an integer 0..65535");
	if (rc == 0)
		fc.port = v;
	rc = fp_tlm_req_int(req, "lcore", &v);
	if (rc == -EINVAL || (rc == 0 && (v < 0 || v >= RTE_MAX_LCORE)))
		return errorf(out, "%s", "lcore must be an integer lcore id");
	if (rc == 0)
		fc.lcore = v;
	s = fp_tlm_req_str(req, "state");
	if (s != NULL) {
		for (int st = 0; st < FP_TCP_STATE_COUNT; st++)
			if (strcasecmp(s, fp_tcp_state_name((enum fp_tcp_state)st)) == 0)
				fc.state = st;
		if (fc.state < 0)
			return errorf(out, "unknown state '%s'", quote(&q, s));
	}
	s = fp_tlm_req_str(req, "remote");
	if (s != NULL) {
		const char *end = s;

		if (fp_text_parse_ip4(&end, &fc.remote) != 0 || *end != '\0')
			return errorf(out, "remote must be an IPv4 address, not '%s'", quote(&q, s));
	}

	fc.rows = calloc(fc.limit ? fc.limit : 1, sizeof(*fc.rows));
	if (fc.rows == NULL)
		return errorf(out, "%s", "out of memory");
	for (unsigned i = 0; i < m->app->n_workers; i++) {
		struct app_lcore *lc = m->app->workers[i];

		if (fc.lcore >= 0 && lc->lcore_id != (unsigned)fc.lcore)
			continue;
		if (lc->tcp == NULL)
			continue;
		if (flows_from_worker(m, lc, &fc) != 0)
			fc.errors++;
	}
	reply(out, build_flows, &fc);
	free(fc.rows);
	return 0;
}

/* -------------------------------------------------------------- ports */

static void
json_xstats(struct fp_tlm_json *j, uint16_t pid)
{
	int n = rte_eth_xstats_get(pid, NULL, 0);
	struct rte_eth_xstat *xs = NULL;
	struct rte_eth_xstat_name *names = NULL;

	fp_tlm_json_obj_begin(j);
	if (n > 0) {
		xs = calloc((size_t)n, sizeof(*xs));
		names = calloc((size_t)n, sizeof(*names));
	}
	if (xs != NULL && names != NULL && rte_eth_xstats_get_names(pid, names, (unsigned)n) == n &&
			rte_eth_xstats_get(pid, xs, (unsigned)n) == n) {
		for (int i = 0; i < n; i++)
			if (xs[i].id < (uint64_t)n)
				fp_tlm_json_kv_u64(j, names[xs[i].id].name, xs[i].value);
	}
	free(xs);
	free(names);
	fp_tlm_json_obj_end(j);
}

static void
build_ports(struct fp_tlm_json *j, void *arg)
{
	const struct app *app = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_key(j, "ports");
	fp_tlm_json_arr_begin(j);
	for (unsigned i = 0; i < app->n_ports; i++) {
		uint16_t pid = app->port_ids[i];
		struct rte_eth_stats st;

		fp_tlm_json_obj_begin(j);
		json_port_ident(j, app, i);
		fp_tlm_json_key(j, "link");
		json_link(j, pid);
		fp_tlm_json_key(j, "stats");
		fp_tlm_json_obj_begin(j);
		if (rte_eth_stats_get(pid, &st) == 0) {
			fp_tlm_json_kv_u64(j, "ipackets", st.ipackets);
			fp_tlm_json_kv_u64(j, "opackets", st.opackets);
			fp_tlm_json_kv_u64(j, "ibytes", st.ibytes);
			fp_tlm_json_kv_u64(j, "obytes", st.obytes);
			fp_tlm_json_kv_u64(j, "imissed", st.imissed);
			fp_tlm_json_kv_u64(j, "ierrors", st.ierrors);
			fp_tlm_json_kv_u64(j, "oerrors", st.oerrors);
			fp_tlm_json_kv_u64(j, "rx_nombuf", st.rx_nombuf);
		}
		fp_tlm_json_obj_end(j);
		fp_tlm_json_key(j, "xstats");
		json_xstats(j, pid);
		fp_tlm_json_obj_end(j);
	}
	fp_tlm_json_arr_end(j);
	fp_tlm_json_obj_end(j);
}

static int
cmd_ports(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	(void)req;
	return reply(out, build_ports, m->app);
}

/* ----------------------------------------------------------- pipeline */

static void
build_pipeline(struct fp_tlm_json *j, void *arg)
{
	const struct app *app = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_str(j, "path", app->pipeline.path[0] ? app->pipeline.path : "(built-in)");
	fp_tlm_json_kv_str(j, "text", app->pipeline.text);
	fp_tlm_json_key(j, "workers");
	fp_tlm_json_arr_begin(j);
	for (unsigned i = 0; i < app->n_workers; i++) {
		unsigned id = app->workers[i]->lcore_id;

		fp_tlm_json_obj_begin(j);
		fp_tlm_json_kv_u64(j, "lcore", id);
		fp_tlm_json_key(j, "stages");
		json_stages(j, app_pipeline_stages(&app->pipeline, id));
		fp_tlm_json_obj_end(j);
	}
	fp_tlm_json_arr_end(j);
	fp_tlm_json_obj_end(j);
}

static int
cmd_pipeline(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	(void)req;
	return reply(out, build_pipeline, m->app);
}

/* ------------------------------------------------------------- config */

struct text_ctx {
	const char *path;
	const char *text;
};

static void
build_config(struct fp_tlm_json *j, void *arg)
{
	const struct text_ctx *tc = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_str(j, "path", tc->path);
	fp_tlm_json_kv_str(j, "text", tc->text);
	fp_tlm_json_obj_end(j);
}

static int
cmd_config(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	const char *op = fp_tlm_req_str(req, "op");
	struct quoted q;
	struct fp_cfg *shown;
	size_t cap = 16384;
	char *text = NULL;
	int n = -ENOSPC;

	if (op != NULL && strcmp(op, "get") != 0)
		return errorf(out, "config op '%s' is not supported (only get)", quote(&q, op));
	/* the broker password stays in the appliance */
	shown = malloc(sizeof(*shown));
	if (shown == NULL)
		return errorf(out, "%s", "out of memory");
	*shown = m->app->cfg;
	if (shown->mqtt.password[0])
		snprintf(shown->mqtt.password, sizeof(shown->mqtt.password), "(hidden)");
	while (n == -ENOSPC && cap <= 1024 * 1024) {
		char *p = realloc(text, cap);

		if (p == NULL)
			break;
		text = p;
		n = fp_cfg_format(shown, text, cap);
		cap *= 2;
	}
	free(shown);
	if (n < 0) {
		free(text);
		return errorf(out, "%s", "cannot format the configuration");
	}
	struct text_ctx tc = {.path = m->app->cfg_path, .text = text};

	reply(out, build_config, &tc);
	free(text);
	return 0;
}

/* ---------------------------------------------------------------- log */

static const char *const level_names[] = {
		[RTE_LOG_EMERG] = "emerg",
		[RTE_LOG_ALERT] = "alert",
		[RTE_LOG_CRIT] = "crit",
		[RTE_LOG_ERR] = "err",
		[RTE_LOG_WARNING] = "warning",
		[RTE_LOG_NOTICE] = "notice",
		[RTE_LOG_INFO] = "info",
		[RTE_LOG_DEBUG] = "debug",
};

#define MGMT_APP_LOGTYPE "user.fp.app" /* app/log.h */

struct log_ctx {
	const char *name;
	int level;
};

static void
build_log(struct fp_tlm_json *j, void *arg)
{
	const struct log_ctx *lc = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_str(j, "logtype", lc->name);
	fp_tlm_json_kv_str(j, "level", level_names[lc->level]);
	fp_tlm_json_obj_end(j);
}

static int
cmd_log(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	const struct fp_tlm_field *f = fp_tlm_req_get(req, "level");
	const char *name = fp_tlm_req_str(req, "logtype");
	struct quoted q;
	int type, level = -1;

	(void)m;
	if (name == NULL)
		name = MGMT_APP_LOGTYPE;
	/* only the app's own logtype: a typo must not register a new one */
	type = strcmp(name, MGMT_APP_LOGTYPE) == 0 ? app_logtype : -1;
	if (type < 0)
		return errorf(out, "unknown logtype '%s'", quote(&q, name));
	if (f != NULL) {
		if (f->type == FP_TLM_VAL_INT && f->num >= (int)RTE_LOG_EMERG &&
				f->num <= (int)RTE_LOG_DEBUG)
			level = (int)f->num;
		for (int l = (int)RTE_LOG_EMERG;
				f->type == FP_TLM_VAL_STR && l <= (int)RTE_LOG_DEBUG; l++)
			if (strcasecmp(f->str, level_names[l]) == 0)
				level = l;
		if (level < 0)
			return errorf(out, "%s",
					"level must be one of emerg alert crit err warning "
					"notice info debug (or 1..8)");
		if (rte_log_set_level((uint32_t)type, (uint32_t)level) != 0)
			return errorf(out, "%s", "rte_log_set_level failed");
		MGMT_LOG(NOTICE, "log level of %s set to %s", name, level_names[level]);
	}
	level = rte_log_get_level((uint32_t)type);
	if (level < (int)RTE_LOG_EMERG || level > (int)RTE_LOG_DEBUG)
		return errorf(out, "%s", "cannot read the log level");
	struct log_ctx lc = {.name = name, .level = level};

	return reply(out, build_log, &lc);
}

/* ----------------------------------------------------------- shutdown */

static void
build_shutdown(struct fp_tlm_json *j, void *arg)
{
	const int64_t *timeout_ms = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_bool(j, "draining", 1);
	fp_tlm_json_kv_i64(j, "timeout_ms", *timeout_ms);
	fp_tlm_json_obj_end(j);
}

static int
cmd_shutdown(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	int64_t timeout_ms = MGMT_DRAIN_MS;
	int rc = fp_tlm_req_int(req, "timeout_ms", &timeout_ms);

	if (rc == -EINVAL || timeout_ms < 0 || timeout_ms > MGMT_DRAIN_MAX_MS)
		return errorf(out, "timeout_ms must be an integer 0..%d", MGMT_DRAIN_MAX_MS);
	rc = mgmt_shutdown_begin(m, (uint64_t)timeout_ms);
	if (rc == -EALREADY)
		return errorf(out, "%s", "already shutting down");
	if (rc != 0)
		return errorf(out, "shutdown: %s", strerror(-rc));
	return reply(out, build_shutdown, &timeout_ms);
}

/* --------------------------------------------------------------- help */

struct cmd {
	int (*fn)(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out);
	const char *help;
};

static int cmd_help(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out);

/* Indexed by enum fp_tlm_cmd: the names, and which ones write, are lib/tlm's. */
static const struct cmd cmds[FP_TLM_CMD_COUNT] = {
		[FP_TLM_CMD_STATUS] = {cmd_status, "version, uptime, lcores, ports and links"},
		[FP_TLM_CMD_STATS] = {cmd_stats,
				"counters per lcore and total (the telemetry document)"},
		[FP_TLM_CMD_FLOWS] = {cmd_flows,
				"TCP flows; args: limit, port, state, remote, lcore"},
		[FP_TLM_CMD_PORTS] = {cmd_ports, "ethdev stats and xstats per port"},
		[FP_TLM_CMD_PIPELINE] = {cmd_pipeline,
				"the pipeline definition and each worker's stages"},
		[FP_TLM_CMD_CONFIG] = {cmd_config, "the effective configuration; args: op=\"get\""},
		[FP_TLM_CMD_LOG] = {cmd_log, "get or set the app log level; args: level"},
		[FP_TLM_CMD_SHUTDOWN] = {cmd_shutdown,
				"drain the workers, then exit 0; args: timeout_ms"},
		[FP_TLM_CMD_HELP] = {cmd_help, "this list"},
};

static void
build_help(struct fp_tlm_json *j, void *arg)
{
	(void)arg;
	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_key(j, "commands");
	fp_tlm_json_obj_begin(j);
	for (int i = 0; i < FP_TLM_CMD_COUNT; i++)
		fp_tlm_json_kv_str(j, fp_tlm_cmd_name((enum fp_tlm_cmd)i), cmds[i].help);
	fp_tlm_json_obj_end(j);
	fp_tlm_json_obj_end(j);
}

static int
cmd_help(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	(void)m;
	(void)req;
	return reply(out, build_help, NULL);
}

int
mgmt_cmd_exec(struct mgmt *m, const char *line, size_t len, struct mgmt_buf *out,
		const char *origin, uint32_t allowed)
{
	static struct fp_tlm_req req; /* 2.4 KB: off the stack; management thread only */
	struct quoted q;
	const char *err = NULL;
	const char *name;
	int rc, id;

	rc = fp_tlm_req_parse(&req, line, len, &err);
	if (rc != 0) {
		errorf(out, "bad request: %s", err != NULL ? err : "malformed");
		return 0;
	}
	name = fp_tlm_req_str(&req, "cmd");
	if (name == NULL) {
		mgmt_cmd_error(out, "bad request: \"cmd\" (a string) is required");
		return 0;
	}
	id = fp_tlm_cmd_find(name, strlen(name));
	if (id < 0) {
		errorf(out, "unknown command '%s' (try help)", quote(&q, name));
		return 0;
	}
	if (!(allowed & (1u << id))) {
		errorf(out, "%s is not allowed over %s (see [%s] commands_allow)", name, origin,
				origin);
		return -EPERM;
	}
	MGMT_LOG(DEBUG, "%s: %s", origin, name);
	cmds[id].fn(m, &req, out);
	return 0;
}
