/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management plane's side of the pipeline (mgmt_pipeline.c): the
 * "pipeline" command (view with per-node figures, dot, reload), SIGHUP, and
 * the per-node figures of the stats document.
 */
#ifndef APP_MGMT_PIPELINE_H
#define APP_MGMT_PIPELINE_H

#include "fp/tlm.h"

#include "mgmt_cmd.h"

struct app;
struct mgmt;

/**
 * {"cmd":"pipeline"}: each worker's stages and graph nodes; with "dot":true
 * the graphs in Graphviz dot. The answer is in out. Context: management thread.
 */
int mgmt_pipeline_show(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out);

/**
 * pipeline_reload (and pipeline with op "reload"): build the file named by
 * "path", or the running one, off the fast path and swap it in per worker.
 * @return 0: done is called once with the answer, after every worker
 *         swapped; < 0: the answer is in out, done is not called.
 * Context: management thread.
 */
int mgmt_pipeline_reload_start(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out,
		mgmt_reply_fn done, void *arg);

/** Reload the running file (SIGHUP); the outcome goes to the log. Context: management thread. */
void mgmt_pipeline_sighup(struct mgmt *m);

/**
 * One worker's node figures, for the stats document (app_graph_stats()).
 * @return nodes written, or a negative errno.
 * Context: management thread, or any thread holding app->graphs_lock.
 */
int mgmt_pipeline_nodes(struct app *app, unsigned worker, struct fp_tlm_node *out, unsigned max);

#endif /* APP_MGMT_PIPELINE_H */
