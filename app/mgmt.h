/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Management plane hooks called by main.c (the management engineer owns this
 * file and extends it). mgmt_start() runs on the main lcore after the ports
 * are up and the workers are launched; it must return promptly, starting its
 * own thread. mgmt_stop() runs after the workers stopped, before the ports
 * are closed, and joins that thread.
 */
#ifndef APP_MGMT_H
#define APP_MGMT_H

struct app;

/** Start the management thread. @return 0, or a negative errno (the app then exits 1). */
int mgmt_start(struct app *app);

/** Stop and join the management thread. Safe to call when mgmt_start() failed. */
void mgmt_stop(void);

#endif /* APP_MGMT_H */
