/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry publisher for the firmware: a minimal MQTT 3.1.1 client on
 * lwIP's raw API (QoS 0 PUBLISH, CONNECT with a retained last will, PINGREQ),
 * enough to send the stats document to <prefix>/<node>/stats and the
 * online/offline status, as the appliance does (docs/TELEMETRY.md). Portable
 * between the host build and a board; no heap. Like the appliance, it drops
 * a document it cannot send at once instead of queueing it.
 */
#ifndef FW_MQTT_H
#define FW_MQTT_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/ip_addr.h"
#include "lwip/tcp.h"

#include "fp/cfg.h"

#define FW_MQTT_TOPIC_MAX 192

enum fw_mqtt_state {
	FW_MQTT_IDLE,       /**< not connected; next attempt at retry_at_ms */
	FW_MQTT_CONNECTING, /**< TCP handshake under way */
	FW_MQTT_CONNACK,    /**< CONNECT sent, waiting for CONNACK */
	FW_MQTT_UP,         /**< connected: publishing */
	FW_MQTT_STOPPED,    /**< after fw_mqtt_stop(): no more attempts */
};

struct fw_mqtt {
	const struct fp_cfg_mqtt *cfg; /**< credentials, keepalive, prefix */
	ip_addr_t broker;              /**< broker address (no DNS on the firmware) */
	struct tcp_pcb *pcb;           /**< NULL unless CONNECTING/CONNACK/UP */
	uint8_t state;                 /**< enum fw_mqtt_state */
	uint32_t now_ms;               /**< clock of the last fw_mqtt_tick() */
	uint32_t retry_ms;             /**< back-off: 250 ms doubling to 30 s */
	uint32_t retry_at_ms;          /**< next connect attempt (IDLE) */
	uint32_t last_tx_ms;           /**< last packet sent, for PINGREQ */
	uint8_t rx_phase;              /**< 0 packet type, 1 remaining length, 2 body */
	uint8_t rx_type;               /**< first byte of the packet being received */
	uint8_t rx_shift;              /**< remaining-length varint position, bits */
	uint32_t rx_left;              /**< body bytes of that packet still to come */
	uint32_t rx_got;               /**< body bytes received so far */
	uint8_t rx_body[2];            /**< first body bytes (CONNACK flags, rc) */
	char client_id[FP_CFG_STR_MAX];
	char topic_stats[FW_MQTT_TOPIC_MAX];
	char topic_status[FW_MQTT_TOPIC_MAX];
	uint64_t connects;  /**< CONNACKs accepted */
	uint64_t published; /**< stats documents handed to TCP */
	uint64_t dropped;   /**< stats documents not sent (down, or no send space) */
};

/**
 * Prepare the client; the first connection attempt is made by fw_mqtt_tick().
 * @param cfg   [mqtt] section (kept by reference); host must be an IPv4 address
 * @param node  topic level <node>
 * @param err   out: why not, on failure
 * @return 0, or -EINVAL (host not an address, TLS asked for, names too long)
 */
int fw_mqtt_init(struct fw_mqtt *m, const struct fp_cfg_mqtt *cfg, const char *node, char *err,
		size_t err_len);

/** Connect, reconnect after back-off, send keepalive pings. Context: lwIP core. */
void fw_mqtt_tick(struct fw_mqtt *m, uint32_t now_ms);

/**
 * Publish one stats document at QoS 0 on <prefix>/<node>/stats.
 * @return 0, or -ENOTCONN / -ENOBUFS (counted in dropped). Context: lwIP core.
 */
int fw_mqtt_publish_stats(struct fw_mqtt *m, const char *doc, size_t len);

/**
 * Clean exit: retained "offline" status, DISCONNECT, close. Context: lwIP core.
 */
void fw_mqtt_stop(struct fw_mqtt *m);

#endif /* FW_MQTT_H */
