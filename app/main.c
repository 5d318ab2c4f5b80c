/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fastpath: `fastpath <EAL args> -- -c CONFIG [-t] [-h]`.
 * Start-up is all or nothing: the config and pipeline are read before EAL
 * init, then the mbuf pool, the workers and last the ports; any failure exits 1 before a
 * worker starts. The main lcore does not poll: it starts the management
 * plane, sleeps until the stop flag (a second SIGINT/SIGTERM, the end of a
 * drain, or a failure), then stops workers, management and ports and prints
 * a summary. The process state is one struct app (app.h), passed on.
 */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include "fp/cfg.h"
#include "fp/stats.h"

#include "app.h"
#include "graph_set.h"
#include "lcore.h"
#include "log.h"
#include "pipeline.h"
#include "port.h"
#include "mgmt.h"

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
			"usage: %s [EAL options --] -c CONFIG [-p PIPELINE] [-t]\n"
			"  -c CONFIG  configuration file (see cfg/fastpath.conf)\n"
			"  -p FILE    pipeline file, instead of the config's [dpdk] pipeline\n"
			"  -t         check the configuration and pipeline, then exit\n"
			"  -h         this help\n"
			"EAL options come first and end with '--'; without '--' every argument\n"
			"is the application's and EAL runs with its defaults.\n"
			"The main lcore does not poll; each other lcore in -l is a worker.\n",
			prog);
}

struct app_args {
	const char *cfg;
	const char *pipeline; /* -p, or NULL for [dpdk] pipeline */
	int check_only;
	int eal_argc; /**< arguments rte_eal_init() gets: up to "--", or argv[0] alone */
};

/*
 * App arguments: everything after the first "--" (EAL stops there too), or
 * every argument when there is no "--", so that `fastpath -t -c FILE` works.
 */
static int
parse_app_args(int argc, char **argv, struct app_args *a)
{
	int i = 1;

	while (i < argc && strcmp(argv[i], "--") != 0)
		i++;
	if (i == argc) {
		a->eal_argc = 1;
		i = 0;
	} else {
		a->eal_argc = argc;
	}
	for (i++; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout, argv[0]);
			exit(0);
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			a->cfg = argv[++i];
		} else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
			a->pipeline = argv[++i];
		} else if (strcmp(argv[i], "-t") == 0) {
			a->check_only = 1;
		} else {
			fprintf(stderr, "fastpath: unknown or incomplete argument '%s'\n", argv[i]);
			usage(stderr, argv[0]);
			return -EINVAL;
		}
	}
	if (a->cfg == NULL) {
		fprintf(stderr, "fastpath: -c CONFIG is required\n");
		usage(stderr, argv[0]);
		return -EINVAL;
	}
	return 0;
}

/* Config and pipeline, before EAL: a bad file must not touch any device. */
static int
load_config(struct app *app, const struct app_args *a)
{
	char err[512];
	char pl_path[FP_CFG_PATH_MAX * 2];
	int rc;

	snprintf(app->cfg_path, sizeof(app->cfg_path), "%s", a->cfg);
	rc = fp_cfg_load(&app->cfg, a->cfg, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		return rc;
	}
	if (app->cfg.n_ports == 0) {
		fprintf(stderr, "%s: no [port N] section: nothing to serve\n", a->cfg);
		return -EINVAL;
	}
	if (a->pipeline != NULL) {
		snprintf(pl_path, sizeof(pl_path), "%s", a->pipeline);
	} else if (app->cfg.dpdk.pipeline[0] == '\0') {
		app_pipeline_default(&app->pipeline);
		return 0;
	} else if (app->cfg.dpdk.pipeline[0] == '/') {
		snprintf(pl_path, sizeof(pl_path), "%s", app->cfg.dpdk.pipeline);
	} else {
		char dir[FP_CFG_PATH_MAX];

		/* Relative to the config file's directory, not the cwd. */
		snprintf(dir, sizeof(dir), "%s", a->cfg);
		snprintf(pl_path, sizeof(pl_path), "%s/%s", dirname(dir), app->cfg.dpdk.pipeline);
	}
	rc = app_pipeline_load(&app->pipeline, pl_path, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		return rc;
	}
	return 0;
}

/*
 * Choose the polling workers: worker lcores the pipeline gives stages to.
 * @return the count (>= 1), or a negative errno after printing why.
 */
static int
select_workers(const struct app *app, unsigned *ids)
{
	const struct app_pipeline *p = &app->pipeline;
	const char *pl_name = p->path[0] ? p->path : "built-in pipeline";
	unsigned n = 0, lcore;

	/* Every lcore an explicit block names must be a worker lcore. */
	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++) {
		if (p->lcore_block[lcore] < 0)
			continue;
		if (!rte_lcore_is_enabled(lcore) || lcore == rte_get_main_lcore()) {
			fprintf(stderr, "%s:%u: lcore %u is not a worker lcore (EAL -l)\n", pl_name,
					p->blocks[p->lcore_block[lcore]].line, lcore);
			return -EINVAL;
		}
	}
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (app_pipeline_stages(p, lcore) == 0) {
			APP_WARN("lcore %u: no pipeline block names it: idle", lcore);
			continue;
		}
		ids[n++] = lcore;
	}
	if (n == 0) {
		APP_ERR("no worker lcore to poll: the main lcore (%u) does not poll; "
			"give EAL at least two lcores, e.g. -l 0-1",
				rte_get_main_lcore());
		return -EINVAL;
	}
	return (int)n;
}

static void
print_summary(const struct app *app)
{
	struct fp_stats total;

	memset(&total, 0, sizeof(total));
	printf("fastpath summary after %.1f s\n", (double)app_uptime_ms(app) / 1000.0);
	for (uint16_t i = 0; i < app->n_ports; i++)
		app_port_print_stats(&app->ports[i]);
	for (unsigned w = 0; w < app->n_workers; w++) {
		/* The pipeline running at exit, which a reload may have replaced. */
		unsigned id = app->workers[w]->lcore_id;

		app_lcore_print_stats(app->workers[w],
				app_pipeline_stages(app_graph_set_pipeline(app->graphs), id));
		fp_stats_accumulate(&total, &app->workers[w]->stats);
	}
	printf("total (%u worker(s))\n", app->n_workers);
	for (unsigned i = 0; i < FP_CTR_COUNT; i++)
		printf("  %s %" PRIu64 "\n", fp_stats_name((enum fp_counter)i), total.c[i]);
	printf("  flows_open %u\n", total.flows_open);
	fflush(stdout);
}

/* One worker per selected lcore, each on its own queue. @return 0 or -1 (logged). */
static int
create_workers(struct app *app, const unsigned *ids, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct app_lcore_conf conf = {
				.lcore_id = ids[i],
				.queue = (uint16_t)i,
				.stages = app_pipeline_stages(&app->pipeline, ids[i]),
				.ports = app->ports,
				.n_ports = app->n_ports,
				.tcp = &app->cfg.tcp,
				.idle = app->cfg.dpdk.idle,
				.pool = app->pool,
				.tsc_hz = app->tsc_hz,
				.start_tsc = app->start_tsc,
				.quit = &app->quit,
		};
		struct app_lcore *lc = app_lcore_create(&conf);
		char names[64];

		if (lc == NULL)
			return -1;
		app->workers[app->n_workers++] = lc;
		if (app_pipeline_stage_names(conf.stages, names, sizeof(names)) < 0)
			names[0] = '\0';
		APP_INFO("lcore %u: queue %u, stages: %s; TCP engine %zu KiB", ids[i], i, names,
				lc->tcp_mem_len / 1024);
	}
	return 0;
}

static void
free_workers(struct app *app)
{
	for (unsigned w = 0; w < app->n_workers; w++) {
		app_lcore_free(app->workers[w]);
		app->workers[w] = NULL;
	}
	app->n_workers = 0;
}

/*
 * Every worker's graph of the start pipeline (slot 0). The set takes the
 * pipeline's rules; app->pipeline keeps what the start needed (stages, path).
 * @return 0 or -1 (logged).
 */
static int
build_graphs(struct app *app)
{
	struct app_pipeline *pl = malloc(sizeof(*pl));
	struct app_engine *engs[RTE_MAX_LCORE];
	char err[512];

	if (pl == NULL || app_graph_init() < 0) {
		APP_ERR("pipeline: out of memory or no graph nodes");
		free(pl);
		return -1;
	}
	memcpy(pl, &app->pipeline, sizeof(*pl));
	for (unsigned b = 0; b < app->pipeline.n_blocks; b++)
		memset(&app->pipeline.blocks[b].acl.rules, 0,
				sizeof(app->pipeline.blocks[b].acl.rules));
	for (unsigned w = 0; w < app->n_workers; w++)
		engs[w] = &app->workers[w]->eng;
	app->graphs = app_graph_set_build(
			pl, engs, app->n_workers, 0, app->graphs_gen++, err, sizeof(err));
	if (app->graphs == NULL) {
		APP_ERR("%s", err);
		app_pipeline_free(pl);
		free(pl);
		return -1;
	}
	for (unsigned w = 0; w < app->n_workers; w++)
		app->workers[w]->graph = app_graph_rte(app_graph_set_graph(app->graphs, w));
	return 0;
}

/* Launch every worker. @return 0, or -1 after a launch failure (the others stop again). */
static int
launch_workers(struct app *app)
{
	for (unsigned w = 0; w < app->n_workers; w++) {
		int rc = rte_eal_remote_launch(
				app_lcore_main, app->workers[w], app->workers[w]->lcore_id);

		if (rc < 0) {
			APP_ERR("lcore %u: launch failed: %s", app->workers[w]->lcore_id,
					rte_strerror(-rc));
			app_request_quit(app);
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	/* The process state, handed to everything that needs it. */
	static struct app app;
	static unsigned ids[RTE_MAX_LCORE];
	struct app_args args = {NULL, NULL, 0, 0};
	struct mgmt *mgmt = NULL;
	int n, rc, exit_code = 1;
	int failed = 0;

	if (parse_app_args(argc, argv, &args) < 0)
		return 1;
	if (load_config(&app, &args) < 0)
		return 1;
	if (args.check_only) {
		printf("%s: ok (%u port(s), pipeline %s)\n", args.cfg, app.cfg.n_ports,
				app.pipeline.path[0] ? app.pipeline.path : "built-in");
		return 0;
	}

	rc = rte_eal_init(args.eal_argc, argv);
	if (rc < 0) {
		fprintf(stderr, "fastpath: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (app_init(&app) < 0)
		goto out_eal;
	pthread_mutex_init(&app.graphs_lock, NULL);

	n = select_workers(&app, ids);
	if (n < 0)
		goto out_eal;
	app.n_ports = app.cfg.n_ports;
	if (app_port_probe(app.ports, &app.cfg, (unsigned)n, &app.n_queues) < 0)
		goto out_eal;
	/* Workers beyond the queue count would have nothing to poll. */
	for (int i = app.n_queues; i < n; i++)
		APP_WARN("lcore %u: no queue left for it: idle", ids[i]);
	n = RTE_MIN(n, (int)app.n_queues);

	app.pool = app_port_pool_create(&app.cfg, app.n_queues);
	if (app.pool == NULL)
		goto out_eal;
	if (create_workers(&app, ids, (unsigned)n) < 0 || build_graphs(&app) < 0)
		goto out_workers;

	/* Ports last: a failure above leaves no port started. */
	if (app_port_start_all(app.ports, app.n_ports, &app.cfg.dpdk, app.n_queues, app.pool) < 0)
		goto out_workers;

	if (launch_workers(&app) < 0)
		failed = 1;
	if (!app_quit_requested(&app)) {
		rc = mgmt_start(&app, &mgmt);
		if (rc < 0) {
			APP_ERR("management plane failed to start: %s", strerror(-rc));
			failed = 1;
			app_request_quit(&app);
		}
	}
	if (!app_quit_requested(&app))
		APP_INFO("running: %u worker(s), %u port(s); SIGINT/SIGTERM to drain and stop "
			 "(twice: stop at once)",
				app.n_workers, app.n_ports);

	/* The main lcore only waits; 10 ms is plenty for a stop request. */
	while (!app_quit_requested(&app)) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
	APP_INFO("stopping");
	exit_code = failed;

	rte_eal_mp_wait_lcore();
	mgmt_stop(mgmt);
	print_summary(&app);

out_workers:
	rte_eal_mp_wait_lcore();
	app_port_stop_all(app.ports, app.n_ports);
	/* No worker walks a graph any more. */
	app_graph_set_free(app.graphs);
	app.graphs = NULL;
	free_workers(&app);
	rte_mempool_free(app.pool);
	app.pool = NULL;
out_eal:
	rte_eal_cleanup();
	return exit_code;
}
