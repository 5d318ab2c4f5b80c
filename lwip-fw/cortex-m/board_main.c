/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The firmware on a NO_SYS=1 board: the built-in configuration (the shared
 * config format, parsed by lib/cfg), static memory for every flow, and the
 * main loop: poll the MAC (fw_board_netif_poll -> fw_netif_input ->
 * ethernet_input), run lwIP's timers, print the stats document (lib/tlm)
 * every [mqtt] interval_ms and, with [mqtt] enabled, publish it to the
 * broker (fw_mqtt.c). The board's reset handler calls fw_board_main().
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

#include "fp/cfg.h"
#include "fp/stats.h"
#include "fp/tlm.h"

#include "fw_board.h"
#include "fw_echo.h"
#include "fw_mqtt.h"
#include "fw_netif.h"

/* Override at build time (-DFW_BOARD_CONFIG="...") or edit for the board. */
#ifndef FW_BOARD_CONFIG
#define FW_BOARD_CONFIG             \
	"[port 0]\n"                \
	"address = 192.0.2.10/24\n" \
	"[tcp]\n"                   \
	"listen = 7\n"              \
	"max_flows = 4\n"           \
	"buffer_size = 2048\n"      \
	"[mqtt]\n"                  \
	"node = board\n"            \
	"interval_ms = 10000\n"
#endif

#define FW_TLM_BUF 2560 /* the stats document is about 2 KB */

static const char fw_config_text[] = FW_BOARD_CONFIG;

static struct fp_cfg fw_cfg;
static struct fp_stats fw_stats;
static struct fw_echo fw_echo;
static struct fw_conn fw_conns[FW_MAX_FLOWS];
static uint8_t fw_bufmem[FW_MAX_FLOWS * FW_ECHO_BUF_SIZE];
static struct netif fw_netif;
static char fw_tlm_buf[FW_TLM_BUF];
static struct fw_mqtt fw_mqtt;

static void
fw_publish_stats(uint32_t start_ms, uint64_t seq)
{
	struct fp_tlm_ctx ctx = {.id = 0, .stats = &fw_stats};
	struct fp_tlm_doc doc = {
			.node = fw_cfg.mqtt.node[0] != '\0' ? fw_cfg.mqtt.node : NULL,
			.target = "lwip",
			.version = FP_VERSION,
			.uptime_ms = (uint32_t)(sys_now() - start_ms),
			.time_ms = 0, /* no wall clock on the board */
			.seq = seq,
			.ctxs = &ctx,
			.n_ctxs = 1,
			.per_ctx = 0,
	};

	int n = fp_tlm_stats_encode(&doc, fw_tlm_buf, sizeof(fw_tlm_buf));

	if (n <= 0)
		return;
	fw_board_puts(fw_tlm_buf);
	if (fw_cfg.mqtt.enabled)
		fw_mqtt_publish_stats(&fw_mqtt, fw_tlm_buf, (size_t)n);
}

static int
fw_configure(void)
{
	char err[96];

	fp_cfg_defaults(&fw_cfg);
	if (fp_cfg_parse(&fw_cfg, "board", fw_config_text, sizeof(fw_config_text) - 1, err,
			    sizeof(err)) != 0) {
		fw_board_puts(err);
		return -EINVAL;
	}
	if (fw_cfg.mqtt.node[0] == '\0')
		memcpy(fw_cfg.mqtt.node, "board", sizeof("board"));
	if (fw_cfg.mqtt.enabled &&
			fw_mqtt_init(&fw_mqtt, &fw_cfg.mqtt, fw_cfg.mqtt.node, err, sizeof(err)) !=
					0) {
		fw_board_puts(err);
		return -EINVAL;
	}
	if (fw_cfg.n_ports == 0 || fw_cfg.tcp.max_flows > FW_MAX_FLOWS ||
			fw_cfg.tcp.buffer_size > FW_ECHO_BUF_SIZE) {
		fw_board_puts("board: needs [port 0] address, max_flows <= FW_MAX_FLOWS, "
			      "buffer_size <= FW_ECHO_BUF_SIZE");
		return -EINVAL;
	}
	return 0;
}

int
fw_board_main(void)
{
	const struct fp_cfg_port *port = &fw_cfg.ports[0];
	ip4_addr_t ip, mask, gw;
	uint32_t start_ms, last_ms, m;
	uint64_t seq = 0;

	if (fw_configure() != 0)
		return -EINVAL;
	m = port->prefix_len ? 0xffffffffu << (32 - port->prefix_len) : 0;
	ip4_addr_set_u32(&ip, lwip_htonl(port->ip4));
	ip4_addr_set_u32(&mask, lwip_htonl(m));
	ip4_addr_set_zero(&gw);

	lwip_init();
	netif_add(&fw_netif, &ip, &mask, &gw, NULL, fw_board_netif_init, fw_netif_input);
	if (port->mtu < fw_netif.mtu)
		fw_netif.mtu = port->mtu;
	fw_netif_attach(&fw_netif, &fw_stats);
	netif_set_default(&fw_netif);
	netif_set_up(&fw_netif);
	if (fw_echo_init(&fw_echo, fw_conns, fw_bufmem, &fw_cfg.tcp, &fw_stats) != 0 ||
			fw_echo_start(&fw_echo, &fw_cfg.tcp, IP4_ADDR_ANY) != 0) {
		fw_board_puts("board: echo service did not start");
		return -EINVAL;
	}

	start_ms = last_ms = sys_now();
	for (;;) {
		fw_board_netif_poll(&fw_netif);
		sys_check_timeouts();
		if (fw_cfg.mqtt.enabled)
			fw_mqtt_tick(&fw_mqtt, sys_now());
		if (fw_cfg.mqtt.interval_ms != 0 &&
				(uint32_t)(sys_now() - last_ms) >= fw_cfg.mqtt.interval_ms) {
			last_ms += fw_cfg.mqtt.interval_ms;
			fw_publish_stats(start_ms, seq++);
		}
	}
}
