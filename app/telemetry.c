/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_telemetry commands and pdump (app/telemetry.h). The callbacks run on
 * DPDK's telemetry thread: they read the workers' counters with relaxed atomic
 * loads, the same way the management thread does, and take no lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_pdump.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "fp/stats.h"
#include "fp/tlm.h"

#include "app.h"
#include "graph.h"
#include "lcore.h"
#include "log.h"
#include "mgmt_pipeline.h"
#include "telemetry.h"

static struct app *tlm_app;
static uint32_t tlm_busy; /* callbacks between live_app() and live_app_put() */
static int pdump_ok;

static void
dict_member(void *arg, const char *key, uint64_t value)
{
	rte_tel_data_add_dict_u64(arg, key, value);
}

/* A counter block as dict entries, the same members as the JSON document's. */
static void
add_counters(struct rte_tel_data *d, const struct fp_stats *st)
{
	fp_tlm_counters_foreach(st, dict_member, d);
}

/*
 * NULL once the app is tearing down: there is no way to unregister a command.
 * A non-NULL app must be given back with live_app_put(): app_telemetry_fini()
 * waits for that, so a callback never reads workers that main.c frees.
 */
static struct app *
live_app(void)
{
	struct app *app;

	/* seq_cst on both sides: either fini sees us busy, or we see NULL */
	__atomic_fetch_add(&tlm_busy, 1, __ATOMIC_SEQ_CST);
	app = __atomic_load_n(&tlm_app, __ATOMIC_SEQ_CST);
	if (app == NULL)
		__atomic_fetch_sub(&tlm_busy, 1, __ATOMIC_RELEASE);
	return app;
}

static void
live_app_put(void)
{
	__atomic_fetch_sub(&tlm_busy, 1, __ATOMIC_RELEASE);
}

/* The worker index of an lcore, or -1. */
static int
find_worker(const struct app *app, unsigned lcore_id)
{
	for (unsigned i = 0; i < app->n_workers; i++)
		if (app->workers[i]->lcore_id == lcore_id)
			return (int)i;
	return -1;
}

/* An array container for d under key: strings (str != NULL) or u64 values. */
static int
add_array(struct rte_tel_data *d, const char *key, const char *const *str, const uint64_t *num,
		int n)
{
	struct rte_tel_data *a = rte_tel_data_alloc();
	int rc;

	if (a == NULL)
		return -ENOMEM;
	rc = rte_tel_data_start_array(a, str != NULL ? RTE_TEL_STRING_VAL : RTE_TEL_U64_VAL);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = str != NULL ? rte_tel_data_add_array_string(a, str[i]) :
				   rte_tel_data_add_array_u64(a, num[i]);
	if (rc == 0)
		rc = rte_tel_data_add_dict_container(d, key, a, 0);
	if (rc != 0)
		rte_tel_data_free(a);
	return rc;
}

/*
 * A worker's graph nodes, the figures of the stats document's "nodes", as
 * parallel arrays: telemetry containers hold arrays of plain values only,
 * and dict keys cannot carry node names ('-', '+').
 */
static void
add_nodes(struct rte_tel_data *d, struct app *app, unsigned worker)
{
	struct fp_tlm_node nodes[APP_GRAPH_NODES_MAX];
	const char *names[APP_GRAPH_NODES_MAX], *stages[APP_GRAPH_NODES_MAX];
	uint64_t fig[4][APP_GRAPH_NODES_MAX];
	static const char *const fig_keys[4] = {
			"node_packets", "node_calls", "node_drops", "node_cycles"};
	int n, rc;

	/* A reload frees the old graphs under this lock; names point into them. */
	pthread_mutex_lock(&app->graphs_lock);
	n = mgmt_pipeline_nodes(app, worker, nodes, APP_GRAPH_NODES_MAX);
	for (int i = 0; i < n; i++) {
		names[i] = nodes[i].name;
		stages[i] = nodes[i].stage;
		fig[0][i] = nodes[i].packets;
		fig[1][i] = nodes[i].calls;
		fig[2][i] = nodes[i].drops;
		fig[3][i] = nodes[i].cycles;
	}
	rc = n < 0 ? n : add_array(d, "node_names", names, NULL, n);
	if (rc == 0)
		rc = add_array(d, "node_stages", stages, NULL, n);
	pthread_mutex_unlock(&app->graphs_lock);
	for (int f = 0; rc == 0 && f < 4; f++)
		rc = add_array(d, fig_keys[f], NULL, fig[f], n);
	if (rc != 0)
		APP_WARN("telemetry: lcore %u's nodes left out: %s", app->workers[worker]->lcore_id,
				strerror(-rc));
}

/*
 * /fastpath/stats           totals of every worker lcore
 * /fastpath/stats,<lcore>   one worker's counters and its graph's nodes (node_*)
 */
static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct app *app = live_app();
	struct fp_stats total;

	(void)cmd;
	if (app == NULL)
		return -EAGAIN;
	rte_tel_data_start_dict(d);
	if (params != NULL && params[0] != '\0') {
		char *end;
		unsigned long id = strtoul(params, &end, 10);
		int w;

		if (*end != '\0' || id >= RTE_MAX_LCORE ||
				(w = find_worker(app, (unsigned)id)) < 0) {
			live_app_put();
			return -EINVAL;
		}
		add_counters(d, &app->workers[w]->stats);
		add_nodes(d, app, (unsigned)w);
		live_app_put();
		return 0;
	}
	memset(&total, 0, sizeof(total));
	for (unsigned i = 0; i < app->n_workers; i++)
		fp_stats_accumulate(&total, &app->workers[i]->stats);
	live_app_put();
	add_counters(d, &total);
	return 0;
}

/* /fastpath/lcores: the worker lcore ids, for /fastpath/stats,<id>. */
static int
tel_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct app *app = live_app();

	(void)cmd;
	(void)params;
	if (app == NULL)
		return -EAGAIN;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (unsigned i = 0; i < app->n_workers; i++)
		rte_tel_data_add_array_int(d, (int)app->workers[i]->lcore_id);
	live_app_put();
	return 0;
}

/* /fastpath/info: identity and uptime. */
static int
tel_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct app *app = live_app();

	(void)cmd;
	(void)params;
	if (app == NULL)
		return -EAGAIN;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", FP_VERSION);
	rte_tel_data_add_dict_string(d, "dpdk", rte_version());
	rte_tel_data_add_dict_string(d, "schema", FP_TLM_SCHEMA);
	rte_tel_data_add_dict_u64(d, "uptime_ms", app_uptime_ms(app));
	rte_tel_data_add_dict_int(d, "workers", (int)app->n_workers);
	rte_tel_data_add_dict_int(d, "ports", app->n_ports);
	live_app_put();
	return 0;
}

int
app_telemetry_init(struct app *app)
{
	int rc;

	__atomic_store_n(&tlm_app, app, __ATOMIC_RELEASE);
	rc = rte_telemetry_register_cmd("/fastpath/stats", tel_stats,
			/* DPDK refuses help texts of 128 bytes or more. */
			"fastpath counters, all workers; with int lcore_id, that worker's and its "
			"graph nodes' (node_*)");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/fastpath/lcores", tel_lcores,
				"fastpath worker lcore ids. Takes no parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/fastpath/info", tel_info,
				"fastpath version and uptime. Takes no parameters");
	if (rc != 0)
		APP_WARN("telemetry: registering /fastpath commands failed: %d", rc);
	/* pdump: lets dpdk-dumpcap (a secondary process) capture our ports */
	if (rte_pdump_init() == 0)
		pdump_ok = 1;
	else
		APP_WARN("pdump: rte_pdump_init failed (%s); dpdk-dumpcap will not work",
				rte_strerror(rte_errno));
	return rc;
}

void
app_telemetry_fini(void)
{
	const struct timespec pause = {.tv_nsec = 100000};

	__atomic_store_n(&tlm_app, NULL, __ATOMIC_SEQ_CST);
	/* a callback that got the app before the store may still read workers */
	while (__atomic_load_n(&tlm_busy, __ATOMIC_SEQ_CST) != 0)
		nanosleep(&pause, NULL);
	if (pdump_ok)
		rte_pdump_uninit();
	pdump_ok = 0;
}
