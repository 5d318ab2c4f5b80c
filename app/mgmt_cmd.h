/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management commands, shared by the unix socket and the MQTT cmd
 * topic: one flat JSON request line in, one JSON reply line out. Most are
 * answered at once; those that need the workers (flows) answer when the
 * workers did, without holding up the loop. Management thread only.
 */
#ifndef APP_MGMT_CMD_H
#define APP_MGMT_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "fp/tlm.h"

#include "mgmt_reply.h"

struct mgmt;

/**
 * Where a request's reply goes. Called exactly once per mgmt_cmd_exec(),
 * before it returns or later from the loop. The callee may take reply->p
 * (set it to NULL); what is left is freed after the call.
 */
typedef void (*mgmt_reply_fn)(void *arg, struct mgmt_buf *reply);

/**
 * Execute one request line. Always answers: {"ok":true,...} or
 * {"ok":false,"error":"..."}; reply->p is NULL only when even an error
 * reply could not be allocated.
 * @param origin   "socket" or "mqtt", for logs and the refusal message
 * @param allowed  bit per enum fp_tlm_cmd this origin may run (FP_TLM_CMD_ALL)
 * @return 0, or -EPERM when the command was refused (done got the reply saying so)
 */
int mgmt_cmd_exec(struct mgmt *m, const char *line, size_t len, const char *origin,
		uint32_t allowed, mgmt_reply_fn done, void *arg);

/** Fill doc with every worker's counters (socket "stats" and MQTT share it). */
void mgmt_stats_doc(struct mgmt *m, struct fp_tlm_doc *doc);

#endif /* APP_MGMT_CMD_H */
