/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Load client for tools/bench/run.sh: drives any TCP echo server with one
 * epoll loop over non-blocking sockets and checks every echoed byte.
 *   pingpong  each connection sends a message, waits for the whole echo, repeats
 *             (requests/s and latency percentiles from per-request timestamps)
 *   bulk      each connection streams a pattern and verifies the echo (MB/s)
 *   churn     connect, send one message, verify its echo, close (connections/s)
 * Prints one JSON object or one table line per run; exits 1 on any error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAT_PERIOD 251u /* prime: a shifted or reordered stream never matches */
#define PAT_LEN    (PAT_PERIOD + (256u << 10))
#define BULK_CHUNK (64u << 10)   /* bytes per write() in bulk mode */
#define STALL_NS   1000000000ull /* a request outstanding this long at the end is an error */
#define MAX_MSG    65536u

enum mode {
	MODE_PINGPONG,
	MODE_BULK,
	MODE_CHURN
};
static const char *const mode_names[] = {"pingpong", "bulk", "churn"};

enum conn_state {
	C_IDLE,
	C_CONNECTING,
	C_ACTIVE
};

struct conn {
	int fd;
	enum conn_state state;
	uint32_t id;
	uint64_t tx_off;  /**< stream bytes written */
	uint64_t rx_off;  /**< stream bytes received and verified */
	uint64_t msg_end; /**< pingpong/churn: stream offset where the current message ends */
	uint64_t t_start; /**< ns: current request sent (pingpong) or connect started (churn) */
	uint32_t events;  /**< epoll events currently registered */
};

struct opts {
	struct sockaddr_in dst;
	enum mode mode;
	unsigned conns;
	unsigned size;
	double seconds;
	double warmup;
	unsigned window;
	int json;
	const char *label;
};

static uint8_t pattern[PAT_LEN];

struct lat {
	uint32_t *v; /**< ns, saturated at UINT32_MAX */
	size_t n, cap;
};

struct run {
	struct opts o;
	int ep;
	struct conn *c;
	int measuring;  /**< past the warm-up: results count */
	uint64_t ops;   /**< requests (pingpong), connections (churn) completed */
	uint64_t bytes; /**< echoed bytes verified while measuring */
	uint64_t errors;
	double cpu0;      /**< s of CPU (user + sys) used when measuring started */
	double cpu_share; /**< CPU used while measuring / elapsed: 1.0 = client-bound */
	char first_err[160];
	struct lat lat;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void
error(struct run *r, const struct conn *c, const char *what, int err)
{
	r->errors++;
	if (r->first_err[0] == '\0')
		snprintf(r->first_err, sizeof(r->first_err), "conn %u: %s%s%s", c ? c->id : 0, what,
				err ? ": " : "", err ? strerror(err) : "");
}

static const uint8_t *
pat_at(const struct conn *c, uint64_t off)
{
	return pattern + (off + (uint64_t)c->id * 17u) % PAT_PERIOD;
}

static void
lat_add(struct lat *l, uint64_t ns)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1u << 16;
		uint32_t *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return; /* keep the samples we have */
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static double
lat_pct_us(const struct lat *l, double p)
{
	size_t i;

	if (l->n == 0)
		return 0;
	i = (size_t)(p / 100.0 * (double)l->n);
	if (i >= l->n)
		i = l->n - 1;
	return l->v[i] / 1000.0;
}

static void
set_events(struct run *r, struct conn *c, uint32_t ev)
{
	struct epoll_event e = {.events = ev, .data.ptr = c};

	if (c->events == ev)
		return;
	if (epoll_ctl(r->ep, c->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &e) == 0)
		c->events = ev;
	else
		error(r, c, "epoll_ctl", errno);
}

static void
conn_close(struct run *r, struct conn *c)
{
	(void)r;
	if (c->fd >= 0)
		close(c->fd); /* also leaves the epoll set */
	c->fd = -1;
	c->events = 0;
	c->state = C_IDLE;
}

static int
conn_open(struct run *r, struct conn *c)
{
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (c->fd < 0) {
		error(r, c, "socket", errno);
		return -1;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->tx_off = c->rx_off = c->msg_end = 0;
	c->t_start = now_ns();
	if (connect(c->fd, (const struct sockaddr *)&r->o.dst, sizeof(r->o.dst)) < 0 &&
			errno != EINPROGRESS) {
		error(r, c, "connect", errno);
		conn_close(r, c);
		return -1;
	}
	c->state = C_CONNECTING;
	set_events(r, c, EPOLLOUT);
	return 0;
}

/* Write stream bytes [tx_off, limit). @return 0, or -1 on a socket error. */
static int
conn_write(struct run *r, struct conn *c, uint64_t limit)
{
	while (c->tx_off < limit) {
		size_t n = limit - c->tx_off;
		ssize_t w;

		if (n > BULK_CHUNK)
			n = BULK_CHUNK;
		w = send(c->fd, pat_at(c, c->tx_off), n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN)
				break;
			error(r, c, "send", errno);
			return -1;
		}
		c->tx_off += (uint64_t)w;
	}
	return 0;
}

/* Start the next message (pingpong, churn) on an established connection. */
static int
msg_start(struct run *r, struct conn *c)
{
	c->msg_end = c->tx_off + r->o.size;
	if (r->o.mode == MODE_PINGPONG)
		c->t_start = now_ns();
	return conn_write(r, c, c->msg_end);
}

static void
want_events(struct run *r, struct conn *c)
{
	uint32_t ev = EPOLLIN;

	if (r->o.mode == MODE_BULK ? c->tx_off - c->rx_off < r->o.window : c->tx_off < c->msg_end)
		ev |= EPOLLOUT;
	set_events(r, c, ev);
}

/* A whole message came back: account for it and start the next one. */
static int
msg_done(struct run *r, struct conn *c)
{
	uint64_t t = now_ns();

	if (r->measuring) {
		r->ops++;
		lat_add(&r->lat, t - c->t_start);
	}
	if (r->o.mode == MODE_CHURN) {
		conn_close(r, c);
		return conn_open(r, c);
	}
	return msg_start(r, c);
}

/* Read and verify everything available. @return 0, or -1 when the connection failed. */
static int
conn_read(struct run *r, struct conn *c)
{
	uint8_t buf[BULK_CHUNK];

	for (;;) {
		size_t want = sizeof(buf);
		ssize_t n;

		if (r->o.mode != MODE_BULK && c->msg_end - c->rx_off < want)
			want = c->msg_end - c->rx_off;
		if (want == 0)
			want = 1; /* anything beyond the message is an error, read it to say so */
		n = recv(c->fd, buf, want, 0);
		if (n < 0) {
			if (errno == EAGAIN)
				return 0;
			error(r, c, "recv", errno);
			return -1;
		}
		if (n == 0) {
			error(r, c, "server closed the connection", 0);
			return -1;
		}
		if (c->rx_off + (uint64_t)n > c->tx_off) {
			error(r, c, "received more bytes than were sent", 0);
			return -1;
		}
		if (memcmp(buf, pat_at(c, c->rx_off), (size_t)n) != 0) {
			error(r, c, "echoed bytes differ from the bytes sent", 0);
			return -1;
		}
		c->rx_off += (uint64_t)n;
		if (r->measuring)
			r->bytes += (uint64_t)n;
		if (r->o.mode != MODE_BULK && c->rx_off == c->msg_end) {
			if (msg_done(r, c) < 0)
				return -1;
			if (c->state != C_ACTIVE)
				return 0; /* churn: a new connection is on its way */
		}
	}
}

static void
conn_event(struct run *r, struct conn *c, uint32_t ev)
{
	if (c->state == C_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			error(r, c, "connect", err);
			goto fail;
		}
		c->state = C_ACTIVE;
		if (r->o.mode != MODE_BULK && msg_start(r, c) < 0)
			goto fail;
		want_events(r, c);
		if (r->o.mode != MODE_BULK)
			return;
		ev = EPOLLOUT;
	}
	if ((ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) && conn_read(r, c) < 0)
		goto fail;
	if (c->state != C_ACTIVE)
		return;
	if (r->o.mode == MODE_BULK) {
		if (conn_write(r, c, c->rx_off + r->o.window) < 0)
			goto fail;
	} else if (conn_write(r, c, c->msg_end) < 0) {
		goto fail;
	}
	want_events(r, c);
	return;
fail:
	conn_close(r, c);
	/* Churn keeps going on a fresh connection; the error is already counted. */
	if (r->o.mode == MODE_CHURN)
		conn_open(r, c);
}

static void
usage(const char *prog)
{
	fprintf(stderr,
			"usage: %s --host A.B.C.D [--port 7] [--mode pingpong|bulk|churn]\n"
			"          [--conns N] [--size BYTES] [--seconds S] [--warmup S]\n"
			"          [--window BYTES] [--json] [--label NAME]\n",
			prog);
	exit(2);
}

static void
parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
			{"host", required_argument, NULL, 'h'},
			{"port", required_argument, NULL, 'p'},
			{"mode", required_argument, NULL, 'm'},
			{"conns", required_argument, NULL, 'c'},
			{"size", required_argument, NULL, 's'},
			{"seconds", required_argument, NULL, 't'},
			{"warmup", required_argument, NULL, 'w'},
			{"window", required_argument, NULL, 'W'},
			{"json", no_argument, NULL, 'j'},
			{"label", required_argument, NULL, 'l'},
			{NULL, 0, NULL, 0},
	};
	int ch, have_host = 0;

	*o = (struct opts){.mode = MODE_PINGPONG,
			.conns = 1,
			.size = 64,
			.seconds = 3,
			.warmup = -1,
			.window = 256u << 10,
			.label = "-"};
	o->dst.sin_family = AF_INET;
	o->dst.sin_port = htons(7);
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'h':
			if (inet_pton(AF_INET, optarg, &o->dst.sin_addr) != 1)
				usage(argv[0]);
			have_host = 1;
			break;
		case 'p':
			o->dst.sin_port = htons((uint16_t)atoi(optarg));
			break;
		case 'm':
			for (o->mode = 0; o->mode <= MODE_CHURN; o->mode++)
				if (strcmp(optarg, mode_names[o->mode]) == 0)
					break;
			if (o->mode > MODE_CHURN)
				usage(argv[0]);
			break;
		case 'c':
			o->conns = (unsigned)atoi(optarg);
			break;
		case 's':
			o->size = (unsigned)atoi(optarg);
			break;
		case 't':
			o->seconds = atof(optarg);
			break;
		case 'w':
			o->warmup = atof(optarg);
			break;
		case 'W':
			o->window = (unsigned)atoi(optarg);
			break;
		case 'j':
			o->json = 1;
			break;
		case 'l':
			o->label = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!have_host || o->conns == 0 || o->conns > 100000 || o->size == 0 || o->size > MAX_MSG ||
			o->seconds <= 0 || o->window < 1024)
		usage(argv[0]);
	if (o->warmup < 0)
		o->warmup = o->seconds / 10 < 0.5 ? o->seconds / 10 : 0.5;
}

static void
report(const struct run *r, double secs)
{
	const struct opts *o = &r->o;
	double rate = secs > 0 ? (double)r->ops / secs : 0;
	double mbs = secs > 0 ? (double)r->bytes / secs / 1e6 : 0;
	double p50 = lat_pct_us(&r->lat, 50), p99 = lat_pct_us(&r->lat, 99);
	double p999 = lat_pct_us(&r->lat, 99.9);

	if (o->json) {
		printf("{\"label\":\"%s\",\"mode\":\"%s\",\"conns\":%u,\"size\":%u,"
		       "\"seconds\":%.3f,\"ops\":%llu,\"rate\":%.1f,\"mbps\":%.2f,"
		       "\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"client_cpu\":%.3f,"
		       "\"errors\":%llu,\"first_error\":\"%s\"}\n",
				o->label, mode_names[o->mode], o->conns, o->size, secs,
				(unsigned long long)r->ops, rate, mbs, p50, p99, p999, r->cpu_share,
				(unsigned long long)r->errors, r->first_err);
	} else {
		printf("%-12s %-8s conns=%-4u %10.0f %s/s %9.2f MB/s  p50 %7.1f us  p99 %7.1f us  "
		       "p99.9 %7.1f us  errors %llu%s%s\n",
				o->label, mode_names[o->mode], o->conns,
				o->mode == MODE_BULK ? mbs : rate,
				o->mode == MODE_CHURN                ? "conn" :
						o->mode == MODE_BULK ? "MB" :
								       "req",
				mbs, p50, p99, p999, (unsigned long long)r->errors,
				r->errors ? " first: " : "", r->first_err);
	}
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct epoll_event evs[256];
	struct run r = {0};
	uint64_t t0, t_meas, t_end, t;
	unsigned i, up = 0;

	parse_opts(&r.o, argc, argv);
	for (i = 0; i < PAT_LEN; i++)
		pattern[i] = (uint8_t)(i % PAT_PERIOD);
	r.ep = epoll_create1(EPOLL_CLOEXEC);
	r.c = calloc(r.o.conns, sizeof(*r.c));
	if (r.ep < 0 || r.c == NULL) {
		perror("setup");
		return 1;
	}
	for (i = 0; i < r.o.conns; i++) {
		r.c[i].id = i;
		r.c[i].fd = -1;
		if (conn_open(&r, &r.c[i]) < 0)
			goto out;
	}
	/* Pingpong and bulk measure established connections: connect them all first. */
	t0 = now_ns();
	while (r.o.mode != MODE_CHURN && up < r.o.conns && r.errors == 0) {
		int n = epoll_wait(r.ep, evs, 256, 100);

		for (int k = 0; k < n; k++)
			conn_event(&r, evs[k].data.ptr, evs[k].events);
		for (i = 0, up = 0; i < r.o.conns; i++)
			up += r.c[i].state == C_ACTIVE;
		if (now_ns() - t0 > 5000000000ull) {
			error(&r, NULL, "connections not established within 5 s", 0);
			goto out;
		}
	}
	t0 = now_ns();
	t_meas = t0 + (uint64_t)(r.o.warmup * 1e9);
	t_end = t_meas + (uint64_t)(r.o.seconds * 1e9);
	for (;;) {
		int n = epoll_wait(r.ep, evs, 256, 10);

		if (n < 0 && errno != EINTR) {
			error(&r, NULL, "epoll_wait", errno);
			break;
		}
		for (int k = 0; k < n; k++)
			conn_event(&r, evs[k].data.ptr, evs[k].events);
		t = now_ns();
		if (!r.measuring && t >= t_meas) {
			r.measuring = 1;
			r.cpu0 = cpu_s();
			t_meas = t;
			t_end = t + (uint64_t)(r.o.seconds * 1e9);
		}
		if (t >= t_end)
			break;
	}
	t = now_ns();
	if (r.measuring && t > t_meas)
		r.cpu_share = (cpu_s() - r.cpu0) / ((double)(t - t_meas) / 1e9);
	/* A request still unanswered after a long time means a lost or stuck echo. */
	for (i = 0; i < r.o.conns; i++) {
		struct conn *c = &r.c[i];

		if (r.o.mode != MODE_BULK && c->state != C_IDLE && t - c->t_start > STALL_NS)
			error(&r, c, "request unanswered for over 1 s", 0);
		if (r.o.mode == MODE_BULK && c->state == C_ACTIVE && c->rx_off == 0)
			error(&r, c, "no echo received", 0);
	}
	if (r.ops == 0 && r.bytes == 0)
		error(&r, NULL, "nothing completed", 0);
	/* Bulk mode has no samples, and qsort's array must not be NULL even for 0. */
	if (r.lat.n > 0)
		qsort(r.lat.v, r.lat.n, sizeof(*r.lat.v), cmp_u32);
	report(&r, (double)(t - t_meas) / 1e9);
out:
	if (r.errors && !r.measuring)
		report(&r, 0);
	for (i = 0; i < r.o.conns; i++)
		conn_close(&r, &r.c[i]);
	free(r.c);
	free(r.lat.v);
	close(r.ep);
	return r.errors ? 1 : 0;
}
