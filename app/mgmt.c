/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management thread: a libuv loop in a DPDK control thread (never on a
 * worker lcore) that serves the unix socket, runs the MQTT client, receives
 * the workers' answers (the reply ring's doorbell) and starts the drain on a
 * first SIGINT/SIGTERM (the app's eventfd). It reads worker counters with
 * fp_stats_get() and reaches workers only through the request path (req.h),
 * so it never takes a lock a worker takes and never waits for one. main.c
 * calls mgmt_start() after launching the workers and mgmt_stop() after they
 * stopped.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "app.h"
#include "lcore.h"
#include "log.h"
#include "mgmt.h"
#include "metrics.h"
#include "mgmt_drain.h"
#include "mgmt_int.h"
#include "mgmt_pipeline.h"
#include "mgmt_server.h"
#include "mqtt.h"
#include "req.h"
#include "telemetry.h"

/* The workers' doorbell. uv_async_send() is the one libuv call that may cross threads. */
static void
reply_wake(void *arg)
{
	uv_async_send(arg);
}

static void
reply_cb(uv_async_t *a)
{
	struct mgmt *m = a->data;

	app_req_complete(&m->replies);
}

/* A first SIGINT/SIGTERM (app.c wrote its number): drain, then stop. */
static void
signal_cb(uv_poll_t *p, int status, int events)
{
	struct mgmt *m = p->data;
	uint64_t sig;

	(void)events;
	if (status < 0 || read(m->app->drain_fd, &sig, sizeof(sig)) != (ssize_t)sizeof(sig))
		return;
	if (mgmt_drain_begin(m, MGMT_DRAIN_MS, sig == SIGINT ? "SIGINT" : "SIGTERM") == -EALREADY)
		MGMT_LOG(NOTICE, "signal during the drain: a second one stops at once");
}

static void
hup_cb(uv_signal_t *s, int signum)
{
	(void)signum;
	mgmt_pipeline_sighup(s->data);
}

static void
close_walk_cb(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/*
 * The workers have stopped (main.c calls mgmt_stop() after
 * rte_eal_mp_wait_lcore()): answer what they left with -ECANCELED while the
 * clients that asked are still connected, then close everything.
 */
static void
stop_cb(uv_async_t *a)
{
	struct mgmt *m = a->data;
	struct app *app = m->app;

	app_drain_on_signal(app, false);
	for (unsigned i = 0; i < app->n_workers; i++)
		app_req_inbox_close(&app->workers[i]->inbox);
	for (unsigned i = 0; i < app->n_workers; i++)
		app_req_cancel(&app->workers[i]->inbox);
	app_req_complete(&m->replies);
	metrics_stop(m);
	mqtt_stop(m);
	mgmt_server_stop(m);
	uv_walk(&m->loop, close_walk_cb, NULL);
}

static void *
mgmt_thread(void *arg)
{
	struct mgmt *m = arg;

	uv_run(&m->loop, UV_RUN_DEFAULT);
	return NULL;
}

/* The loop and the handles every part uses. @return 0 or a negative errno (logged). */
static int
loop_init(struct mgmt *m)
{
	int rc = uv_loop_init(&m->loop);

	if (rc != 0) {
		MGMT_LOG(ERR, "uv_loop_init: %s", uv_strerror(rc));
		return rc;
	}
	m->loop_ready = true;
	uv_async_init(&m->loop, &m->stop_async, stop_cb);
	m->stop_async.data = m;
	uv_async_init(&m->loop, &m->reply_async, reply_cb);
	m->reply_async.data = m;
	mgmt_drain_init(m);
	rc = app_req_replies_init(&m->replies, reply_wake, &m->reply_async);
	if (rc != 0)
		return rc;
	uv_signal_init(&m->loop, &m->hup);
	m->hup.data = m;
	rc = uv_signal_start(&m->hup, hup_cb, SIGHUP);
	if (rc != 0) {
		MGMT_LOG(ERR, "watching SIGHUP: %s", uv_strerror(rc));
		return rc;
	}
	rc = uv_poll_init(&m->loop, &m->signal_poll, m->app->drain_fd);
	m->signal_poll.data = m;
	if (rc == 0)
		rc = uv_poll_start(&m->signal_poll, UV_READABLE, signal_cb);
	if (rc != 0)
		MGMT_LOG(ERR, "watching the signal eventfd: %s", uv_strerror(rc));
	return rc;
}

int
mgmt_start(struct app *app, struct mgmt **out)
{
	const char *idle = getenv("FP_MGMT_IDLE_MS");
	struct mgmt *m;
	int rc;

	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
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
	rc = loop_init(m);
	if (rc == 0) {
		app_telemetry_init(app); /* optional: failures are logged */
		rc = mgmt_server_start(m);
	}
	if (rc == 0)
		rc = mqtt_start(m);
	if (rc == 0)
		rc = metrics_start(m);
	if (rc == 0)
		rc = rte_ctrl_thread_create(&m->thread, "fp-mgmt", NULL, mgmt_thread, m);
	if (rc != 0) {
		MGMT_LOG(ERR, "management plane did not start: %s", strerror(rc < 0 ? -rc : rc));
		mgmt_stop(m);
		return rc < 0 ? rc : -rc;
	}
	m->thread_started = true;
	/* From now on a first signal drains instead of quitting at once. */
	app_drain_on_signal(app, true);
	*out = m;
	return 0;
}

void
mgmt_stop(struct mgmt *m)
{
	if (m == NULL)
		return;
	if (m->loop_ready) {
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
	}
	app_telemetry_fini();
	app_req_replies_fini(&m->replies);
	free(m);
}
