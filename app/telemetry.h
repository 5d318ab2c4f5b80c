/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK-standard observability of the running appliance: rte_telemetry
 * commands under /fastpath/ (read by usertools' dpdk-telemetry.py) and the
 * pdump server (so dpdk-dumpcap/dpdk-pdump can capture from our ports).
 */
#ifndef APP_TELEMETRY_H
#define APP_TELEMETRY_H

struct app;

/**
 * Register /fastpath/stats, /fastpath/info and /fastpath/lcores and start the
 * pdump server. Callbacks run on DPDK's telemetry thread and only read
 * counters (fp_stats_get). Context: main lcore, after rte_eal_init().
 * @return 0, or a negative errno (the caller may carry on without telemetry)
 */
int app_telemetry_init(struct app *app);

/** Undo app_telemetry_init's pdump part. Context: main lcore, at exit. */
void app_telemetry_fini(void);

#endif /* APP_TELEMETRY_H */
