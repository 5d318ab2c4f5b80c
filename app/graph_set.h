/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A pipeline built for every worker: the parsed file, one rte_acl classifier
 * per block that has an acl stage (shared by the block's lcores), and one
 * graph per worker (graph.h). Built whole off the fast path, at start and on
 * reload; a reload builds a new set in the workers' idle slots while the old
 * set runs, each worker swaps to its new graph between two bursts, and the
 * old set is freed once every worker has. A set that cannot be built is
 * refused whole, with its error, and the running one stays.
 */
#ifndef APP_GRAPH_SET_H
#define APP_GRAPH_SET_H

#include <stddef.h>

#include "graph.h"
#include "pipeline.h"

struct app_graph_set;

/**
 * Build a pipeline's graphs for n workers.
 * @param pl     parsed pipeline from malloc(); the set takes it over on success
 *               (app_pipeline_free() and free() at app_graph_set_free())
 * @param engs   the workers' engines, in worker order
 * @param slot   the slot every worker's new graph goes in (the one not running)
 * @param gen    a number no live set has, for unique context names
 * @return the set, or NULL with err filled: a worker with no block, an lcore
 *         without a TCP engine given tcp_echo, an ACL build or graph failure.
 * Context: any non-worker thread, after app_graph_init().
 */
struct app_graph_set *app_graph_set_build(struct app_pipeline *pl, struct app_engine *const *engs,
		unsigned n, unsigned slot, unsigned gen, char *err, size_t err_len);

/** Free a set no worker walks any more. NULL is fine. */
void app_graph_set_free(struct app_graph_set *gs);

/** Worker i's graph. */
struct app_graph *app_graph_set_graph(const struct app_graph_set *gs, unsigned i);

/** The pipeline the set was built from. */
const struct app_pipeline *app_graph_set_pipeline(const struct app_graph_set *gs);

/** The slot the set's graphs use. */
unsigned app_graph_set_slot(const struct app_graph_set *gs);

#endif /* APP_GRAPH_SET_H */
