/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging for app/: one registered DPDK logtype, "user.fp.app", so the level
 * can be changed with EAL's --log-level=user.fp.app:debug. Control paths only;
 * the per-packet path does not log (it counts).
 */
#ifndef APP_LOG_H
#define APP_LOG_H

#include <rte_log.h>

/** The registered name (app.c), also what the "log" command accepts. */
#define APP_LOGTYPE_NAME "user.fp.app"

extern int app_logtype;

/** One line at level (ERR, WARNING, NOTICE, INFO, DEBUG), prefixed "<tag>: ". */
#define APP_LOG_TAG(level, tag, fmt, ...) \
	rte_log(RTE_LOG_##level, app_logtype, tag ": " fmt "\n", ##__VA_ARGS__)

#define APP_LOG(level, fmt, ...) APP_LOG_TAG(level, "fastpath", fmt, ##__VA_ARGS__)
/** The management plane's files: the socket, commands, drain, telemetry. */
#define MGMT_LOG(level, fmt, ...) APP_LOG_TAG(level, "mgmt", fmt, ##__VA_ARGS__)
/** The MQTT client on the management loop. */
#define MQTT_LOG(level, fmt, ...) APP_LOG_TAG(level, "mqtt", fmt, ##__VA_ARGS__)
/** The metrics endpoint on the management loop. */
#define METRICS_LOG(level, fmt, ...) APP_LOG_TAG(level, "metrics", fmt, ##__VA_ARGS__)

#define APP_ERR(fmt, ...)   APP_LOG(ERR, fmt, ##__VA_ARGS__)
#define APP_WARN(fmt, ...)  APP_LOG(WARNING, fmt, ##__VA_ARGS__)
#define APP_INFO(fmt, ...)  APP_LOG(INFO, fmt, ##__VA_ARGS__)
#define APP_DEBUG(fmt, ...) APP_LOG(DEBUG, fmt, ##__VA_ARGS__)

#endif /* APP_LOG_H */
