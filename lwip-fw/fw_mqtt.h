/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry publisher for the firmware on lwIP's own MQTT client
 * (src/apps/mqtt, built from Debian's lwip source package): publishes the
 * stats document to <prefix>/<node>/stats and a retained online/offline
 * status to <prefix>/<node>/status (also the last will), as the appliance
 * does (docs/TELEMETRY.md). Reconnects with back-off from lwIP timers. Like
 * the appliance, it drops a document the client cannot queue at once.
 * Portable between the host build and a board; no heap (the client is
 * static storage, lwIP's mqtt_client.txt 1.1).
 */
#ifndef FW_MQTT_H
#define FW_MQTT_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/apps/mqtt.h"
#include "lwip/apps/mqtt_priv.h" /* struct mqtt_client_s, for static storage */
#include "lwip/ip_addr.h"

#include "fp/cfg.h"

#define FW_MQTT_TOPIC_MAX 192

struct fw_mqtt {
	mqtt_client_t client;                   /**< lwIP's client state */
	struct mqtt_connect_client_info_t info; /**< id, credentials, will, keepalive */
	const struct fp_cfg_mqtt *cfg;          /**< port, qos (kept by reference) */
	ip_addr_t broker;                       /**< broker address (no DNS on the firmware) */
	uint32_t retry_ms;                      /**< back-off: 250 ms doubling to 30 s */
	uint8_t stopped;                        /**< after fw_mqtt_stop(): no more attempts */
	char client_id[FP_CFG_STR_MAX];
	char topic_stats[FW_MQTT_TOPIC_MAX];
	char topic_status[FW_MQTT_TOPIC_MAX];
	uint64_t connects;  /**< CONNACKs accepted */
	uint64_t published; /**< stats documents queued in the client */
	uint64_t dropped;   /**< stats documents not sent (down, or no room) */
};

/**
 * Prepare the client and make the first connection attempt (its result
 * arrives later, from lwIP).
 * @param cfg   [mqtt] section (kept by reference); host must be an IPv4 address
 * @param node  topic level <node>
 * @param err   out: why not, on failure
 * @return 0, or -EINVAL (host not an address, TLS asked for, names too long)
 * Context: lwIP core.
 */
int fw_mqtt_start(struct fw_mqtt *m, const struct fp_cfg_mqtt *cfg, const char *node, char *err,
		size_t err_len);

/**
 * Publish one stats document on <prefix>/<node>/stats at [mqtt] qos.
 * @return 0, or -ENOTCONN / -ENOBUFS (counted in dropped). Context: lwIP core.
 */
int fw_mqtt_publish_stats(struct fw_mqtt *m, const char *doc, size_t len);

/**
 * Clean exit: retained "offline" status, then close. lwIP's client sends no
 * DISCONNECT, so the broker also publishes the (identical) last will.
 * Context: lwIP core.
 */
void fw_mqtt_stop(struct fw_mqtt *m);

#endif /* FW_MQTT_H */
