/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one request path between the management thread and the workers.
 *
 *   management loop                       worker lcore (between two bursts)
 *   app_req_post() --inbox ring-->        app_req_serve(): serve, then push
 *   app_req_complete() <--reply ring--    onto the reply ring; one wake-up
 *     (from the doorbell: uv_async)       (uv_async_send) per burst
 *     calls req->done(req)
 *
 * Nobody waits: the management loop never sleeps or spins on a worker, and a
 * worker answers within one loop iteration. A request belongs to its poster
 * except between app_req_post() and its done callback, and the callback is
 * where whatever the request carries is freed. No locks: rte_ring only.
 *
 * To add a request kind: a value in enum app_req_kind, its payload in the
 * union of struct app_req, and a case in the worker's switch (lcore.c, which
 * -Wswitch checks).
 */
#ifndef APP_REQ_H
#define APP_REQ_H

#include <stdint.h>

#include "fp/cfg.h"
#include "fp/tcp.h"

#define APP_REQ_INBOX_SZ   128 /**< ring size: requests that may wait for one worker */
#define APP_REQ_REPLIES_SZ 256 /**< ring size: answers that may wait for the management loop */
#define APP_REQ_BURST      8   /**< requests a worker serves per loop iteration at most */

/** What a request asks a worker to do. */
enum app_req_kind {
	APP_REQ_FLOWS,    /**< copy a page of the flow table (payload: flows) */
	APP_REQ_DRAIN,    /**< fp_tcp_drain(): refuse new flows, FIN the others (no payload) */
	APP_REQ_GRAPH,    /**< walk another graph from the next burst on (payload: graph) */
	APP_REQ_SETTINGS, /**< take the live settings (payload: settings) */
};

struct rte_graph;

/** APP_REQ_GRAPH: the worker's next graph (a reload); the old one is the poster's to free. */
struct app_req_graph {
	struct rte_graph *next; /**< in: built for this worker, in its idle slot */
};

/**
 * APP_REQ_SETTINGS: every live setting a worker uses, whole, not a delta:
 * the last one a worker took is the running configuration's, whatever the
 * order of the changes before it.
 */
struct app_req_settings {
	struct fp_cfg_tcp tcp; /**< for fp_tcp_reconfigure() */
	uint8_t idle;          /**< enum fp_cfg_idle */
};

/** APP_REQ_FLOWS: one page of fp_tcp_flow_snapshot(). */
struct app_req_flows {
	uint32_t cursor; /**< in: where to go on (0 = start); out: where next, FP_TCP_CURSOR_END once done */
	uint32_t max;                   /**< in: capacity of flows[] */
	struct fp_tcp_flow_info *flows; /**< in: the poster's buffer, max entries */
	uint32_t n;                     /**< out: entries written */
};

struct app_req;
struct app_req_replies;

/** Called on the management loop with the answer; the request is the poster's again. */
typedef void (*app_req_done_fn)(struct app_req *req);

/** Rings the management loop's doorbell. Context: any thread (a worker). */
typedef void (*app_req_wake_fn)(void *arg);

struct app_req {
	enum app_req_kind kind;
	int result;                      /**< out: 0, -ENOTSUP (no TCP stage), -ECANCELED */
	app_req_done_fn done;            /**< set by the poster */
	void *arg;                       /**< the poster's, for done */
	struct app_req_replies *replies; /**< set by app_req_post(): where the answer goes */
	union {
		struct app_req_flows flows;
		struct app_req_graph graph;
		struct app_req_settings settings;
	};
};

/** A worker's inbox. */
struct app_req_inbox {
	struct rte_ring *ring; /**< app_req pointers; producer: management, consumer: the worker */
	uint32_t open;         /**< 1 until the worker stops serving it (atomic) */
};

/** The answers, shared by every worker; one per process, drained by the management loop. */
struct app_req_replies {
	struct rte_ring *ring; /**< app_req pointers; producers: workers, consumer: management */
	app_req_wake_fn wake;  /**< doorbell, once per burst of answers */
	void *wake_arg;
	uint32_t in_flight; /**< posted and not completed; management only, < ring capacity */
	uint64_t posted;    /**< requests posted since start; management only */
};

/** Create a worker's inbox (open) on its NUMA socket. @return 0 or -ENOMEM (logged). */
int app_req_inbox_init(struct app_req_inbox *in, unsigned lcore_id, int socket);

/** Free an inbox. Nothing may be queued in it (app_req_cancel() first). */
void app_req_inbox_fini(struct app_req_inbox *in);

/** Create the reply ring. @return 0 or -ENOMEM (logged). Context: management thread. */
int app_req_replies_init(struct app_req_replies *r, app_req_wake_fn wake, void *wake_arg);

/** Free the reply ring. Nothing may be in flight. */
void app_req_replies_fini(struct app_req_replies *r);

/**
 * Post req (kind, payload, done and arg set) to a worker.
 * @return 0: done(req) will be called from app_req_complete(); -EBUSY (too
 *         many requests in flight) or -ECANCELED (the worker stopped): done
 *         will not be called and req is still the caller's.
 * Context: management thread.
 */
int app_req_post(struct app_req_replies *r, struct app_req_inbox *to, struct app_req *req);

/**
 * Call done() for every answered request. Call it from the doorbell, and once
 * more after app_req_cancel(). Context: management thread.
 */
void app_req_complete(struct app_req_replies *r);

/**
 * Answer what is left in a stopped worker's inbox with -ECANCELED (queued
 * onto the reply ring; app_req_complete() delivers them).
 * Context: management thread, after the worker's loop returned.
 */
void app_req_cancel(struct app_req_inbox *in);

/** Serve one request: the worker's switch on req->kind. @return req->result */
typedef int (*app_req_serve_fn)(void *arg, struct app_req *req);

/**
 * Serve up to APP_REQ_BURST queued requests with fn, send the answers and
 * ring the doorbell once. Context: the inbox's worker.
 */
void app_req_serve(struct app_req_inbox *in, app_req_serve_fn fn, void *arg);

/** Stop accepting requests; later posts get -ECANCELED. Context: the worker, at exit. */
void app_req_inbox_close(struct app_req_inbox *in);

#endif /* APP_REQ_H */
