/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management thread: a libuv loop in a DPDK control thread (never on a
 * worker lcore) that serves the unix socket, runs the MQTT client and carries
 * out the shutdown command. It reads worker counters with fp_stats_get() and
 * talks to workers only through their request rings, so it never takes a lock
 * a worker takes. main.c calls mgmt_start() after launching the workers and
 * mgmt_stop() after they stopped.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "app.h"
#include "log.h"
#include "mgmt.h"
#include "mgmt_int.h"
#include "mqtt.h"
#include "telemetry.h"

struct mgmt mgmt_g;

uint64_t
mgmt_uptime_ms(void)
{
	const struct app *app = &app_g;

	if (app->tsc_hz == 0)
		return 0;
	return (rte_get_tsc_cycles() - app->start_tsc) / (app->tsc_hz / 1000);
}

/*
 * Free the orphans a worker has answered since: the release store to done is
 * the worker's last access to a request, so a late answer costs memory only
 * until the next call instead of until stop.
 */
static void
orphans_reap(struct mgmt *m)
{
	struct mgmt_orphan **pp = &m->orphans;

	while (*pp != NULL) {
		struct mgmt_orphan *o = *pp;

		if (!__atomic_load_n(&o->req->done, __ATOMIC_ACQUIRE)) {
			pp = &o->next;
			continue;
		}
		*pp = o->next;
		free(o->req);
		free(o->mem);
		free(o);
	}
}

int
mgmt_worker_call(struct mgmt *m, struct app_lcore *lc, struct app_req *req, void *mem)
{
	const struct timespec pause = {.tv_nsec = 20000};
	uint64_t deadline = rte_get_tsc_cycles() + rte_get_tsc_hz() / 1000 * MGMT_WORKER_WAIT_MS;
	int rc;

	orphans_reap(m);
	rc = app_lcore_post(lc, req);

	if (rc != 0)
		return rc;
	/* a running worker answers within one loop iteration: microseconds */
	while (!app_req_done(lc, req)) {
		if (rte_get_tsc_cycles() > deadline) {
			struct mgmt_orphan *o = malloc(sizeof(*o));

			MGMT_LOG(WARNING, "lcore %u did not answer in %d ms", lc->lcore_id,
					MGMT_WORKER_WAIT_MS);
			/* the worker may still write into req and mem: keep them until stop */
			if (o != NULL) {
				o->req = req;
				o->mem = mem;
				o->next = m->orphans;
				m->orphans = o;
			}
			return -ETIMEDOUT;
		}
		nanosleep(&pause, NULL);
	}
	return req->result;
}

/* ------------------------------------------------------------ shutdown */

static uint32_t
open_flows(const struct app *app)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < app->n_workers; i++)
		n += fp_stats_get_flows_open(&app->workers[i]->stats);
	return n;
}

static void
drain_check_cb(uv_timer_t *t)
{
	struct mgmt *m = t->data;
	struct app *app = m->app;
	bool posted_done = true;
	uint32_t flows;

	for (unsigned i = 0; i < app->n_workers; i++)
		if (m->drain_reqs[i].kind == APP_REQ_DRAIN &&
				!app_req_done(app->workers[i], &m->drain_reqs[i]))
			posted_done = false;
	flows = open_flows(app);
	if (posted_done && flows == 0) {
		MGMT_LOG(NOTICE, "drained, stopping");
	} else if (uv_now(&m->loop) >= m->drain_deadline_ms) {
		MGMT_LOG(WARNING, "drain timed out with %u flows open, stopping anyway", flows);
	} else {
		return;
	}
	uv_timer_stop(t);
	app_request_quit();
}

int
mgmt_shutdown_begin(struct mgmt *m, uint64_t timeout_ms)
{
	struct app *app = m->app;

	if (m->draining)
		return -EALREADY;
	m->drain_reqs = calloc(app->n_workers ? app->n_workers : 1, sizeof(*m->drain_reqs));
	if (m->drain_reqs == NULL)
		return -ENOMEM;
	m->draining = true;
	MGMT_LOG(NOTICE, "shutdown requested: draining %u flows (at most %llu ms)", open_flows(app),
			(unsigned long long)timeout_ms);
	for (unsigned i = 0; i < app->n_workers; i++) {
		struct app_req *req = &m->drain_reqs[i];

		if (app->workers[i]->tcp == NULL)
			continue;
		req->kind = APP_REQ_DRAIN;
		if (app_lcore_post(app->workers[i], req) != 0)
			req->kind = APP_REQ_FLOWS; /* not posted: nothing to wait for */
	}
	m->drain_deadline_ms = uv_now(&m->loop) + timeout_ms;
	uv_timer_start(&m->drain_timer, drain_check_cb, 0, 20);
	return 0;
}

/* ---------------------------------------------------------- the thread */

static void
close_walk_cb(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static void
stop_cb(uv_async_t *a)
{
	struct mgmt *m = a->data;

	mqtt_stop(m);
	mgmt_server_stop(m);
	/* whatever is left (our own timers and this async) */
	uv_walk(&m->loop, close_walk_cb, NULL);
}

static void *
mgmt_thread(void *arg)
{
	struct mgmt *m = arg;

	uv_run(&m->loop, UV_RUN_DEFAULT);
	return NULL;
}

int
mgmt_start(struct app *app)
{
	struct mgmt *m = &mgmt_g;
	const char *idle = getenv("FP_MGMT_IDLE_MS");
	int rc;

	memset(m, 0, sizeof(*m));
	m->app = app;
	m->idle_ms = MGMT_IDLE_MS;
	/*
	 * A client that hangs up before its reply makes write() raise SIGPIPE,
	 * whose default action would kill the appliance; with it ignored the
	 * write fails with EPIPE and only that client is closed. Process-wide on
	 * purpose: the telemetry socket and the MQTT client need the same.
	 */
	signal(SIGPIPE, SIG_IGN);
	/* tests shorten the idle timeout to see half-open clients go */
	if (idle != NULL && atoi(idle) > 0)
		m->idle_ms = (uint64_t)atoi(idle);
	rc = uv_loop_init(&m->loop);
	if (rc != 0) {
		MGMT_LOG(ERR, "uv_loop_init: %s", uv_strerror(rc));
		return rc;
	}
	m->loop_ready = true;
	uv_async_init(&m->loop, &m->stop_async, stop_cb);
	m->stop_async.data = m;
	uv_timer_init(&m->loop, &m->drain_timer);
	m->drain_timer.data = m;

	app_telemetry_init(app); /* optional: failures are logged */
	rc = mgmt_server_start(m);
	if (rc == 0)
		rc = mqtt_start(m);
	if (rc == 0)
		rc = rte_ctrl_thread_create(&m->thread, "fp-mgmt", NULL, mgmt_thread, m);
	if (rc != 0) {
		MGMT_LOG(ERR, "management plane did not start: %s", strerror(rc < 0 ? -rc : rc));
		mgmt_stop();
		return rc < 0 ? rc : -rc;
	}
	m->thread_started = true;
	return 0;
}

void
mgmt_stop(void)
{
	struct mgmt *m = &mgmt_g;

	if (!m->loop_ready)
		return;
	if (m->thread_started) {
		uv_async_send(&m->stop_async);
		pthread_join(m->thread, NULL);
		m->thread_started = false;
	} else {
		/* never ran: close what mgmt_start set up, on this thread */
		stop_cb(&m->stop_async);
		uv_run(&m->loop, UV_RUN_DEFAULT);
	}
	if (uv_loop_close(&m->loop) != 0)
		MGMT_LOG(WARNING, "uv loop closed with handles still open");
	m->loop_ready = false;
	app_telemetry_fini();
	/* the workers have stopped: requests they never answered can go */
	while (m->orphans != NULL) {
		struct mgmt_orphan *o = m->orphans;

		m->orphans = o->next;
		free(o->req);
		free(o->mem);
		free(o);
	}
	free(m->drain_reqs);
	m->drain_reqs = NULL;
}
