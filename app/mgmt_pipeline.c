/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management socket's "pipeline" command and SIGHUP: each worker's graph
 * with its nodes' figures (app_graph_stats()), the graphs in dot
 * (rte_graph_export), and reloads. A reload reads and builds the whole new
 * set on this thread, off the fast path (the rules' rte_acl build is the
 * slow part: some 70 ms for 10,000 rules), then asks each worker through the
 * request path to walk its new graph from its next burst on; once every
 * worker has answered, the old set is freed and the client answered. A file
 * that does not parse or build is refused with its error, nothing changes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_graph.h>

#include "app.h"
#include "graph_set.h"
#include "lcore.h"
#include "log.h"
#include "mgmt_int.h"
#include "mgmt_pipeline.h"
#include "mgmt_reply.h"
#include "req.h"

#define NODES_MAX APP_GRAPH_NODES_MAX

/* ------------------------------------------------------------- the view */

static void
json_nodes(struct fp_tlm_json *j, struct app_graph *g)
{
	struct fp_tlm_node nodes[NODES_MAX];
	int n = app_graph_stats(g, nodes, NODES_MAX);

	fp_tlm_json_nodes(j, nodes, n > 0 ? (uint32_t)n : 0);
}

static void
build_view(struct fp_tlm_json *j, void *arg)
{
	const struct app *app = arg;
	const struct app_pipeline *pl = app_graph_set_pipeline(app->graphs);

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_str(j, "path", pl->path[0] ? pl->path : "(built-in)");
	fp_tlm_json_kv_str(j, "text", pl->text);
	fp_tlm_json_kv_u64(j, "generation", app->graphs_gen - 1);
	fp_tlm_json_key(j, "workers");
	fp_tlm_json_arr_begin(j);
	for (unsigned i = 0; i < app->n_workers; i++) {
		struct app_graph *g = app_graph_set_graph(app->graphs, i);
		uint32_t stages = app_pipeline_stages(pl, app->workers[i]->lcore_id);

		fp_tlm_json_obj_begin(j);
		fp_tlm_json_kv_u64(j, "lcore", app->workers[i]->lcore_id);
		fp_tlm_json_key(j, "stages");
		fp_tlm_json_arr_begin(j);
		for (unsigned k = 0; k < APP_STAGE_KIND_COUNT; k++) {
			if (stages & (1u << k))
				fp_tlm_json_str(j, app_stage_name((enum app_stage_kind)k));
		}
		fp_tlm_json_arr_end(j);
		fp_tlm_json_kv_str(j, "graph", app_graph_name(g));
		json_nodes(j, g);
		fp_tlm_json_obj_end(j);
	}
	fp_tlm_json_arr_end(j);
	fp_tlm_json_obj_end(j);
}

struct dot_ctx {
	const struct app *app;
	char *text[RTE_MAX_LCORE];
};

static void
build_dot(struct fp_tlm_json *j, void *arg)
{
	const struct dot_ctx *d = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_key(j, "dot");
	fp_tlm_json_arr_begin(j);
	for (unsigned i = 0; i < d->app->n_workers; i++) {
		fp_tlm_json_obj_begin(j);
		fp_tlm_json_kv_u64(j, "lcore", d->app->workers[i]->lcore_id);
		fp_tlm_json_kv_str(
				j, "graph", app_graph_name(app_graph_set_graph(d->app->graphs, i)));
		fp_tlm_json_kv_str(j, "text", d->text[i] != NULL ? d->text[i] : "");
		fp_tlm_json_obj_end(j);
	}
	fp_tlm_json_arr_end(j);
	fp_tlm_json_obj_end(j);
}

static int
reply_dot(struct app *app, struct mgmt_buf *out)
{
	struct dot_ctx d = {app, {NULL}};
	int rc = 0;

	for (unsigned i = 0; i < app->n_workers && rc == 0; i++) {
		size_t len = 0;
		FILE *f = open_memstream(&d.text[i], &len);

		if (f == NULL)
			rc = -ENOMEM;
		else if (app_graph_export(app_graph_set_graph(app->graphs, i), f) < 0)
			rc = -EIO;
		if (f != NULL)
			fclose(f);
	}
	if (rc < 0)
		mgmt_reply_errorf(out, "pipeline: cannot export the graphs: %s", strerror(-rc));
	else
		mgmt_reply(out, build_dot, &d);
	for (unsigned i = 0; i < app->n_workers; i++)
		free(d.text[i]);
	return rc;
}

/* ----------------------------------------------------------- the reload */

struct reload_job {
	struct mgmt *m;
	mgmt_reply_fn done; /* NULL: a SIGHUP, the answer goes to the log */
	void *arg;
	struct app_graph_set *next;
	unsigned unit;  /* the new set's generation */
	unsigned asked; /* workers posted to */
	unsigned answered;
	unsigned failed; /* workers that did not swap */
	struct app_req req[RTE_MAX_LCORE];
};

static struct reload_job *reload_running;

struct reload_reply {
	const struct app_pipeline *pl;
	unsigned gen;
	unsigned workers;
};

static void
build_reloaded(struct fp_tlm_json *j, void *arg)
{
	const struct reload_reply *r = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_str(j, "path", r->pl->path);
	fp_tlm_json_kv_u64(j, "generation", r->gen);
	fp_tlm_json_kv_u64(j, "workers", r->workers);
	fp_tlm_json_obj_end(j);
}

static void
reload_answer(struct reload_job *job, struct mgmt_buf *out)
{
	if (job->done != NULL)
		job->done(job->arg, out);
	else if (out->p != NULL)
		MGMT_LOG(INFO, "SIGHUP: %s", out->p);
}

/* Every worker answered: the old set is nobody's now. */
static void
reload_finish(struct reload_job *job)
{
	struct app *app = job->m->app;
	struct mgmt_buf out = {0};
	struct app_graph_set *old;
	struct reload_reply r;

	pthread_mutex_lock(&app->graphs_lock);
	old = app->graphs;
	app->graphs = job->next;
	pthread_mutex_unlock(&app->graphs_lock);
	if (job->failed == 0) {
		app_graph_set_free(old);
	} else {
		/* A worker that stopped meanwhile may still hold an old graph: keep it. */
		MGMT_LOG(WARNING,
				"pipeline reload: %u worker(s) did not swap; keeping the old "
				"graphs",
				job->failed);
	}
	r.pl = app_graph_set_pipeline(job->next);
	r.gen = job->unit;
	r.workers = job->answered - job->failed;
	mgmt_reply(&out, build_reloaded, &r);
	MGMT_LOG(INFO, "pipeline %s running (generation %u)", r.pl->path, r.gen);
	reload_answer(job, &out);
	mgmt_buf_free(&out);
	reload_running = NULL;
	free(job);
}

static void
swap_done(struct app_req *req)
{
	struct reload_job *job = req->arg;

	job->answered++;
	job->failed += req->result != 0;
	if (job->answered == job->asked)
		reload_finish(job);
}

/*
 * Build the new set and ask every worker to swap. @return 0: the answer
 * comes through job->done later; < 0: an error reply is in out.
 */
static int
reload_start(struct mgmt *m, const char *path, mgmt_reply_fn done, void *arg, struct mgmt_buf *out)
{
	struct app *app = m->app;
	struct app_engine *engs[RTE_MAX_LCORE];
	struct app_pipeline *pl;
	struct reload_job *job;
	char err[512];
	int rc;

	if (reload_running != NULL)
		return mgmt_reply_errorf(out, "pipeline: a reload is in progress"), -EBUSY;
	if (path == NULL || path[0] == '\0')
		path = app_graph_set_pipeline(app->graphs)->path;
	if (path[0] == '\0')
		return mgmt_reply_errorf(out,
				       "pipeline: the built-in pipeline has no file to "
				       "reload; name one"),
		       -EINVAL;
	job = calloc(1, sizeof(*job));
	pl = malloc(sizeof(*pl));
	if (job == NULL || pl == NULL) {
		free(job);
		free(pl);
		return mgmt_reply_errorf(out, "pipeline: out of memory"), -ENOMEM;
	}
	rc = app_pipeline_load(pl, path, err, sizeof(err));
	if (rc == 0) {
		for (unsigned w = 0; w < app->n_workers; w++)
			engs[w] = &app->workers[w]->eng;
		job->unit = app->graphs_gen;
		job->next = app_graph_set_build(pl, engs, app->n_workers,
				1 - app_graph_set_slot(app->graphs), app->graphs_gen, err,
				sizeof(err));
		if (job->next == NULL) {
			app_pipeline_free(pl);
			rc = -EINVAL;
		}
	}
	if (rc < 0) {
		free(pl);
		free(job);
		MGMT_LOG(WARNING, "pipeline reload refused: %s", err);
		return mgmt_reply_errorf(out, "%s", err), rc;
	}
	app->graphs_gen++;
	job->m = m;
	job->done = done;
	job->arg = arg;
	reload_running = job;
	for (unsigned w = 0; w < app->n_workers; w++) {
		struct app_req *req = &job->req[w];

		req->kind = APP_REQ_GRAPH;
		req->done = swap_done;
		req->arg = job;
		req->graph.next = app_graph_rte(app_graph_set_graph(job->next, w));
		if (app_req_post(&m->replies, &app->workers[w]->inbox, req) == 0)
			job->asked++;
		else
			job->failed++;
	}
	if (job->asked == 0)
		reload_finish(job);
	return 0;
}

int
mgmt_pipeline_show(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out)
{
	const char *op = fp_tlm_req_str(req, "op");
	const struct fp_tlm_field *dot = fp_tlm_req_get(req, "dot");

	/* op "reload" arrives as pipeline_reload (mgmt_cmd.c). */
	if (op != NULL)
		return mgmt_reply_errorf(out, "pipeline: unknown op '%.32s' (want reload)", op);
	if (dot != NULL && dot->type == FP_TLM_VAL_BOOL && dot->num)
		return reply_dot(m->app, out);
	return mgmt_reply(out, build_view, m->app);
}

int
mgmt_pipeline_reload_start(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out,
		mgmt_reply_fn done, void *arg)
{
	return reload_start(m, fp_tlm_req_str(req, "path"), done, arg, out) == 0 ? 0 : -1;
}

void
mgmt_pipeline_sighup(struct mgmt *m)
{
	struct mgmt_buf out = {0};

	MGMT_LOG(INFO, "SIGHUP: reloading the pipeline");
	if (reload_start(m, NULL, NULL, NULL, &out) < 0 && out.p != NULL)
		MGMT_LOG(WARNING, "SIGHUP: %s", out.p);
	mgmt_buf_free(&out);
}

int
mgmt_pipeline_nodes(struct app *app, unsigned worker, struct fp_tlm_node *out, unsigned max)
{
	return app_graph_stats(app_graph_set_graph(app->graphs, worker), out, max);
}
