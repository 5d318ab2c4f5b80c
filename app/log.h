/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging for app/: one registered DPDK logtype, "user.fp.app", so the level
 * can be changed with EAL's --log-level=user.fp.app:debug. Control paths only;
 * the per-packet path does not log (it counts).
 */
#ifndef APP_LOG_H
#define APP_LOG_H

#include <rte_log.h>

extern int app_logtype;

#define APP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, app_logtype, "fastpath: " fmt "\n", ##__VA_ARGS__)

#define APP_ERR(fmt, ...)   APP_LOG(ERR, fmt, ##__VA_ARGS__)
#define APP_WARN(fmt, ...)  APP_LOG(WARNING, fmt, ##__VA_ARGS__)
#define APP_INFO(fmt, ...)  APP_LOG(INFO, fmt, ##__VA_ARGS__)
#define APP_DEBUG(fmt, ...) APP_LOG(DEBUG, fmt, ##__VA_ARGS__)

#endif /* APP_LOG_H */
