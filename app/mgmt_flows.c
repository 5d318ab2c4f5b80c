/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "flows" command (mgmt_flows.h). A listing is a job on the heap: it
 * asks one worker at a time for a page of its flow table
 * (fp_tcp_flow_snapshot() from a cursor, so no page rescans the table),
 * keeps the rows that match the filter, and stops as soon as more rows match
 * than the limit lets it return. Between two pages the management loop
 * serves everyone else. The job answers and frees itself when the last page
 * came back; the total is the workers' open-flow gauges, read at the start.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_lcore.h>

#include "fp/tcp.h"
#include "fp/text.h"

#include "lcore.h"
#include "mgmt_flows.h"
#include "mgmt_int.h"
#include "mgmt_reply.h"
#include "req.h"

#define FLOWS_DEFAULT_LIMIT 100
#define FLOWS_MAX_LIMIT     100000
#define FLOWS_PAGE          512 /**< flows per worker request */

struct flow_row {
	unsigned lcore;
	struct fp_tcp_flow_info fi;
};

/** What the request asked for. */
struct flows_filter {
	uint32_t limit;
	int64_t lcore;   /**< -1 = any */
	int64_t port;    /**< -1 = any: local or remote port */
	int state;       /**< -1 = any */
	uint32_t remote; /**< 0 = any */
};

struct flows_job {
	struct mgmt *m;
	mgmt_reply_fn done;
	void *arg;
	struct flows_filter f;
	struct app_req req;    /**< the page in flight */
	unsigned next_worker;  /**< index in app->workers of the next worker to ask */
	struct app_lcore *lc;  /**< the worker being walked */
	uint64_t total;        /**< flows in the asked workers' tables */
	uint64_t matched;      /**< rows that passed the filter, until the listing stopped */
	unsigned errors;       /**< workers that could not be asked or did not answer */
	uint32_t n;            /**< rows kept */
	struct flow_row *rows; /**< limit entries */
	struct fp_tcp_flow_info page[FLOWS_PAGE];
};

static bool
flow_match(const struct flows_filter *f, const struct fp_tcp_flow_info *fi)
{
	if (f->port >= 0 && fi->local_port != f->port && fi->remote_port != f->port)
		return false;
	if (f->state >= 0 && fi->state != f->state)
		return false;
	if (f->remote != 0 && fi->remote_ip != f->remote)
		return false;
	return true;
}

static bool
worker_asked(const struct flows_filter *f, const struct app_lcore *lc)
{
	return lc->tcp != NULL && (f->lcore < 0 || lc->lcore_id == (unsigned)f->lcore);
}

static void
json_endpoint(struct fp_tlm_json *j, const char *key, uint32_t ip, uint16_t port)
{
	char txt[32], addr[FP_IP4_STR_LEN];

	snprintf(txt, sizeof(txt), "%s:%u", fp_text_format_ip4(ip, addr), port);
	fp_tlm_json_kv_str(j, key, txt);
}

static void
build_flows(struct fp_tlm_json *j, void *arg)
{
	const struct flows_job *job = arg;

	fp_tlm_json_obj_begin(j);
	fp_tlm_json_kv_bool(j, "ok", 1);
	fp_tlm_json_kv_u64(j, "total", job->total);
	fp_tlm_json_kv_u64(j, "matched", job->matched);
	fp_tlm_json_kv_u64(j, "returned", job->n);
	fp_tlm_json_kv_bool(j, "truncated", job->matched > job->n);
	if (job->errors)
		fp_tlm_json_kv_u64(j, "workers_not_answering", job->errors);
	fp_tlm_json_key(j, "flows");
	fp_tlm_json_arr_begin(j);
	for (uint32_t i = 0; i < job->n; i++) {
		const struct fp_tcp_flow_info *fi = &job->rows[i].fi;

		fp_tlm_json_obj_begin(j);
		fp_tlm_json_kv_u64(j, "lcore", job->rows[i].lcore);
		json_endpoint(j, "local", fi->local_ip, fi->local_port);
		json_endpoint(j, "remote", fi->remote_ip, fi->remote_port);
		fp_tlm_json_kv_str(j, "state", fp_tcp_state_name((enum fp_tcp_state)fi->state));
		fp_tlm_json_kv_u64(j, "snd_wnd", fi->snd_wnd);
		fp_tlm_json_kv_u64(j, "rcv_wnd", fi->rcv_wnd);
		fp_tlm_json_kv_u64(j, "unacked", fi->unacked);
		fp_tlm_json_kv_u64(j, "buffered", fi->buffered);
		fp_tlm_json_kv_u64(j, "srtt_us", fi->srtt_us);
		fp_tlm_json_kv_u64(j, "rto_us", fi->rto_us);
		fp_tlm_json_kv_u64(j, "bytes_in", fi->bytes_in);
		fp_tlm_json_kv_u64(j, "bytes_out", fi->bytes_out);
		fp_tlm_json_kv_u64(j, "retransmits", fi->retransmits);
		fp_tlm_json_kv_u64(j, "age_ms", fi->age_us / 1000);
		fp_tlm_json_obj_end(j);
	}
	fp_tlm_json_arr_end(j);
	fp_tlm_json_obj_end(j);
}

/* The reply, then the job is gone. */
static void
job_finish(struct flows_job *job)
{
	struct mgmt_buf out = {0};

	mgmt_reply(&out, build_flows, job);
	job->done(job->arg, &out);
	mgmt_buf_free(&out);
	free(job->rows);
	free(job);
}

static void page_done(struct app_req *req);

static int
post_page(struct flows_job *job, uint32_t cursor)
{
	struct app_req *req = &job->req;

	req->kind = APP_REQ_FLOWS;
	req->done = page_done;
	req->arg = job;
	req->flows.cursor = cursor;
	req->flows.max = FLOWS_PAGE;
	req->flows.flows = job->page;
	req->flows.n = 0;
	return app_req_post(&job->m->replies, &job->lc->inbox, req);
}

/* Ask the next worker for its first page, or answer when none is left. */
static void
next_worker(struct flows_job *job)
{
	const struct app *app = job->m->app;

	while (job->next_worker < app->n_workers) {
		job->lc = app->workers[job->next_worker++];
		if (!worker_asked(&job->f, job->lc))
			continue;
		if (post_page(job, 0) == 0)
			return;
		job->errors++;
	}
	job_finish(job);
}

/* Keep the page's matching rows. @return true once more rows match than the limit. */
static bool
take_page(struct flows_job *job, const struct app_req_flows *page)
{
	for (uint32_t i = 0; i < page->n; i++) {
		if (!flow_match(&job->f, &page->flows[i]))
			continue;
		if (++job->matched > job->f.limit)
			return true;
		job->rows[job->n].lcore = job->lc->lcore_id;
		job->rows[job->n].fi = page->flows[i];
		job->n++;
	}
	return false;
}

static void
page_done(struct app_req *req)
{
	struct flows_job *job = req->arg;

	if (req->result != 0) {
		if (req->result != -ENOTSUP)
			job->errors++;
		next_worker(job);
		return;
	}
	if (take_page(job, &req->flows)) {
		job_finish(job);
		return;
	}
	if (req->flows.cursor == FP_TCP_CURSOR_END)
		next_worker(job);
	else if (post_page(job, req->flows.cursor) != 0) {
		job->errors++;
		next_worker(job);
	}
}

/* @return 0, or -EINVAL with an error reply in out. */
static int
parse_filter(const struct fp_tlm_req *req, struct flows_filter *f, struct mgmt_buf *out)
{
	struct mgmt_quoted q;
	const char *s;
	int64_t v;
	int rc;

	*f = (struct flows_filter){
			.limit = FLOWS_DEFAULT_LIMIT, .lcore = -1, .port = -1, .state = -1};
	rc = fp_tlm_req_int(req, "limit", &v);
	if (rc == -EINVAL) {
		mgmt_reply_error(out, "limit must be an integer");
		return -EINVAL;
	}
	if (rc == 0 && (v < 0 || v > FLOWS_MAX_LIMIT)) {
		mgmt_reply_errorf(out, "limit must be 0..%d", FLOWS_MAX_LIMIT);
		return -EINVAL;
	}
	if (rc == 0)
		f->limit = (uint32_t)v;
	rc = fp_tlm_req_int(req, "port", &v);
	if (rc == -EINVAL || (rc == 0 && (v < 0 || v > 65535))) {
		mgmt_reply_error(out, "port must be an integer 0..65535");
		return -EINVAL;
	}
	if (rc == 0)
		f->port = v;
	rc = fp_tlm_req_int(req, "lcore", &v);
	if (rc == -EINVAL || (rc == 0 && (v < 0 || v >= RTE_MAX_LCORE))) {
		mgmt_reply_error(out, "lcore must be an integer lcore id");
		return -EINVAL;
	}
	if (rc == 0)
		f->lcore = v;
	s = fp_tlm_req_str(req, "state");
	if (s != NULL) {
		for (int st = 0; st < FP_TCP_STATE_COUNT; st++)
			if (strcasecmp(s, fp_tcp_state_name((enum fp_tcp_state)st)) == 0)
				f->state = st;
		if (f->state < 0) {
			mgmt_reply_errorf(out, "unknown state '%s'", mgmt_quote(&q, s));
			return -EINVAL;
		}
	}
	s = fp_tlm_req_str(req, "remote");
	if (s != NULL) {
		const char *end = s;

		if (fp_text_parse_ip4(&end, &f->remote) != 0 || *end != '\0') {
			mgmt_reply_errorf(out, "remote must be an IPv4 address, not '%s'",
					mgmt_quote(&q, s));
			return -EINVAL;
		}
	}
	return 0;
}

int
mgmt_flows_start(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out,
		mgmt_reply_fn done, void *arg)
{
	const struct app *app = m->app;
	struct flows_job *job;
	struct flows_filter f;

	if (parse_filter(req, &f, out) != 0)
		return -EINVAL;
	job = calloc(1, sizeof(*job));
	if (job != NULL)
		job->rows = calloc(f.limit ? f.limit : 1, sizeof(*job->rows));
	if (job == NULL || job->rows == NULL) {
		free(job);
		mgmt_reply_error(out, "out of memory");
		return -ENOMEM;
	}
	job->m = m;
	job->done = done;
	job->arg = arg;
	job->f = f;
	for (unsigned i = 0; i < app->n_workers; i++)
		if (worker_asked(&f, app->workers[i]))
			job->total += fp_stats_get_flows_open(&app->workers[i]->stats);
	next_worker(job);
	return 0;
}
