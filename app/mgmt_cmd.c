/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management commands (mgmt_cmd.h), shared by the unix socket and the
 * MQTT cmd topic: one flat JSON request in (parsed by lib/tlm), one JSON
 * reply out. Counters are read with fp_stats_get(); the flow listing
 * (mgmt_flows.c) and the drain (mgmt_drain.c) reach the workers through the
 * request path and answer later. Management thread only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_version.h>

#include "fp/cfg.h"
#include "fp/text.h"
#include "fp/tlm.h"

#include "lcore.h"
#include "log.h"
#include "mgmt_cmd.h"
#include "mgmt_config.h"
#include "mgmt_drain.h"
#include "mgmt_flows.h"
#include "graph_set.h"
#include "mgmt_int.h"
#include "mgmt_pipeline.h"
#include "mgmt_reply.h"

/* ------------------------------------------------------------- status */

static void
json_stages(struct fp_tlm_json *j, uint32_t stages)
{
	fp_tlm_json_arr_begin(j);
	for (unsigned k = 0; k < APP_STAGE_KIND_COUNT; k++) {
		if (stages & (1u << k))
			fp_tlm_json_str(j, app_stage_name((enum app_stage_kind)k));
	}
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
json_port_ident(struct fp_tlm_json *j, const struct app_port *p)
{
	char name[RTE_ETH_NAME_MAX_LEN] = "";
	char txt[64], ip[FP_IP4_STR_LEN];

	fp_tlm_json_kv_u64(j, "index", p->index);
	fp_tlm_json_kv_u64(j, "port_id", p->id);
	rte_eth_dev_get_name_by_port(p->id, name);
	fp_tlm_json_kv_str(j, "name", name);
	rte_ether_format_addr(txt, sizeof(txt), &p->mac);
	fp_tlm_json_kv_str(j, "mac", txt);
	snprintf(txt, sizeof(txt), "%s/%u", fp_text_format_ip4(p->cfg->ip4, ip),
			p->cfg->prefix_len);
	fp_tlm_json_kv_str(j, "address", txt);
	fp_tlm_json_kv_u64(j, "mtu", p->cfg->mtu);
}

static const char *
idle_mode_name(const struct app_lcore *lc)
{
	uint8_t mode = __atomic_load_n(&lc->idle.mode, __ATOMIC_RELAXED);

	return mode == FP_CFG_IDLE_ADAPTIVE ? "adaptive" : "poll";
}

/*
 * What a DPDK secondary process (dpdk-dumpcap, `fpctl capture`) needs to
 * attach: the --file-prefix (the last part of EAL's runtime directory) and
 * whether we run on hugepages, without which it cannot.
 */
static void
json_eal(struct fp_tlm_json *j)
{
	const char *dir = rte_eal_get_runtime_dir();
	const char *slash = strrchr(dir, '/');

	fp_tlm_json_key(j, "eal");
	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_str(j, "file_prefix", slash != NULL ? slash + 1 : dir);
	fp_tlm_json_kv_bool(j, "hugepages", rte_eal_has_hugepages());
	fp_tlm_json_obj_end(j);
}

static void
build_status(struct fp_tlm_json *j, void *arg)
{
	const struct mgmt *m = arg;
	const struct app *app = m->app;
	const struct mqtt_status *ms = &m->mqtt_st;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_str(j, "version", FP_VERSION);
	fp_tlm_json_kv_str(j, "dpdk", rte_version());
	fp_tlm_json_kv_u64(j, "pid", (uint64_t)getpid());
	fp_tlm_json_kv_u64(j, "uptime_ms", app_uptime_ms(app));
	fp_tlm_json_kv_str(j, "config", app->cfg_path);
	fp_tlm_json_kv_bool(j, "draining", m->drain.active);
	fp_tlm_json_kv_u64(j, "main_lcore", rte_get_main_lcore());
	json_eal(j);
	fp_tlm_json_key(j, "lcores");
	fp_tlm_json_arr_begin(j);
	for (unsigned i = 0; i < app->n_workers; i++) {
		const struct app_lcore *lc = app->workers[i];
		uint64_t sleeps, slept_us;

		fp_tlm_json_obj_begin(j);
		fp_tlm_json_kv_u64(j, "lcore", lc->lcore_id);
		fp_tlm_json_kv_u64(j, "queue", lc->queue);
		fp_tlm_json_kv_bool(j, "running", __atomic_load_n(&lc->running, __ATOMIC_RELAXED));
		fp_tlm_json_kv_u64(j, "loops", __atomic_load_n(&lc->loops, __ATOMIC_RELAXED));
		fp_tlm_json_kv_u64(j, "busy_loops",
				__atomic_load_n(&lc->busy_loops, __ATOMIC_RELAXED));
		fp_tlm_json_kv_u64(j, "busy_us", __atomic_load_n(&lc->busy_us, __ATOMIC_RELAXED));
		fp_tlm_json_kv_str(j, "idle", idle_mode_name(lc));
		app_idle_totals(&lc->idle, &sleeps, &slept_us);
		fp_tlm_json_kv_u64(j, "idle_sleeps", sleeps);
		fp_tlm_json_kv_u64(j, "idle_sleep_us", slept_us);
		fp_tlm_json_kv_u64(j, "flows_open", fp_stats_get_flows_open(&lc->stats));
		fp_tlm_json_key(j, "stages");
		/* The running pipeline's, which a reload may have changed since start. */
		json_stages(j,
				app_pipeline_stages(
						app_graph_set_pipeline(app->graphs), lc->lcore_id));
		fp_tlm_json_obj_end(j);
	}
	fp_tlm_json_arr_end(j);
	fp_tlm_json_key(j, "ports");
	fp_tlm_json_arr_begin(j);
	for (unsigned i = 0; i < app->n_ports; i++) {
		fp_tlm_json_obj_begin(j);
		json_port_ident(j, &app->ports[i]);
		fp_tlm_json_key(j, "link");
		json_link(j, app->ports[i].id);
		fp_tlm_json_obj_end(j);
	}
	fp_tlm_json_arr_end(j);
	fp_tlm_json_key(j, "mgmt");
	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_str(j, "socket", app->cfg.mgmt.socket);
	fp_tlm_json_kv_u64(j, "clients", m->server_st.clients);
	fp_tlm_json_kv_u64(j, "refused", m->server_st.refused);
	fp_tlm_json_kv_u64(j, "cut_off", m->server_st.cut_off);
	fp_tlm_json_kv_u64(j, "worker_requests", m->replies.posted);
	fp_tlm_json_kv_u64(j, "worker_requests_in_flight", m->replies.in_flight);
	fp_tlm_json_obj_end(j);
	fp_tlm_json_key(j, "mqtt");
	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "enabled", ms->enabled);
	fp_tlm_json_kv_bool(j, "connected", ms->connected);
	fp_tlm_json_kv_u64(j, "connects", ms->connects);
	fp_tlm_json_kv_u64(j, "published", ms->published);
	fp_tlm_json_kv_u64(j, "dropped", ms->dropped);
	fp_tlm_json_kv_u64(j, "commands", ms->commands);
	fp_tlm_json_kv_u64(j, "commands_refused", ms->refused);
	fp_tlm_json_obj_end(j);
	fp_tlm_json_obj_end(j);
}

static int
cmd_status(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	(void)req;
	return mgmt_reply(out, build_status, m);
}

/* -------------------------------------------------------------- stats */

void
mgmt_stats_doc(struct mgmt *m, struct fp_tlm_doc *doc)
{
	const struct app *app = m->app;

	for (unsigned i = 0; i < app->n_workers; i++) {
		int n = mgmt_pipeline_nodes(m->app, i, m->stats_nodes[i], APP_GRAPH_NODES_MAX);

		m->stats_ctxs[i].id = app->workers[i]->lcore_id;
		m->stats_ctxs[i].stats = &app->workers[i]->stats;
		m->stats_ctxs[i].nodes = n > 0 ? m->stats_nodes[i] : NULL;
		m->stats_ctxs[i].n_nodes = n > 0 ? (uint32_t)n : 0;
	}
	memset(doc, 0, sizeof(*doc));
	doc->target = "dpdk";
	doc->version = FP_VERSION;
	doc->uptime_ms = app_uptime_ms(app);
	doc->ctxs = m->stats_ctxs;
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
	return mgmt_reply(out, build_stats, &doc);
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
		uint16_t pid = app->ports[i].id;
		struct rte_eth_stats st;

		fp_tlm_json_obj_begin(j);
		json_port_ident(j, &app->ports[i]);
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
	return mgmt_reply(out, build_ports, m->app);
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
	struct mgmt_quoted q;
	int type, level = -1;

	if (name == NULL)
		name = APP_LOGTYPE_NAME;
	/* only the app's own logtype: a typo must not register a new one */
	type = strcmp(name, APP_LOGTYPE_NAME) == 0 ? app_logtype : -1;
	if (type < 0)
		return mgmt_reply_errorf(out, "unknown logtype '%s'", mgmt_quote(&q, name));
	if (f != NULL) {
		if (f->type == FP_TLM_VAL_INT && f->num >= (int)RTE_LOG_EMERG &&
				f->num <= (int)RTE_LOG_DEBUG)
			level = (int)f->num;
		for (int l = (int)RTE_LOG_EMERG;
				f->type == FP_TLM_VAL_STR && l <= (int)RTE_LOG_DEBUG; l++)
			if (strcasecmp(f->str, level_names[l]) == 0)
				level = l;
		if (level < 0)
			return mgmt_reply_errorf(out, "%s",
					"level must be one of emerg alert crit err warning "
					"notice info debug (or 1..8)");
		/* The running configuration's log.level, as config set changes it. */
		char err[256];

		if (mgmt_config_set_local(m, "log.level", level_names[level], err, sizeof(err)) !=
				0)
			return mgmt_reply_errorf(out, "%s", err);
		MGMT_LOG(NOTICE, "log level of %s set to %s", name, level_names[level]);
	}
	level = rte_log_get_level((uint32_t)type);
	if (level < (int)RTE_LOG_EMERG || level > (int)RTE_LOG_DEBUG)
		return mgmt_reply_errorf(out, "%s", "cannot read the log level");
	struct log_ctx lc = {.name = name, .level = level};

	return mgmt_reply(out, build_log, &lc);
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
		return mgmt_reply_errorf(
				out, "timeout_ms must be an integer 0..%d", MGMT_DRAIN_MAX_MS);
	rc = mgmt_drain_begin(m, (uint64_t)timeout_ms, "shutdown requested");
	if (rc == -EALREADY)
		return mgmt_reply_errorf(out, "%s", "already shutting down");
	if (rc != 0)
		return mgmt_reply_errorf(out, "shutdown: %s", strerror(-rc));
	return mgmt_reply(out, build_shutdown, &timeout_ms);
}

/* --------------------------------------------------------------- help */

/*
 * A command answers in one of two ways: fn writes the reply into out at
 * once, or later (for commands that need the workers) takes over: it returns
 * 0 and calls done itself, once, now or from the loop; or it returns < 0
 * with an error reply in out.
 */
struct cmd {
	int (*fn)(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out);
	int (*later)(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out,
			mgmt_reply_fn done, void *arg);
	const char *help;
};

static int cmd_help(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out);

/* Indexed by enum fp_tlm_cmd: the names, and which ones write, are lib/tlm's. */
static const struct cmd cmds[FP_TLM_CMD_COUNT] = {
		[FP_TLM_CMD_STATUS] = {cmd_status, NULL,
				"version, uptime, lcores, ports and links"},
		[FP_TLM_CMD_STATS] = {cmd_stats, NULL,
				"counters per lcore and total (the telemetry document)"},
		[FP_TLM_CMD_FLOWS] = {NULL, mgmt_flows_start,
				"TCP flows; args: limit, port, state, remote, lcore"},
		[FP_TLM_CMD_PORTS] = {cmd_ports, NULL, "ethdev stats and xstats per port"},
		[FP_TLM_CMD_PIPELINE] = {mgmt_pipeline_show, NULL,
				"each worker's graph with per-node figures; args: dot (true: "
				"Graphviz), op=\"reload\" (as pipeline_reload)"},
		[FP_TLM_CMD_PIPELINE_RELOAD] = {NULL, mgmt_pipeline_reload_start,
				"build the pipeline anew and swap it in per worker; args: path "
				"(default: the running file)"},
		[FP_TLM_CMD_CONFIG] = {mgmt_config_cmd, NULL,
				"the running configuration; args: op=\"get\" (default), "
				"\"keys\" or \"diff\" (against the file)"},
		[FP_TLM_CMD_SET] = {NULL, mgmt_config_set,
				"change a live key of the running configuration; args: key "
				"(section.key), value"},
		[FP_TLM_CMD_LOG] = {cmd_log, NULL, "get or set the app log level; args: level"},
		[FP_TLM_CMD_SHUTDOWN] = {cmd_shutdown, NULL,
				"drain the workers, then exit 0; args: timeout_ms"},
		[FP_TLM_CMD_HELP] = {cmd_help, NULL, "this list"},
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
	return mgmt_reply(out, build_help, NULL);
}

/*
 * The command a request line names, or -1 with an error reply in out: a
 * malformed line, no "cmd", an unknown one (-1), or one this origin may not
 * run (-EPERM, for the caller to count).
 */
static int
cmd_find(const struct fp_tlm_req *req, int rc, const char *err, const char *origin,
		uint32_t allowed, struct mgmt_buf *out)
{
	struct mgmt_quoted q;
	const char *name;
	int id;

	if (rc != 0) {
		mgmt_reply_errorf(out, "bad request: %s", err != NULL ? err : "malformed");
		return -1;
	}
	name = fp_tlm_req_str(req, "cmd");
	if (name == NULL) {
		mgmt_reply_error(out, "bad request: \"cmd\" (a string) is required");
		return -1;
	}
	id = fp_tlm_cmd_find(name, strlen(name));
	if (id < 0) {
		mgmt_reply_errorf(out, "unknown command '%s' (try help)", mgmt_quote(&q, name));
		return -1;
	}
	/* A reload changes the appliance: it needs the write command's right. */
	if (id == FP_TLM_CMD_PIPELINE && fp_tlm_req_str(req, "op") != NULL &&
			strcmp(fp_tlm_req_str(req, "op"), "reload") == 0) {
		id = FP_TLM_CMD_PIPELINE_RELOAD;
		name = fp_tlm_cmd_name(FP_TLM_CMD_PIPELINE_RELOAD);
	}
	if (!(allowed & (1u << id))) {
		mgmt_reply_errorf(out, "%s is not allowed over %s (see [%s] commands_allow)", name,
				origin, origin);
		return -EPERM;
	}
	return id;
}

int
mgmt_cmd_exec(struct mgmt *m, const char *line, size_t len, const char *origin, uint32_t allowed,
		mgmt_reply_fn done, void *arg)
{
	static struct fp_tlm_req req; /* 2.4 KB: off the stack; management thread only */
	struct mgmt_buf out = {0};
	const char *err = NULL;
	const struct cmd *c;
	int id;

	id = cmd_find(&req, fp_tlm_req_parse(&req, line, len, &err), err, origin, allowed, &out);
	if (id >= 0) {
		c = &cmds[id];
		MGMT_LOG(DEBUG, "%s: %s", origin, fp_tlm_cmd_name((enum fp_tlm_cmd)id));
		if (c->later != NULL) {
			/* req is not read after this returns: done may run a new request. */
			if (c->later(m, &req, &out, done, arg) == 0)
				return 0;
		} else {
			c->fn(m, &req, &out);
		}
	}
	done(arg, &out);
	mgmt_buf_free(&out);
	return id == -EPERM ? -EPERM : 0;
}
