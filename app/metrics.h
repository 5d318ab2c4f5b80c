/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The metrics endpoint: Prometheus text / OpenMetrics at
 * http://<[metrics] listen>/metrics, served by libmicrohttpd on the
 * management thread's libuv loop (no thread of its own, never a worker).
 * metrics.c is the HTTP side (limits, deadlines, the loop glue);
 * metrics_page.c decides what the page says.
 */
#ifndef APP_METRICS_H
#define APP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "fp/prom.h"

struct mgmt;

/** The endpoint's own counters, exported on the page it serves. */
struct metrics_counters {
	uint64_t connections;     /**< gauge: HTTP connections open now */
	uint64_t scrapes;         /**< /metrics pages served */
	uint64_t not_found;       /**< requests for another path (404) */
	uint64_t bad_method;      /**< methods other than GET and HEAD (405) */
	uint64_t body_refused;    /**< requests that came with a body (413) */
	uint64_t failed;          /**< pages that could not be built (500) */
	uint64_t deadline_closed; /**< connections closed for not finishing a request in time */
};

/**
 * Listen on cfg.metrics when its port is set (a no-op otherwise).
 * Context: management loop, before it runs.
 * @return 0, or a negative errno (address in use, no libmicrohttpd in this build, ...)
 */
int metrics_start(struct mgmt *m);

/** Close the listener and every HTTP connection. Context: management loop. */
void metrics_stop(struct mgmt *m);

/**
 * Build the /metrics page into a malloc'd buffer (the caller frees it).
 * @param self  the endpoint's own counters, NULL when not serving
 * @return 0 with *page and *len set, or -ENOMEM / -ENOSPC
 * Context: management thread.
 */
int metrics_page_build(struct mgmt *m, enum fp_prom_format fmt, const struct metrics_counters *self,
		char **page, size_t *len);

#endif /* APP_METRICS_H */
