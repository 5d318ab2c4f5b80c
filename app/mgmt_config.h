/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The running configuration: the "config" command shows it (get: app->cfg
 * as config text; keys: every key with its value and whether it is live;
 * diff: app->cfg against the file read again now), and "set" changes one
 * live key through lib/cfg's checks (fp_cfg_set()) and applies it where it
 * is used: the log level and (within a second) the MQTT period on the
 * management loop, the engine's settings and idle polling by every worker
 * between two bursts (an APP_REQ_SETTINGS request each); it answers once
 * all of them took it. Management thread only.
 */
#ifndef APP_MGMT_CONFIG_H
#define APP_MGMT_CONFIG_H

#include <stddef.h>

#include "fp/tlm.h"

#include "mgmt_cmd.h"

struct mgmt;

/** Serve {"cmd":"config","op":"get"|"keys"|"diff"}. @return 0 (the reply is in out) */
int mgmt_config_cmd(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out);

/**
 * Serve {"cmd":"set","key":"section.key","value":...} (value a string as in
 * the file, or an integer). A command of its own, apart from "config": it
 * changes the appliance, and the MQTT cmd topic tells the two apart.
 * @return 0: done will be called once with the reply (now, or once every
 *         worker answered); < 0: an error reply is in out, done is not called.
 */
int mgmt_config_set(struct mgmt *m, const struct fp_tlm_req *req, struct mgmt_buf *out,
		mgmt_reply_fn done, void *arg);

/**
 * Set one key that no worker uses (log.level) at once, through the same
 * checks and bookkeeping as "config set".
 * @return 0, or -ENOENT/-EPERM/-EINVAL with the message in err
 */
int mgmt_config_set_local(
		struct mgmt *m, const char *key, const char *value, char *err, size_t err_len);

#endif /* APP_MGMT_CONFIG_H */
