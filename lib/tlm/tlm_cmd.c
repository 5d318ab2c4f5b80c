/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management protocol's command names (FP_TLM_FOREACH_CMD in fp/tlm.h):
 * the app dispatches on them and lib/cfg checks [mqtt] commands_allow
 * against them, so a name cannot mean one thing to each.
 */
#include <errno.h>
#include <string.h>

#include "fp/tlm.h"

static const char *const cmd_names[FP_TLM_CMD_COUNT] = {
#define FP_X_NAME(id, name, writes) [FP_TLM_CMD_##id] = name,
		FP_TLM_FOREACH_CMD(FP_X_NAME)
#undef FP_X_NAME
};

const char *
fp_tlm_cmd_name(enum fp_tlm_cmd id)
{
	return (unsigned)id < FP_TLM_CMD_COUNT ? cmd_names[id] : NULL;
}

int
fp_tlm_cmd_find(const char *name, size_t len)
{
	for (int i = 0; i < FP_TLM_CMD_COUNT; i++)
		if (strlen(cmd_names[i]) == len && memcmp(cmd_names[i], name, len) == 0)
			return i;
	return -ENOENT;
}
