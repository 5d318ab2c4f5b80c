/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Management plane hooks called by main.c. mgmt_start() runs on the main
 * lcore after the ports are up and the workers are launched; it returns
 * promptly, having started its own thread. mgmt_stop() runs after the
 * workers stopped, before the ports are closed, and joins that thread.
 */
#ifndef APP_MGMT_H
#define APP_MGMT_H

struct app;
struct mgmt;

/**
 * Start the management thread: socket, MQTT, telemetry, and the drain on a
 * first SIGINT/SIGTERM.
 * @param out  the management plane, for mgmt_stop()
 * @return 0, or a negative errno (the app then exits 1; *out is NULL)
 */
int mgmt_start(struct app *app, struct mgmt **out);

/** Stop and join the management thread and free it. NULL is a no-op. */
void mgmt_stop(struct mgmt *m);

#endif /* APP_MGMT_H */
