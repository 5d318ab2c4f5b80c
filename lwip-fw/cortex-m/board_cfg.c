/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The board image's limits applied to a parsed configuration (board_cfg.h).
 * Called by fw_cfg_gen at build time and by board_main.c at boot.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "board_cfg.h"

/* "<what> <v> exceeds the image's <max> (<limit>, board_cfg.h)" */
static int
fw_cfg_over(char *err, size_t err_len, const char *what, uint32_t v, uint32_t max,
		const char *limit)
{
	snprintf(err, err_len, "%s %" PRIu32 " exceeds the image's %" PRIu32 " (%s, board_cfg.h)",
			what, v, max, limit);
	return -EINVAL;
}

int
fw_board_cfg_check(const struct fp_cfg *cfg, char *err, size_t err_len, const char **key)
{
	*key = NULL;
	if (cfg->n_ports == 0 || cfg->ports[0].ip4 == 0) {
		*key = "port 0 address";
		snprintf(err, err_len, "the board needs [port 0] address");
		return -EINVAL;
	}
	if (cfg->tcp.max_flows > FW_MAX_FLOWS) {
		*key = "tcp max_flows";
		return fw_cfg_over(err, err_len, "max_flows", cfg->tcp.max_flows, FW_MAX_FLOWS,
				"FW_MAX_FLOWS");
	}
	if (cfg->tcp.buffer_size > FW_ECHO_BUF_SIZE) {
		*key = "tcp buffer_size";
		return fw_cfg_over(err, err_len, "buffer_size", cfg->tcp.buffer_size,
				FW_ECHO_BUF_SIZE, "FW_ECHO_BUF_SIZE");
	}
	if (cfg->tcp.n_listen > FW_MAX_LISTEN) {
		*key = "tcp listen";
		return fw_cfg_over(err, err_len, "listen ports", cfg->tcp.n_listen, FW_MAX_LISTEN,
				"FW_MAX_LISTEN");
	}
	if (cfg->mqtt.enabled && cfg->mqtt.tls_ca[0] != '\0') {
		*key = "mqtt tls_ca";
		snprintf(err, err_len, "TLS is not supported by the firmware");
		return -EINVAL;
	}
	return 0;
}
