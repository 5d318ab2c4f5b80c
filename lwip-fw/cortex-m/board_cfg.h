/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the board image can serve, and the check of a parsed configuration
 * against it. Plain C with no lwIP include: the build-time generator
 * (fw_cfg_gen.c, on the build machine) and the board at boot
 * (board_main.c) run the same check, so a configuration the image cannot
 * serve fails the build instead of the boot.
 */
#ifndef FW_BOARD_CFG_H
#define FW_BOARD_CFG_H

#include <stddef.h>

#include "fp/cfg.h"

#include "board_limits.h"

/**
 * Can the image serve this configuration? Checks [port 0] address, [tcp]
 * max_flows, buffer_size and the number of listen ports against board_limits.h,
 * and that [mqtt] asks for nothing the firmware lacks (TLS).
 * @param key  out: "section key" of the offending setting, for file:line
 * @return 0, or -EINVAL with err filled ("max_flows 64 exceeds ...")
 */
int fw_board_cfg_check(const struct fp_cfg *cfg, char *err, size_t err_len, const char **key);

#endif /* FW_BOARD_CFG_H */
