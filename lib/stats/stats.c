/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counter names and totals. The names come from FP_FOREACH_COUNTER, the
 * drop reasons and the drop sum from FP_FOREACH_DROP_COUNTER, so the CLI,
 * the telemetry document, the metrics page and the enum always agree.
 */
#include <stddef.h>

#include "fp/stats.h"

static const char *const counter_names[FP_CTR_COUNT] = {
#define FP_X_NAME(id, name) [FP_CTR_##id] = name,
	FP_FOREACH_COUNTER(FP_X_NAME)
#undef FP_X_NAME
};

const char *
fp_stats_name(enum fp_counter id)
{
	if ((unsigned)id >= FP_CTR_COUNT)
		return NULL;
	return counter_names[id];
}

/* Every drop counter is named "drop_<reason>"; the reason starts past the prefix. */
static const char *const drop_reasons[FP_CTR_COUNT] = {
#define FP_X_REASON(id, name) [FP_CTR_##id] = &name[sizeof("drop_") - 1],
	FP_FOREACH_DROP_COUNTER(FP_X_REASON)
#undef FP_X_REASON
};

const char *
fp_stats_drop_reason(enum fp_counter id)
{
	if ((unsigned)id >= FP_CTR_COUNT)
		return NULL;
	return drop_reasons[id];
}

void
fp_stats_accumulate(struct fp_stats *dst, const struct fp_stats *src)
{
	for (unsigned i = 0; i < FP_CTR_COUNT; i++)
		dst->c[i] += fp_stats_get(src, (enum fp_counter)i);
	dst->flows_open += fp_stats_get_flows_open(src);
}

uint64_t
fp_stats_drops(const struct fp_stats *st)
{
	uint64_t sum = 0;

#define FP_X_SUM(id, name) sum += fp_stats_get(st, FP_CTR_##id);
	FP_FOREACH_DROP_COUNTER(FP_X_SUM)
#undef FP_X_SUM
	return sum;
}
