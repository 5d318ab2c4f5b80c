/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the libuv reference echo servers (echo_libuv.c, echo_threadpool.c)
 * share: their command line, the listening socket and the run until
 * SIGINT/SIGTERM. Each server brings its own connection callback.
 */
#ifndef FP_BENCH_ECHO_UV_H
#define FP_BENCH_ECHO_UV_H

#include <uv.h>

/**
 * Listen on ADDR PORT (argv[1], argv[2]) on the default loop, print
 * "libuv VERSION echo on ADDR:PORT (model)" and run the loop until SIGINT or
 * SIGTERM. SIGPIPE is ignored: a peer that resets while we write must not
 * kill the server.
 * @param model  what the banner says about the server's threading
 * @return 0 after a signal, 1 if the socket could not listen, 2 on bad arguments
 */
int echo_uv_serve(int argc, char **argv, uv_connection_cb on_connection, const char *model);

#endif
