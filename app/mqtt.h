/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MQTT telemetry: a libmosquitto client driven by the management thread's
 * libuv loop (uv_poll on the client's socket, no network thread of its own).
 * Publishes the lib/tlm stats document every cfg.mqtt.interval_ms to
 * <prefix>/<node>/stats, keeps a retained <prefix>/<node>/status ("online",
 * last will "offline"), and optionally answers <prefix>/<node>/cmd on .../reply.
 * Its counters are in m->mqtt_st (mgmt_int.h), for status.
 */
#ifndef APP_MQTT_H
#define APP_MQTT_H

struct mgmt;

/**
 * Start the client when cfg.mqtt.enabled (a no-op otherwise). Never blocks on
 * the broker: a broker that is down just means reconnect attempts with
 * exponential back-off. Context: management loop, before or while it runs.
 * @return 0, or a negative errno on invalid settings (bad TLS files, ...)
 */
int mqtt_start(struct mgmt *m);

/** Publish "offline", disconnect and close the handles. Context: management loop. */
void mqtt_stop(struct mgmt *m);

#endif /* APP_MQTT_H */
