/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Graceful shutdown, for the "shutdown" command and a first SIGINT/SIGTERM:
 * every worker drains (refuses new flows, FINs the open ones once their echo
 * data is out), then the process stops when no flow is open or the bound
 * passed, whichever comes first.
 */
#ifndef APP_MGMT_DRAIN_H
#define APP_MGMT_DRAIN_H

#include <stdint.h>

struct mgmt;

/** Set up the drain's timer. Context: management loop, before it runs. */
void mgmt_drain_init(struct mgmt *m);

/**
 * Drain the workers, then app_request_quit().
 * @param timeout_ms  quit at the latest this long from now
 * @param why         for the log ("shutdown requested", "SIGTERM")
 * @return 0, or -EALREADY when a drain is in progress
 * Context: management thread.
 */
int mgmt_drain_begin(struct mgmt *m, uint64_t timeout_ms, const char *why);

#endif /* APP_MGMT_DRAIN_H */
