/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libuv reference echo servers' common main loop: see echo_uv.h.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "echo_uv.h"

static void
on_signal(uv_signal_t *h, int sig)
{
	(void)sig;
	uv_stop(h->loop);
}

int
echo_uv_serve(int argc, char **argv, uv_connection_cb on_connection, const char *model)
{
	uv_loop_t *loop = uv_default_loop();
	struct sockaddr_in sin;
	uv_signal_t sigint, sigterm;
	uv_tcp_t server;
	int rc;

	if (argc != 3 || uv_ip4_addr(argv[1], atoi(argv[2]), &sin) != 0) {
		fprintf(stderr, "usage: %s ADDR PORT\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	uv_tcp_init(loop, &server);
	rc = uv_tcp_bind(&server, (const struct sockaddr *)&sin, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&server, 1024, on_connection);
	if (rc != 0) {
		fprintf(stderr, "listen %s:%s: %s\n", argv[1], argv[2], uv_strerror(rc));
		return 1;
	}
	uv_signal_init(loop, &sigint);
	uv_signal_init(loop, &sigterm);
	uv_signal_start(&sigint, on_signal, SIGINT);
	uv_signal_start(&sigterm, on_signal, SIGTERM);
	printf("libuv %s echo on %s:%s (%s)\n", uv_version_string(), argv[1], argv[2], model);
	fflush(stdout);
	uv_run(loop, UV_RUN_DEFAULT);
	return 0;
}
