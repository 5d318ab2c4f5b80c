/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Graceful shutdown (mgmt_drain.h): one APP_REQ_DRAIN per worker through the
 * request path, then a uv timer that watches the workers' open-flow gauges
 * (they do not say when they reach 0) until none is open or the deadline
 * passed, and then asks the process to quit.
 */
#include <errno.h>
#include <stdbool.h>

#include "lcore.h"
#include "log.h"
#include "mgmt_drain.h"
#include "mgmt_int.h"
#include "req.h"

#define DRAIN_CHECK_MS 20

static uint32_t
open_flows(const struct app *app)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < app->n_workers; i++)
		n += fp_stats_get_flows_open(&app->workers[i]->stats);
	return n;
}

static void
drain_done(struct app_req *req)
{
	struct mgmt *m = req->arg;

	m->drain.pending--;
}

static void
drain_check_cb(uv_timer_t *t)
{
	struct mgmt *m = t->data;
	uint32_t flows = open_flows(m->app);

	if (m->drain.pending == 0 && flows == 0)
		MGMT_LOG(NOTICE, "drained, stopping");
	else if (uv_now(&m->loop) >= m->drain.deadline_ms)
		MGMT_LOG(WARNING, "drain timed out with %u flows open, stopping anyway", flows);
	else
		return;
	uv_timer_stop(t);
	app_request_quit(m->app);
}

void
mgmt_drain_init(struct mgmt *m)
{
	uv_timer_init(&m->loop, &m->drain.timer);
	m->drain.timer.data = m;
}

int
mgmt_drain_begin(struct mgmt *m, uint64_t timeout_ms, const char *why)
{
	struct app *app = m->app;

	if (m->drain.active)
		return -EALREADY;
	m->drain.active = true;
	MGMT_LOG(NOTICE, "%s: draining %u flows (at most %llu ms)", why, open_flows(app),
			(unsigned long long)timeout_ms);
	for (unsigned i = 0; i < app->n_workers; i++) {
		struct app_req *req = &m->drain.reqs[i];

		if (app->workers[i]->tcp == NULL)
			continue;
		req->kind = APP_REQ_DRAIN;
		req->done = drain_done;
		req->arg = m;
		/* One that cannot be asked (stopped, inbox full) is not drained; its flows
		 * still count, and the deadline bounds the wait. */
		if (app_req_post(&m->replies, &app->workers[i]->inbox, req) == 0)
			m->drain.pending++;
	}
	m->drain.deadline_ms = uv_now(&m->loop) + timeout_ms;
	uv_timer_start(&m->drain.timer, drain_check_cb, 0, DRAIN_CHECK_MS);
	return 0;
}
