/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "flows" command: a listing of the workers' TCP flows, filtered on the
 * management thread, read one page at a time through the request path so
 * that neither a worker nor the management loop stalls on a large table.
 */
#ifndef APP_MGMT_FLOWS_H
#define APP_MGMT_FLOWS_H

#include "fp/tlm.h"

#include "mgmt_cmd.h"

struct mgmt;

/**
 * Parse the request's filter and limit and start the listing.
 * @return 0: done will be called once, with the reply (now, or once the last
 *         page came back); < 0: an error reply is in out, done is not called.
 * Context: management thread.
 */
int mgmt_flows_start(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out,
		mgmt_reply_fn done, void *arg);

#endif /* APP_MGMT_FLOWS_H */
