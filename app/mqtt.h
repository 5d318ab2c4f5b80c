/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MQTT telemetry: a libmosquitto client driven by the management thread's
 * libuv loop (uv_poll on the client's socket, no network thread of its own).
 * Publishes the lib/tlm stats document every cfg.mqtt.interval_ms to
 * <prefix>/<node>/stats, keeps a retained <prefix>/<node>/status ("online",
 * last will "offline"), and optionally answers <prefix>/<node>/cmd on .../reply.
 */
#ifndef APP_MQTT_H
#define APP_MQTT_H

#include <stdbool.h>
#include <stdint.h>

struct mgmt;
struct mqtt;

/** Counters for status replies. */
struct mqtt_status {
	bool enabled;
	bool connected;     /**< CONNACK received and the session is up */
	uint64_t connects;  /**< successful connections (1 + reconnects) */
	uint64_t published; /**< stats documents handed to the client library */
	uint64_t dropped;   /**< stats documents dropped: not connected or output backlog */
	uint64_t commands;  /**< requests answered on the cmd topic */
	uint64_t refused;   /**< of those, refused: not in [mqtt] commands_allow */
};

/**
 * Start the client when cfg.mqtt.enabled (a no-op otherwise). Never blocks on
 * the broker: a broker that is down just means reconnect attempts with
 * exponential back-off. Context: management loop, before or while it runs.
 * @return 0, or a negative errno on invalid settings (bad TLS files, ...)
 */
int mqtt_start(struct mgmt *m);

/** Publish "offline", disconnect and close the handles. Context: management loop. */
void mqtt_stop(struct mgmt *m);

/** Snapshot of the client's counters; mq may be NULL (disabled). */
void mqtt_get_status(const struct mqtt *mq, struct mqtt_status *st);

#endif /* APP_MQTT_H */
