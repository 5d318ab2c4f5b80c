/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reference TCP echo server on libuv: the classic single-threaded kernel
 * socket design (one uv_loop on epoll, uv_read_start + uv_write per read, as
 * in libuv's own echo-server example). Run by tools/bench/run.sh as the
 * "libuv" row. Usage: bench-echo-libuv ADDR PORT
 */
#include <stdio.h>
#include <stdlib.h>

#include <uv.h>

#include "echo_uv.h"

/* Stop reading from a peer that does not read its echo once this much is queued. */
#define OUT_HIGH_WATER (1u << 20)

struct echo_write {
	uv_write_t req;
	uv_buf_t buf;
};

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	(void)h;
	buf->base = malloc(hint);
	buf->len = buf->base ? hint : 0;
}

static void
on_close(uv_handle_t *h)
{
	free(h);
}

static void
on_written(uv_write_t *req, int status)
{
	struct echo_write *w = (struct echo_write *)req;
	uv_stream_t *s = req->handle;

	free(w->buf.base);
	free(w);
	if (status < 0) {
		if (!uv_is_closing((uv_handle_t *)s))
			uv_close((uv_handle_t *)s, on_close);
		return;
	}
	if (s->write_queue_size < OUT_HIGH_WATER && !uv_is_closing((uv_handle_t *)s) &&
			!uv_is_readable(s))
		uv_read_start(s, on_alloc, on_read);
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct echo_write *w;
	int rc;

	if (n <= 0) {
		free(buf->base);
		if (n < 0 && !uv_is_closing((uv_handle_t *)s))
			uv_close((uv_handle_t *)s, on_close);
		return;
	}
	w = malloc(sizeof(*w));
	if (w == NULL) {
		free(buf->base);
		uv_close((uv_handle_t *)s, on_close);
		return;
	}
	w->buf = uv_buf_init(buf->base, (unsigned)n);
	rc = uv_write(&w->req, s, &w->buf, 1, on_written);
	if (rc < 0) {
		free(buf->base);
		free(w);
		uv_close((uv_handle_t *)s, on_close);
		return;
	}
	if (s->write_queue_size >= OUT_HIGH_WATER)
		uv_read_stop(s);
}

static void
on_connection(uv_stream_t *server, int status)
{
	uv_tcp_t *c;

	if (status < 0) {
		fprintf(stderr, "accept: %s\n", uv_strerror(status));
		return;
	}
	c = malloc(sizeof(*c));
	if (c == NULL)
		return;
	uv_tcp_init(server->loop, c);
	if (uv_accept(server, (uv_stream_t *)c) != 0) {
		uv_close((uv_handle_t *)c, on_close);
		return;
	}
	/* Small request/response traffic: do not let Nagle hold back echoes. */
	uv_tcp_nodelay(c, 1);
	uv_read_start((uv_stream_t *)c, on_alloc, on_read);
}

int
main(int argc, char **argv)
{
	return echo_uv_serve(argc, argv, on_connection, "epoll");
}
