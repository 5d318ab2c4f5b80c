/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reference TCP echo server on libevent: the classic single-threaded kernel
 * socket design (evconnlistener + one bufferevent per connection, epoll
 * backend) that users would pick instead of fastpath. Run by tools/bench/run.sh
 * as the "libevent" row, and with --reuseport as each process of the
 * "reuseport-N" rows: N copies bind the same address with SO_REUSEPORT and
 * the kernel spreads new connections over their listeners by 4-tuple hash
 * (nginx's `listen ... reuseport` model). Usage: bench-echo-libevent [--reuseport] ADDR PORT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

/* Stop reading from a peer that does not read its echo once this much is queued. */
#define OUT_HIGH_WATER (1u << 20)

static void
conn_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *out = bufferevent_get_output(bev);

	(void)arg;
	evbuffer_add_buffer(out, bufferevent_get_input(bev));
	if (evbuffer_get_length(out) >= OUT_HIGH_WATER)
		bufferevent_disable(bev, EV_READ);
}

static void
conn_write(struct bufferevent *bev, void *arg)
{
	(void)arg;
	/* Called once the output drained to its low watermark (0): resume reading. */
	bufferevent_enable(bev, EV_READ);
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		bufferevent_free(bev);
}

static void
on_accept(struct evconnlistener *lst, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg)
{
	struct event_base *base = evconnlistener_get_base(lst);
	struct bufferevent *bev;
	int one = 1;

	(void)sa;
	(void)salen;
	(void)arg;
	/* Small request/response traffic: do not let Nagle hold back echoes. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		evutil_closesocket(fd);
		return;
	}
	bufferevent_setcb(bev, conn_read, conn_write, conn_event, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct event_base *base;
	struct evconnlistener *lst;
	struct event *sigint, *sigterm;
	unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE;
	int rc = 1, a = 1;

	if (argc > 1 && strcmp(argv[1], "--reuseport") == 0) {
		flags |= LEV_OPT_REUSEABLE_PORT;
		a++;
	}
	if (argc - a != 2 || inet_pton(AF_INET, argv[a], &sin.sin_addr) != 1) {
		fprintf(stderr, "usage: %s [--reuseport] ADDR PORT\n", argv[0]);
		return 2;
	}
	sin.sin_port = htons((uint16_t)atoi(argv[a + 1]));
	/* A peer that resets while we write must not kill the server. */
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (base == NULL) {
		fprintf(stderr, "event_base_new failed\n");
		return 1;
	}
	lst = evconnlistener_new_bind(
			base, on_accept, NULL, flags, 1024, (struct sockaddr *)&sin, sizeof(sin));
	if (lst == NULL) {
		perror("listen");
		goto out_base;
	}
	sigint = evsignal_new(base, SIGINT, on_signal, base);
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	printf("libevent %s echo on %s:%s (%s%s), pid %d\n", event_get_version(), argv[a],
			argv[a + 1], event_base_get_method(base),
			flags & LEV_OPT_REUSEABLE_PORT ? ", SO_REUSEPORT" : "", (int)getpid());
	fflush(stdout);
	rc = event_base_dispatch(base) < 0;
	event_free(sigint);
	event_free(sigterm);
	evconnlistener_free(lst);
out_base:
	event_base_free(base);
	return rc;
}
