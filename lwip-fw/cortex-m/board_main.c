/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The firmware on a NO_SYS=1 board: the configuration built into the image
 * (fw_board_config_text, validated at build time by fw_cfg_gen and parsed
 * here by the same lib/cfg), static memory for every flow, and the main
 * loop: poll the MAC (fw_board_netif_poll -> fw_netif_input -> lib/'s
 * validators -> ethernet_input), run lwIP's timers (TCP, ARP, MQTT), print
 * the stats document (lib/tlm) on the console every [mqtt] interval_ms and,
 * with [mqtt] enabled, publish it through lwIP's MQTT client (fw_mqtt.c),
 * then sleep until the next frame or timer. The board's main() calls
 * fw_board_main().
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

#include "fp/cfg.h"
#include "fp/stats.h"
#include "fp/text.h"
#include "fp/tlm.h"

#include "board_cfg.h"
#include "fw_board.h"
#include "fw_echo.h"
#include "fw_mqtt.h"
#include "fw_netif.h"

#define FW_TLM_BUF     2560 /* the stats document is about 2 KB */
#define FW_IDLE_MAX_MS 1000 /* longest sleep, even with no timer due */

/* Everything the firmware owns, in one static block (its .bss is the RAM budget). */
static struct fw_board {
	struct fp_cfg cfg;
	struct fp_stats stats;
	struct fw_echo echo;
	struct fw_conn conns[FW_MAX_FLOWS];
	uint8_t bufmem[FW_MAX_FLOWS * FW_ECHO_BUF_SIZE];
	struct netif netif;
	struct fw_mqtt mqtt;
	char tlm_buf[FW_TLM_BUF];
	uint32_t start_ms;
	uint64_t seq;
} fw;

static void
fw_publish_stats(void)
{
	struct fp_tlm_ctx ctx = {.id = 0, .stats = &fw.stats};
	struct fp_tlm_doc doc = {
			.node = fw.cfg.mqtt.node,
			.target = "lwip",
			.version = FP_VERSION,
			.uptime_ms = (uint32_t)(sys_now() - fw.start_ms),
			.time_ms = 0, /* no wall clock on the board */
			.seq = fw.seq++,
			.ctxs = &ctx,
			.n_ctxs = 1,
			.per_ctx = 0,
	};
	int n = fp_tlm_stats_encode(&doc, fw.tlm_buf, sizeof(fw.tlm_buf));

	if (n <= 0) {
		fw_board_puts("board: stats document does not fit FW_TLM_BUF");
		return;
	}
	fw_board_puts(fw.tlm_buf);
	if (fw.cfg.mqtt.enabled)
		fw_mqtt_publish_stats(&fw.mqtt, fw.tlm_buf, (size_t)n);
}

/* The built-in configuration, through the same parser and checks as at build time. */
static int
fw_configure(void)
{
	char err[160];
	const char *key;

	fp_cfg_defaults(&fw.cfg);
	if (fp_cfg_parse(&fw.cfg, fw_board_config_name, fw_board_config_text, fw_board_config_len,
			    err, sizeof(err)) != 0 ||
			fw_board_cfg_check(&fw.cfg, err, sizeof(err), &key) != 0) {
		fw_board_puts(err);
		return -EINVAL;
	}
	if (fw.cfg.mqtt.node[0] == '\0')
		memcpy(fw.cfg.mqtt.node, "board", sizeof("board"));
	return 0;
}

/* Bring up lwIP, the netif, the echo service and MQTT. */
static int
fw_start(void)
{
	const struct fp_cfg_port *port = &fw.cfg.ports[0];
	uint32_t m = port->prefix_len ? 0xffffffffu << (32 - port->prefix_len) : 0;
	ip4_addr_t ip, mask, gw;
	char err[96];

	ip4_addr_set_u32(&ip, lwip_htonl(port->ip4));
	ip4_addr_set_u32(&mask, lwip_htonl(m));
	ip4_addr_set_zero(&gw);
	lwip_init();
	if (netif_add(&fw.netif, &ip, &mask, &gw, NULL, fw_board_netif_init, fw_netif_input) ==
			NULL) {
		fw_board_puts("board: no Ethernet MAC");
		return -ENODEV;
	}
	if (port->mtu < fw.netif.mtu)
		fw.netif.mtu = port->mtu;
	fw_netif_attach(&fw.netif, &fw.stats);
	netif_set_default(&fw.netif);
	netif_set_up(&fw.netif);
	if (fw_echo_init(&fw.echo, fw.conns, fw.bufmem, &fw.cfg.tcp, &fw.stats) != 0 ||
			fw_echo_start(&fw.echo, &fw.cfg.tcp, IP4_ADDR_ANY) != 0) {
		fw_board_puts("board: echo service did not start");
		return -EINVAL;
	}
	if (fw.cfg.mqtt.enabled &&
			fw_mqtt_start(&fw.mqtt, &fw.cfg.mqtt, fw.cfg.mqtt.node, err, sizeof(err)) !=
					0) {
		fw_board_puts(err);
		return -EINVAL;
	}
	return 0;
}

int
fw_board_main(void)
{
	uint32_t next_stats_ms, interval;
	char line[224], ip[FP_IP4_STR_LEN];

	if (fw_configure() != 0 || fw_start() != 0)
		return -EINVAL;
	interval = fw.cfg.mqtt.interval_ms;
	snprintf(line, sizeof(line),
			"fastpath-fw %s: lwIP %s, %s/%u, mac %02x:%02x:%02x:%02x:%02x:%02x, "
			"echo on %u port(s), max_flows %lu, buffer %lu, config %s",
			FP_VERSION, LWIP_VERSION_STRING,
			fp_text_format_ip4(fw.cfg.ports[0].ip4, ip), fw.cfg.ports[0].prefix_len,
			fw.netif.hwaddr[0], fw.netif.hwaddr[1], fw.netif.hwaddr[2],
			fw.netif.hwaddr[3], fw.netif.hwaddr[4], fw.netif.hwaddr[5],
			fw.cfg.tcp.n_listen, (unsigned long)fw.cfg.tcp.max_flows,
			(unsigned long)fw.cfg.tcp.buffer_size, fw_board_config_name);
	fw_board_puts(line);

	fw.start_ms = sys_now();
	next_stats_ms = fw.start_ms + interval;
	for (;;) {
		int frames = fw_board_netif_poll(&fw.netif);
		uint32_t sleep_ms, now;

		sys_check_timeouts();
		now = sys_now();
		if (interval != 0 && (int32_t)(now - next_stats_ms) >= 0) {
			next_stats_ms += interval;
			fw_publish_stats();
		}
		if (frames > 0)
			continue; /* more may be waiting: poll again before sleeping */
		sleep_ms = sys_timeouts_sleeptime();
		if (interval != 0 && next_stats_ms - now < sleep_ms)
			sleep_ms = next_stats_ms - now;
		fw_board_idle(sleep_ms < FW_IDLE_MAX_MS ? sleep_ms : FW_IDLE_MAX_MS);
	}
}
