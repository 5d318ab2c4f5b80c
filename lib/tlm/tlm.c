/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stats document (docs/TELEMETRY.md): identity, uptime, the counters of
 * every context summed into "total", and optionally each context with its
 * pipeline's nodes. Keys come
 * from FP_FOREACH_COUNTER, so the document follows fp/stats.h by construction.
 * Called from the management thread (app) or the main loop (firmware).
 */
#include <errno.h>
#include <string.h>

#include "fp/tlm.h"

void
fp_tlm_counters_foreach(const struct fp_stats *st, fp_tlm_member_fn fn, void *arg)
{
	for (unsigned i = 0; i < FP_CTR_COUNT; i++)
		fn(arg, fp_stats_name((enum fp_counter)i), fp_stats_get(st, (enum fp_counter)i));
	fn(arg, "flows_open", fp_stats_get_flows_open(st));
	fn(arg, "drops", fp_stats_drops(st));
}

static void
json_member(void *arg, const char *key, uint64_t value)
{
	fp_tlm_json_kv_u64(arg, key, value);
}

/* The members of a counter block, written into the object already open. */
static void
counter_members(struct fp_tlm_json *j, const struct fp_stats *st)
{
	fp_tlm_counters_foreach(st, json_member, j);
}

void
fp_tlm_json_nodes(struct fp_tlm_json *j, const struct fp_tlm_node *nodes, uint32_t n)
{
	fp_tlm_json_key(j, "nodes");
	fp_tlm_json_arr_begin(j);
	for (uint32_t i = 0; i < n; i++) {
		fp_tlm_json_obj_begin(j);
		fp_tlm_json_kv_str(j, "stage", nodes[i].stage != NULL ? nodes[i].stage : "");
		fp_tlm_json_kv_str(j, "node", nodes[i].name != NULL ? nodes[i].name : "");
		fp_tlm_json_kv_u64(j, "packets", nodes[i].packets);
		fp_tlm_json_kv_u64(j, "calls", nodes[i].calls);
		fp_tlm_json_kv_u64(j, "drops", nodes[i].drops);
		fp_tlm_json_kv_u64(j, "cycles", nodes[i].cycles);
		fp_tlm_json_obj_end(j);
	}
	fp_tlm_json_arr_end(j);
}

void
fp_tlm_json_counters(struct fp_tlm_json *j, const struct fp_stats *st)
{
	fp_tlm_json_obj_begin(j);
	counter_members(j, st);
	fp_tlm_json_obj_end(j);
}

void
fp_tlm_json_stats_doc(struct fp_tlm_json *j, const struct fp_tlm_doc *doc)
{
	struct fp_stats total;

	memset(&total, 0, sizeof(total));
	for (uint32_t i = 0; i < doc->n_ctxs; i++)
		fp_stats_accumulate(&total, doc->ctxs[i].stats);

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_str(j, "schema", FP_TLM_SCHEMA);
	if (doc->node != NULL)
		fp_tlm_json_kv_str(j, "node", doc->node);
	fp_tlm_json_kv_str(j, "target", doc->target != NULL ? doc->target : "");
	fp_tlm_json_kv_str(j, "version", doc->version != NULL ? doc->version : "");
	fp_tlm_json_kv_u64(j, "seq", doc->seq);
	fp_tlm_json_kv_u64(j, "uptime_ms", doc->uptime_ms);
	if (doc->time_ms != 0)
		fp_tlm_json_kv_u64(j, "time_ms", doc->time_ms);
	fp_tlm_json_kv_u64(j, "n_contexts", doc->n_ctxs);
	fp_tlm_json_key(j, "total");
	fp_tlm_json_counters(j, &total);
	if (doc->per_ctx) {
		fp_tlm_json_key(j, "contexts");
		fp_tlm_json_arr_begin(j);
		for (uint32_t i = 0; i < doc->n_ctxs; i++) {
			fp_tlm_json_obj_begin(j);
			fp_tlm_json_kv_u64(j, "id", doc->ctxs[i].id);
			counter_members(j, doc->ctxs[i].stats);
			if (doc->ctxs[i].nodes != NULL)
				fp_tlm_json_nodes(j, doc->ctxs[i].nodes, doc->ctxs[i].n_nodes);
			fp_tlm_json_obj_end(j);
		}
		fp_tlm_json_arr_end(j);
	}
	fp_tlm_json_obj_end(j);
}

int
fp_tlm_stats_encode(const struct fp_tlm_doc *doc, char *buf, size_t len)
{
	struct fp_tlm_json j;

	fp_tlm_json_init(&j, buf, len);
	fp_tlm_json_stats_doc(&j, doc);
	return fp_tlm_json_finish(&j);
}
