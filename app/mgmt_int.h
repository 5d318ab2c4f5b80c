/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * State shared by the management plane's files: mgmt.c (thread, loop, drain),
 * mgmt_server.c (unix socket), mgmt_cmd.c (commands), mqtt.c and telemetry.c.
 * Everything here belongs to the management thread unless a field says
 * otherwise; workers are only ever read with fp_stats_get() or talked to
 * through app_lcore_post().
 */
#ifndef APP_MGMT_INT_H
#define APP_MGMT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "fp/tlm.h"

#include "app.h"

#define MGMT_LINE_MAX       (64 * 1024)        /**< request line cap, bytes (newline excluded) */
#define MGMT_MAX_CLIENTS    64                 /**< concurrent socket clients */
#define MGMT_OUTQ_MAX       (1024 * 1024)      /**< unsent reply bytes before a client is cut off */
#define MGMT_REPLY_MAX      (16 * 1024 * 1024) /**< largest single reply, bytes */
#define MGMT_IDLE_MS        60000              /**< a client silent this long is closed */
#define MGMT_WORKER_WAIT_MS 200                /**< longest wait for a worker's answer */
#define MGMT_DRAIN_MS       5000               /**< default shutdown drain bound */
#define MGMT_DRAIN_MAX_MS   60000

/** A growable reply buffer (heap, management thread only). */
struct mgmt_buf {
	char *p;
	size_t len; /**< bytes used, excluding the NUL */
	size_t cap;
};

struct mgmt_server;
struct mqtt;

/** Request posted to a worker that did not answer in time: freed once answered, or at stop. */
struct mgmt_orphan {
	struct mgmt_orphan *next;
	struct app_req *req;
	void *mem;
};

struct mgmt {
	struct app *app;
	uv_loop_t loop;
	uv_async_t stop_async; /**< mgmt_stop() -> loop (the only cross-thread call) */
	pthread_t thread;
	bool loop_ready;
	bool thread_started;
	struct mgmt_server *server;
	struct mqtt *mqtt;
	uint64_t idle_ms; /**< client idle timeout */
	/* shutdown command */
	bool draining;
	uv_timer_t drain_timer;
	uint64_t drain_deadline_ms; /**< uv_now() value after which we quit anyway */
	struct app_req *drain_reqs; /**< one per worker */
	struct mgmt_orphan *orphans;
};

extern struct mgmt mgmt_g;

/** Milliseconds since start (TSC based). Context: any. */
uint64_t mgmt_uptime_ms(void);

/** Start the graceful shutdown: drain workers, then app_request_quit(). */
int mgmt_shutdown_begin(struct mgmt *m, uint64_t timeout_ms);

/**
 * Post req to a worker and wait for the answer, at most MGMT_WORKER_WAIT_MS.
 * On time-out req and mem become orphans (freed by a later call once the worker
 * answered, or once the workers stopped), so
 * both must be heap memory owned by the caller until this returns.
 * @return req->result, -EBUSY, -ECANCELED or -ETIMEDOUT (req/mem then no longer the caller's)
 */
int mgmt_worker_call(struct mgmt *m, struct app_lcore *lc, struct app_req *req, void *mem);

/* mgmt_cmd.c */

/** Fill doc with every worker's counters (socket "stats" and MQTT share it). */
void mgmt_stats_doc(struct mgmt *m, struct fp_tlm_doc *doc);

/** Reply builder: writes one JSON object into j. */
typedef void (*mgmt_build_fn)(struct fp_tlm_json *j, void *arg);

/**
 * Run fn into out, growing out until the document fits (up to MGMT_REPLY_MAX).
 * @return 0 or -ENOSPC / -ENOMEM
 */
int mgmt_buf_build(struct mgmt_buf *out, mgmt_build_fn fn, void *arg);

void mgmt_buf_free(struct mgmt_buf *b);

/**
 * Execute one request line and write the reply line (no newline) to out.
 * Always produces a reply: {"ok":true,...} or {"ok":false,"error":"..."}.
 * @param origin   "socket" or "mqtt", for logs and the refusal message
 * @param allowed  bit per enum fp_tlm_cmd this origin may run (FP_TLM_CMD_ALL)
 * @return 0, or -EPERM when the command was refused (the reply says so)
 * Context: management thread.
 */
int mgmt_cmd_exec(struct mgmt *m, const char *line, size_t len, struct mgmt_buf *out,
		const char *origin, uint32_t allowed);

/** An error reply into out. */
void mgmt_cmd_error(struct mgmt_buf *out, const char *msg);

/* mgmt_server.c */

/** Create, bind and listen on cfg.mgmt.socket. Context: before the loop runs. */
int mgmt_server_start(struct mgmt *m);
/** Close the listener and every client. Context: management thread. */
void mgmt_server_stop(struct mgmt *m);
/** Connected clients, for status. */
unsigned mgmt_server_clients(const struct mgmt *m);
/** Clients turned away at the limit, and clients closed for misbehaving (status). */
void mgmt_server_counters(const struct mgmt *m, uint64_t *refused, uint64_t *cut_off);

#endif /* APP_MGMT_INT_H */
