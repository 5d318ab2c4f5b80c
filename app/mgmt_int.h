/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management plane's state, shared by its files: mgmt.c (thread, loop,
 * doorbells), mgmt_cmd.c and mgmt_flows.c (commands), mgmt_drain.c (graceful
 * shutdown), mgmt_server.c (unix socket), mqtt.c, metrics.c and telemetry.c.
 * Data only; each file's functions are in its own header. Everything here belongs to
 * the management thread unless a field says otherwise; workers are read
 * with fp_stats_get() and reached through the request path (req.h).
 */
#ifndef APP_MGMT_INT_H
#define APP_MGMT_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "fp/tlm.h"

#include "app.h"
#include "graph.h"
#include "req.h"

#define MGMT_LINE_MAX     (64 * 1024)        /**< request line cap, bytes (newline excluded) */
#define MGMT_MAX_CLIENTS  64                 /**< concurrent socket clients */
#define MGMT_OUTQ_MAX     (1024 * 1024)      /**< unsent reply bytes before a client is cut off */
#define MGMT_REPLY_MAX    (16 * 1024 * 1024) /**< largest single reply, bytes */
#define MGMT_IDLE_MS      60000              /**< a client silent this long is closed */
#define MGMT_DRAIN_MS     5000               /**< default drain bound: shutdown and signals */
#define MGMT_DRAIN_MAX_MS 60000

struct mgmt_server;
struct mqtt;
struct metrics;

/** The socket server's counters, for status (written by mgmt_server.c). */
struct mgmt_server_counters {
	unsigned clients; /**< connected now */
	uint64_t refused; /**< turned away over MGMT_MAX_CLIENTS */
	uint64_t cut_off; /**< closed for output backlog, long lines, idleness or eviction */
};

/** The MQTT client's counters, for status (written by mqtt.c). */
struct mqtt_status {
	bool enabled;
	bool connected;     /**< CONNACK received and the session is up */
	uint64_t connects;  /**< successful connections (1 + reconnects) */
	uint64_t published; /**< stats documents handed to the client library */
	uint64_t dropped;   /**< stats documents dropped: not connected or output backlog */
	uint64_t commands;  /**< requests answered on the cmd topic */
	uint64_t refused;   /**< of those, refused: not in [mqtt] commands_allow */
};

/** A graceful shutdown in progress (mgmt_drain.c). */
struct mgmt_drain {
	bool active;
	uv_timer_t timer;                   /**< checks the open-flow gauges */
	uint64_t deadline_ms;               /**< uv_now() after which we quit anyway */
	unsigned pending;                   /**< drain requests not answered yet */
	struct app_req reqs[RTE_MAX_LCORE]; /**< one per worker, indexed like app->workers */
};

struct mgmt {
	struct app *app;
	uv_loop_t loop;
	uv_async_t stop_async;          /**< mgmt_stop() -> loop */
	uv_async_t reply_async;         /**< workers -> loop: answers on replies.ring */
	uv_poll_t signal_poll;          /**< app->drain_fd readable: a first SIGINT/SIGTERM */
	struct app_req_replies replies; /**< the answers of every worker */
	pthread_t thread;
	bool loop_ready;
	bool thread_started;
	uint64_t idle_ms; /**< client idle timeout */
	struct mgmt_server *server;
	struct mqtt *mqtt;
	struct metrics *metrics; /**< the HTTP metrics endpoint, NULL when off */
	struct mgmt_server_counters server_st;
	struct mqtt_status mqtt_st;
	struct mgmt_drain drain;
	struct fp_tlm_ctx stats_ctxs[RTE_MAX_LCORE]; /**< the stats document's contexts */
	struct fp_tlm_node stats_nodes[RTE_MAX_LCORE][APP_GRAPH_NODES_MAX]; /**< their nodes */
	uv_signal_t hup; /**< SIGHUP: reload the pipeline */
};

#endif /* APP_MGMT_INT_H */
