/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reference TCP echo server for the "event loop + thread pool" model: one
 * libuv loop thread accepts, reads and writes; each batch of bytes read is a
 * job handed to libuv's thread pool (uv_queue_work), where a pool thread
 * builds the reply (here: copies the request), and comes back to the loop
 * thread (the after-work callback) to be written. Each job therefore crosses
 * threads twice: loop -> pool (mutex + condition variable) and pool -> loop
 * (uv_async_send, an eventfd write). A connection has at most one job in the
 * pool, so echoes stay in order whatever the pool size; bytes read meanwhile
 * wait and form its next job. Run by tools/bench/run.sh as the "threadpool"
 * row. Usage: bench-echo-threadpool ADDR PORT (pool size: UV_THREADPOOL_SIZE,
 * libuv's default 4). On exit it prints how many jobs ran on how many threads.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "echo_uv.h"

/* Stop reading from a peer that does not read its echo once this much is queued. */
#define OUT_HIGH_WATER (1u << 20)
#define READ_BUF       (64u << 10)

struct conn {
	uv_tcp_t tcp;
	uv_work_t work;
	uv_shutdown_t shut;
	char rbuf[READ_BUF]; /**< the loop reads into this; bytes are copied to pending */
	char *pending;       /**< read, not yet in the pool */
	size_t pending_len, pending_cap;
	char *job_in;  /**< the job in the pool: request bytes */
	char *job_out; /**< its reply, built by the pool thread */
	size_t job_len;
	int in_pool; /**< a job is queued or running, or its after-work callback is due */
	int eof;     /**< the peer half-closed: shut down once everything is echoed */
	int closed;  /**< the handle's close callback ran */
};

struct echo_write {
	uv_write_t req;
	uv_buf_t buf;
};

static atomic_ulong jobs;         /* jobs run by pool threads */
static atomic_uint pool_threads;  /* distinct pool threads that ran at least one job */
static _Thread_local int counted; /* this pool thread is in pool_threads */

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

static void
conn_free(struct conn *c)
{
	free(c->pending);
	free(c->job_in);
	free(c->job_out);
	free(c);
}

static void
on_close(uv_handle_t *h)
{
	struct conn *c = h->data;

	c->closed = 1;
	if (!c->in_pool)
		conn_free(c);
}

static void
conn_close(struct conn *c)
{
	if (!uv_is_closing((uv_handle_t *)&c->tcp))
		uv_close((uv_handle_t *)&c->tcp, on_close);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)hint;
	*buf = uv_buf_init(c->rbuf, sizeof(c->rbuf));
}

/* Pool thread: the request's processing. It touches only the job's buffers. */
static void
work_cb(uv_work_t *req)
{
	struct conn *c = req->data;

	if (!counted) {
		counted = 1;
		atomic_fetch_add_explicit(&pool_threads, 1, memory_order_relaxed);
	}
	atomic_fetch_add_explicit(&jobs, 1, memory_order_relaxed);
	c->job_out = malloc(c->job_len);
	if (c->job_out != NULL)
		memcpy(c->job_out, c->job_in, c->job_len);
	free(c->job_in);
	c->job_in = NULL;
}

static void after_work_cb(uv_work_t *req, int status);

static int
over_high_water(const struct conn *c)
{
	return c->pending_len + c->tcp.write_queue_size >= OUT_HIGH_WATER;
}

static void
submit(struct conn *c)
{
	int rc;

	c->job_in = c->pending;
	c->job_len = c->pending_len;
	c->pending = NULL;
	c->pending_len = c->pending_cap = 0;
	c->in_pool = 1;
	rc = uv_queue_work(c->tcp.loop, &c->work, work_cb, after_work_cb);
	if (rc < 0) {
		fprintf(stderr, "uv_queue_work: %s\n", uv_strerror(rc));
		c->in_pool = 0;
		conn_close(c);
	}
}

static void
on_shutdown(uv_shutdown_t *req, int status)
{
	(void)status;
	conn_close(req->data);
}

/* Nothing left to echo after the peer's FIN: send ours (after queued writes). */
static void
maybe_finish(struct conn *c)
{
	if (!c->eof || c->in_pool || c->pending_len > 0 || uv_is_closing((uv_handle_t *)&c->tcp))
		return;
	c->shut.data = c;
	if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, on_shutdown) < 0)
		conn_close(c);
}

static void
on_written(uv_write_t *req, int status)
{
	struct echo_write *w = (struct echo_write *)req;
	uv_stream_t *s = req->handle;
	struct conn *c = s->data;

	free(w->buf.base);
	free(w);
	if (status < 0) {
		conn_close(c);
		return;
	}
	if (!c->eof && !over_high_water(c) && !uv_is_closing((uv_handle_t *)s) &&
			!uv_is_readable(s))
		uv_read_start(s, on_alloc, on_read);
}

/* Loop thread, once the pool thread is done: write the reply, start the next job. */
static void
after_work_cb(uv_work_t *req, int status)
{
	struct conn *c = req->data;
	struct echo_write *w;
	char *out = c->job_out;

	c->in_pool = 0;
	c->job_out = NULL;
	if (c->closed) {
		free(out);
		conn_free(c);
		return;
	}
	if (status < 0 || out == NULL || uv_is_closing((uv_handle_t *)&c->tcp)) {
		free(out);
		conn_close(c);
		return;
	}
	w = malloc(sizeof(*w));
	if (w == NULL) {
		free(out);
		conn_close(c);
		return;
	}
	w->buf = uv_buf_init(out, (unsigned)c->job_len);
	if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &w->buf, 1, on_written) < 0) {
		free(out);
		free(w);
		conn_close(c);
		return;
	}
	if (c->pending_len > 0)
		submit(c);
	maybe_finish(c);
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	(void)buf;
	if (n == UV_EOF) {
		c->eof = 1;
		uv_read_stop(s);
		maybe_finish(c);
		return;
	}
	if (n < 0) {
		conn_close(c);
		return;
	}
	if (n == 0)
		return;
	if (c->pending_len + (size_t)n > c->pending_cap) {
		size_t cap = c->pending_cap ? c->pending_cap : READ_BUF;
		char *p;

		while (cap < c->pending_len + (size_t)n)
			cap *= 2;
		p = realloc(c->pending, cap);
		if (p == NULL) {
			conn_close(c);
			return;
		}
		c->pending = p;
		c->pending_cap = cap;
	}
	memcpy(c->pending + c->pending_len, c->rbuf, (size_t)n);
	c->pending_len += (size_t)n;
	if (!c->in_pool)
		submit(c);
	if (over_high_water(c))
		uv_read_stop(s);
}

static void
on_connection(uv_stream_t *server, int status)
{
	struct conn *c;

	if (status < 0) {
		fprintf(stderr, "accept: %s\n", uv_strerror(status));
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return;
	uv_tcp_init(server->loop, &c->tcp);
	c->tcp.data = c;
	c->work.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
		conn_close(c);
		return;
	}
	/* Small request/response traffic: do not let Nagle hold back echoes. */
	uv_tcp_nodelay(&c->tcp, 1);
	uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

int
main(int argc, char **argv)
{
	const char *pool = getenv("UV_THREADPOOL_SIZE");
	char model[96];
	int rc;

	snprintf(model, sizeof(model), "one loop thread + uv_queue_work pool of %s thread(s)",
			pool ? pool : "4 (default)");
	rc = echo_uv_serve(argc, argv, on_connection, model);
	if (rc == 0)
		printf("jobs handed to the pool: %lu, on %u pool thread(s)\n", atomic_load(&jobs),
				atomic_load(&pool_threads));
	return rc;
}
