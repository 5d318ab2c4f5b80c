/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management socket (cfg.mgmt.socket): line-delimited JSON for fpctl,
 * on the management loop. Counters for status go to m->server_st.
 */
#ifndef APP_MGMT_SERVER_H
#define APP_MGMT_SERVER_H

struct mgmt;

/** Create, bind and listen on cfg.mgmt.socket. Context: before the loop runs. */
int mgmt_server_start(struct mgmt *m);

/** Close the listener and every client. Context: management thread. */
void mgmt_server_stop(struct mgmt *m);

#endif /* APP_MGMT_SERVER_H */
