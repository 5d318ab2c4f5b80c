/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The metrics endpoint's HTTP side (app/metrics.h): libmicrohttpd parses
 * HTTP, this file drives it from the management loop and bounds what a
 * client can cost. The daemon runs in external-epoll mode (MHD_USE_EPOLL, no
 * internal thread): a uv_poll on MHD's epoll descriptor and a uv_timer armed
 * from MHD_get_timeout() both call MHD_run(), so every callback below runs on
 * the management thread.
 *
 * Bounds: at most METRICS_MAX_CONNS connections, METRICS_MAX_PER_IP from one
 * address, METRICS_CONN_MEM bytes of request line and headers per connection
 * (MHD answers 431 or 414 beyond), METRICS_IDLE_S of silence. MHD's timeout
 * is an idle timeout, which a client trickling one byte a second never
 * trips, so a sweep timer also closes any connection that has not completed
 * a request within METRICS_REQUEST_MS of opening or of its previous request.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_common.h>

#include "fp/text.h"

#include "log.h"
#include "metrics.h"
#include "mgmt_int.h"

#ifdef FP_HAVE_METRICS

#include <microhttpd.h>

#define METRICS_MAX_CONNS  16          /**< concurrent HTTP connections */
#define METRICS_MAX_PER_IP 8           /**< of those, from one client address */
#define METRICS_CONN_MEM   (16 * 1024) /**< per-connection memory: request line + headers */
#define METRICS_IDLE_S     5           /**< MHD closes a connection silent this long */
#define METRICS_REQUEST_MS 5000        /**< time to complete each request, see above */
#define METRICS_SWEEP_MS   500         /**< how often the deadline is checked */
#define METRICS_BACKLOG    16          /**< listen(2) backlog */

/** One open HTTP connection, for the request deadline. */
struct metrics_conn {
	int fd;         /**< the connection's socket, -1 = slot free */
	uint64_t since; /**< uv_now() of the accept or of the last completed request */
	bool cut;       /**< shut down for the deadline; MHD will close it */
};

struct metrics {
	struct mgmt *m;
	struct MHD_Daemon *daemon;
	uv_poll_t poll;         /**< on MHD's epoll descriptor */
	uv_timer_t mhd_timer;   /**< MHD_get_timeout() */
	uv_timer_t sweep_timer; /**< request deadline */
	char where[32];         /**< "a.b.c.d:port", for logs */
	/* MHD refuses connections past its limit before notify_conn(): this never overflows */
	struct metrics_conn conns[METRICS_MAX_CONNS];
	struct metrics_counters st;
	int open_handles; /**< handles not closed yet; freed at 0 */
};

static void run_mhd(struct metrics *mt);

/* libmicrohttpd's messages are about clients (limits, bad requests): debug level. */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	METRICS_LOG(DEBUG, "libmicrohttpd: %s", msg);
}

static void
notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
		enum MHD_ConnectionNotificationCode toe)
{
	struct metrics *mt = cls;
	struct metrics_conn *slot = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (slot != NULL)
			slot->fd = -1;
		mt->st.connections--;
		return;
	}
	mt->st.connections++;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

	for (size_t i = 0; i < RTE_DIM(mt->conns); i++) {
		if (mt->conns[i].fd >= 0)
			continue;
		mt->conns[i].fd = ci != NULL ? ci->connect_fd : -1;
		mt->conns[i].since = uv_now(&mt->m->loop);
		mt->conns[i].cut = false;
		*socket_context = &mt->conns[i];
		return;
	}
	/* cannot happen (see conns[]); an untracked connection would have no deadline */
	if (ci != NULL)
		shutdown(ci->connect_fd, SHUT_RDWR);
}

/* A request is done: the deadline starts again for the next one on this connection. */
static void
request_done(void *cls, struct MHD_Connection *c, void **con_cls,
		enum MHD_RequestTerminationCode toe)
{
	struct metrics *mt = cls;
	const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct metrics_conn *slot = ci != NULL ? ci->socket_context : NULL;

	(void)con_cls;
	if (slot != NULL && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		slot->since = uv_now(&mt->m->loop);
}

static enum MHD_Result
respond_text(struct MHD_Connection *c, unsigned code, const char *text, const char *allow)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
			strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	rc = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
respond_page(struct metrics *mt, struct MHD_Connection *c)
{
	const char *accept =
			MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	enum fp_prom_format fmt = fp_prom_negotiate(accept);
	struct MHD_Response *r;
	enum MHD_Result rc;
	char *page;
	size_t len;

	/* counted first, so the page it is on includes it */
	mt->st.scrapes++;
	if (metrics_page_build(mt->m, fmt, &mt->st, &page, &len) != 0) {
		mt->st.scrapes--;
		mt->st.failed++;
		return respond_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "page too large\n", NULL);
	}
	r = MHD_create_response_from_buffer(len, page, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(page);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, fp_prom_content_type(fmt));
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

/* Content-Length above 0 or any Transfer-Encoding: the request carries a body. */
static bool
has_body(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(
			c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

	if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
		return true;
	return cl != NULL && strspn(cl, "0 \t") != strlen(cl);
}

/*
 * The access handler. MHD calls it once the headers are in, then once per
 * piece of body, then once more with no data; a response can only be queued
 * on the first or the last call. What is refused is refused on the first
 * call (MHD then closes the connection rather than read on); a page goes out
 * on the last, which lets MHD keep the connection alive. Nothing here takes
 * a body: a request with one is answered 413.
 */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
		const char *version, const char *upload_data, size_t *upload_data_size,
		void **con_cls)
{
	static int seen, had_body; /* *con_cls after the first call */
	struct metrics *mt = cls;
	bool page = strcmp(url, "/metrics") == 0;

	(void)version;
	(void)upload_data;
	if (*con_cls == NULL) {
		if (!page && strcmp(url, "/") != 0) {
			mt->st.not_found++;
			return respond_text(c, MHD_HTTP_NOT_FOUND,
					"not found: the metrics are at /metrics\n", NULL);
		}
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
				strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
			mt->st.bad_method++;
			return respond_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n",
					"GET, HEAD");
		}
		if (has_body(c)) {
			mt->st.body_refused++;
			return respond_text(c, MHD_HTTP_CONTENT_TOO_LARGE,
					"no request body expected\n", NULL);
		}
		*con_cls = &seen;
		return MHD_YES;
	}
	if (*upload_data_size != 0) { /* not announced in the headers: drop it */
		*upload_data_size = 0;
		*con_cls = &had_body;
		return MHD_YES;
	}
	if (*con_cls == &had_body) {
		mt->st.body_refused++;
		return respond_text(
				c, MHD_HTTP_CONTENT_TOO_LARGE, "no request body expected\n", NULL);
	}
	if (!page)
		return respond_text(c, MHD_HTTP_OK, "fastpath: metrics at /metrics\n", NULL);
	return respond_page(mt, c);
}

/* ---------------------------------------------------------- loop glue */

static void
mhd_timer_cb(uv_timer_t *t)
{
	run_mhd(t->data);
}

static void
poll_cb(uv_poll_t *p, int status, int events)
{
	(void)status;
	(void)events;
	run_mhd(p->data);
}

/*
 * Let MHD do what is ready, then sleep until its next deadline. At the
 * connection limit MHD takes its listening socket out of its epoll set, and
 * puts it back only at the start of a later MHD_run(): when connections
 * closed during this one, run again, or nothing would ever accept again.
 */
static void
run_mhd(struct metrics *mt)
{
	MHD_UNSIGNED_LONG_LONG to;
	bool was_full;

	if (mt->daemon == NULL)
		return;
	was_full = mt->st.connections >= METRICS_MAX_CONNS;
	MHD_run(mt->daemon);
	if (was_full && mt->st.connections < METRICS_MAX_CONNS)
		MHD_run(mt->daemon);
	if (MHD_get_timeout(mt->daemon, &to) == MHD_YES)
		uv_timer_start(&mt->mhd_timer, mhd_timer_cb, to, 0);
	else
		uv_timer_stop(&mt->mhd_timer);
}

/*
 * Close connections past their request deadline. shutdown(), not close():
 * the socket stays MHD's, which sees end-of-file and closes it itself.
 */
static void
sweep_cb(uv_timer_t *t)
{
	struct metrics *mt = t->data;
	uint64_t now = uv_now(&mt->m->loop);
	bool any = false;

	for (size_t i = 0; i < RTE_DIM(mt->conns); i++) {
		struct metrics_conn *c = &mt->conns[i];

		if (c->fd < 0 || c->cut || now - c->since < METRICS_REQUEST_MS)
			continue;
		shutdown(c->fd, SHUT_RDWR);
		c->cut = true;
		mt->st.deadline_closed++;
		any = true;
	}
	if (any)
		run_mhd(mt);
}

/* Our own listening socket, so that a bind failure has a clear message. */
static int
listen_socket(const struct fp_cfg_metrics *cfg, const char *where)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int one = 1, fd, err;

	sa.sin_addr.s_addr = htonl(cfg->ip4);
	sa.sin_port = htons(cfg->port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		METRICS_LOG(ERR, "socket: %s", strerror(err));
		return -err;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
			bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
			listen(fd, METRICS_BACKLOG) != 0) {
		err = errno;
		METRICS_LOG(ERR, "cannot listen on %s: %s", where, strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

int
metrics_start(struct mgmt *m)
{
	const struct fp_cfg_metrics *cfg = &m->app->cfg.metrics;
	const union MHD_DaemonInfo *di;
	char ip[FP_IP4_STR_LEN];
	struct metrics *mt;
	int fd, rc;

	if (cfg->port == 0)
		return 0;
	mt = calloc(1, sizeof(*mt));
	if (mt == NULL)
		return -ENOMEM;
	mt->m = m;
	for (size_t i = 0; i < RTE_DIM(mt->conns); i++)
		mt->conns[i].fd = -1;
	snprintf(mt->where, sizeof(mt->where), "%s:%u", fp_text_format_ip4(cfg->ip4, ip),
			cfg->port);
	fd = listen_socket(cfg, mt->where);
	if (fd < 0) {
		rc = fd;
		goto out_free;
	}
	/* no internal thread: MHD_run() from our loop; the logger must come first */
	/* clang-format off */
	mt->daemon = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
			on_request, mt,
			MHD_OPTION_EXTERNAL_LOGGER, mhd_log, mt,
			MHD_OPTION_LISTEN_SOCKET, fd,
			MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_MAX_CONNS,
			MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)METRICS_MAX_PER_IP,
			MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_IDLE_S,
			MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_CONN_MEM,
			MHD_OPTION_NOTIFY_CONNECTION, notify_conn, mt,
			MHD_OPTION_NOTIFY_COMPLETED, request_done, mt,
			/* mgmt_start() ignores SIGPIPE process-wide */
			MHD_OPTION_SIGPIPE_HANDLED_BY_APP, 1,
			MHD_OPTION_END);
	/* clang-format on */
	if (mt->daemon == NULL) {
		METRICS_LOG(ERR, "libmicrohttpd did not start on %s", mt->where);
		close(fd);
		rc = -EINVAL;
		goto out_free;
	}
	di = MHD_get_daemon_info(mt->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	rc = di != NULL ? uv_poll_init(&m->loop, &mt->poll, di->epoll_fd) : UV_EINVAL;
	if (rc != 0) {
		METRICS_LOG(ERR, "cannot watch libmicrohttpd's epoll descriptor: %s",
				uv_strerror(rc));
		goto out_stop_daemon;
	}
	mt->poll.data = mt;
	uv_timer_init(&m->loop, &mt->mhd_timer);
	uv_timer_init(&m->loop, &mt->sweep_timer);
	mt->mhd_timer.data = mt->sweep_timer.data = mt;
	uv_poll_start(&mt->poll, UV_READABLE, poll_cb);
	uv_timer_start(&mt->sweep_timer, sweep_cb, METRICS_SWEEP_MS, METRICS_SWEEP_MS);
	mt->open_handles = 3;
	run_mhd(mt);
	m->metrics = mt;
	METRICS_LOG(INFO, "serving http://%s/metrics", mt->where);
	return 0;

out_stop_daemon:
	MHD_stop_daemon(mt->daemon);
out_free:
	free(mt);
	return rc;
}

/* MHD_stop_daemon() has run; the last handle to close frees the endpoint. */
static void
handle_closed_cb(uv_handle_t *h)
{
	struct metrics *mt = h->data;

	if (--mt->open_handles == 0)
		free(mt);
}

void
metrics_stop(struct mgmt *m)
{
	struct metrics *mt = m->metrics;

	if (mt == NULL)
		return;
	/* stop watching the epoll descriptor before MHD closes it */
	uv_close((uv_handle_t *)&mt->poll, handle_closed_cb);
	uv_close((uv_handle_t *)&mt->mhd_timer, handle_closed_cb);
	uv_close((uv_handle_t *)&mt->sweep_timer, handle_closed_cb);
	/* its connection callbacks still run here, on mt */
	MHD_stop_daemon(mt->daemon);
	mt->daemon = NULL;
	m->metrics = NULL;
}

#else /* !FP_HAVE_METRICS */

int
metrics_start(struct mgmt *m)
{
	if (m->app->cfg.metrics.port != 0) {
		METRICS_LOG(ERR, "[metrics] listen is set but this build has no libmicrohttpd");
		return -ENOTSUP;
	}
	return 0;
}

void
metrics_stop(struct mgmt *m)
{
	(void)m;
}

#endif /* FP_HAVE_METRICS */
