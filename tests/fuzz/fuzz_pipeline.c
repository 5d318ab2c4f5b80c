/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the pipeline parser (app/pipeline.c, with the ACL rule
 * parser it calls for acl.rule lines): any bytes are a pipeline file. A parse
 * either fails with a "name:line: problem" message or yields blocks whose
 * every edge leads somewhere that exists, with no cycle; freeing and parsing
 * again must leave nothing behind (ASan's leak check). Seeds: pipelines/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_block(const struct app_pl_block *b)
{
	unsigned seen = 0;

	if (b->n < 2 || b->order[0] != APP_STAGE_RX || b->order[b->n - 1] != APP_STAGE_TX)
		abort();
	for (unsigned i = 0; i < b->n; i++) {
		uint8_t k = b->order[i];
		const char *const *outs = app_stage_outputs((enum app_stage_kind)k);

		if (k >= APP_STAGE_KIND_COUNT || (seen & (1u << k)) || b->st[k].line == 0)
			abort();
		seen |= 1u << k;
		for (unsigned o = 0; outs[o] != NULL; o++) {
			uint8_t to = b->st[k].out[o].to;

			if (to != APP_PL_TO_DROP &&
					(to >= APP_STAGE_KIND_COUNT || b->st[to].line == 0 ||
							to == k))
				abort();
		}
	}
	if (b->ip_entry != APP_PL_TO_DROP &&
			(b->ip_entry >= APP_STAGE_KIND_COUNT || b->st[b->ip_entry].line == 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct app_pipeline pl;
	char err[256];

	if (app_pipeline_parse(&pl, "fuzz.pipeline", (const char *)data, size, err, sizeof(err)) <
			0) {
		/* Every refusal says where. */
		if (strncmp(err, "fuzz.pipeline", 13) != 0)
			abort();
		return 0;
	}
	if (pl.n_blocks == 0 || pl.n_blocks > APP_PL_BLOCKS_MAX)
		abort();
	for (unsigned i = 0; i < pl.n_blocks; i++)
		check_block(&pl.blocks[i]);
	app_pipeline_free(&pl);
	return 0;
}
