/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A pipeline's graphs for every worker (graph_set.h): classifiers first (the
 * slow part with thousands of rules, once per block), then one graph per
 * worker; any failure undoes what was built and leaves the running set alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>

#include "graph_set.h"
#include "stage_acl.h"

struct app_graph_set {
	struct app_pipeline *pl;
	unsigned slot;
	unsigned n;
	struct app_acl *acl[APP_PL_BLOCKS_MAX];  /* by block index */
	struct app_graph *graphs[RTE_MAX_LCORE]; /* by worker */
};

static int
block_index(const struct app_pipeline *pl, const struct app_pl_block *b)
{
	return (int)(b - pl->blocks);
}

struct app_graph_set *
app_graph_set_build(struct app_pipeline *pl, struct app_engine *const *engs, unsigned n,
		unsigned slot, unsigned gen, char *err, size_t err_len)
{
	struct app_graph_set *gs = calloc(1, sizeof(*gs));

	if (gs == NULL) {
		snprintf(err, err_len, "pipeline: out of memory");
		return NULL;
	}
	gs->pl = pl;
	gs->slot = slot;
	gs->n = n;
	for (unsigned i = 0; i < n; i++) {
		const struct app_pl_block *b = app_pipeline_block(pl, engs[i]->lcore_id);
		int bi;

		if (b == NULL) {
			snprintf(err, err_len, "%s: no block for lcore %u, which polls now",
					pl->path[0] ? pl->path : "pipeline", engs[i]->lcore_id);
			goto out_free;
		}
		if (b->st[APP_STAGE_TCP_ECHO].line && engs[i]->ctx->tcp == NULL) {
			snprintf(err, err_len,
					"%s:%u: lcore %u has no TCP engine (tcp_echo was not in "
					"its "
					"pipeline at start); restart to add it",
					pl->path[0] ? pl->path : "pipeline", b->stages_line,
					engs[i]->lcore_id);
			goto out_free;
		}
		bi = block_index(pl, b);
		if (b->st[APP_STAGE_ACL].line && gs->acl[bi] == NULL) {
			char name[32];

			snprintf(name, sizeof(name), "fp_acl_g%u_b%d", gen, bi);
			gs->acl[bi] = app_acl_build(&b->acl, name, engs[i]->socket, err, err_len);
			if (gs->acl[bi] == NULL)
				goto out_free;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		const struct app_pl_block *b = app_pipeline_block(pl, engs[i]->lcore_id);

		gs->graphs[i] = app_graph_create(
				b, engs[i], gs->acl[block_index(pl, b)], slot, err, err_len);
		if (gs->graphs[i] == NULL)
			goto out_free;
	}
	return gs;

out_free:
	/* The caller keeps the pipeline when the set is refused. */
	gs->pl = NULL;
	app_graph_set_free(gs);
	return NULL;
}

void
app_graph_set_free(struct app_graph_set *gs)
{
	if (gs == NULL)
		return;
	for (unsigned i = 0; i < gs->n; i++)
		app_graph_destroy(gs->graphs[i]);
	for (unsigned b = 0; b < APP_PL_BLOCKS_MAX; b++)
		app_acl_free(gs->acl[b]);
	if (gs->pl != NULL) {
		app_pipeline_free(gs->pl);
		free(gs->pl);
	}
	free(gs);
}

struct app_graph *
app_graph_set_graph(const struct app_graph_set *gs, unsigned i)
{
	return i < gs->n ? gs->graphs[i] : NULL;
}

const struct app_pipeline *
app_graph_set_pipeline(const struct app_graph_set *gs)
{
	return gs->pl;
}

unsigned
app_graph_set_slot(const struct app_graph_set *gs)
{
	return gs->slot;
}
