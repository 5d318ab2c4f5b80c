/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The firmware's TCP echo service on lwIP's raw API. Portable between the
 * host build (Debian's NO_SYS=0 liblwip: every call below runs in the tcpip
 * thread or under LOCK_TCPIP_CORE()) and a NO_SYS=1 board main loop. Bytes
 * lwIP delivered but tcp_write has not yet accepted wait in each flow's
 * fp_echo_buf (lib/echo); counters go to a struct fp_stats (lib/stats).
 */
#ifndef FW_ECHO_H
#define FW_ECHO_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/tcp.h"

#include "fp/cfg.h"
#include "fp/echo.h"
#include "fp/stats.h"

struct fw_echo;

/** One echo connection; a slot is free when pcb is NULL. */
struct fw_conn {
	struct fw_echo *svc;    /**< owning service */
	struct tcp_pcb *pcb;    /**< NULL = free slot */
	struct fp_echo_buf buf; /**< received, not yet accepted by tcp_write */
	struct pbuf *rxq;       /**< received pbufs that did not fit in buf (owned) */
	uint32_t idle_polls;    /**< tcp_poll calls without traffic */
	uint8_t fin_rcvd;       /**< peer sent FIN: close once buf and rxq are empty */
};

/** The echo service: listeners and a fixed pool of connections. */
struct fw_echo {
	struct fw_conn *conns;   /**< caller memory, max_flows slots */
	uint32_t max_flows;      /**< slots; connection max_flows + 1 is refused */
	uint32_t n_open;         /**< slots in use */
	uint32_t buf_size;       /**< echo buffer bytes per slot, power of two */
	uint32_t idle_polls_max; /**< abort after this many idle polls, 0 = never */
	struct tcp_pcb *listen[FP_CFG_MAX_LISTEN]; /**< listening pcbs */
	uint8_t n_listen;
	struct fp_stats *stats; /**< counters (one writer: the lwIP core context) */
};

/** tcp_poll interval in lwIP coarse ticks (TCP_SLOW_INTERVAL, 500 ms each). */
#define FW_ECHO_POLL_TICKS 2

/**
 * Echo ring bytes per slot: buffer_size, but at most lwIP's receive window
 * (TCP_WND) rounded up to a power of two. The window reopens only for bytes
 * that left the ring (tcp_recved() after tcp_write()), so the ring and the
 * pbufs waiting for it never hold more than TCP_WND: a larger ring would
 * stay unused, and cost max_flows times the difference.
 */
uint32_t fw_echo_buf_size(const struct fp_cfg_tcp *cfg);

/**
 * Prepare a service over caller memory (no heap use afterwards).
 * @param conns   cfg->max_flows slots
 * @param bufmem  cfg->max_flows * fw_echo_buf_size(cfg) bytes
 * @return 0, or -EINVAL when buffer_size is not a power of two or max_flows is 0
 */
int fw_echo_init(struct fw_echo *svc, struct fw_conn *conns, uint8_t *bufmem,
		const struct fp_cfg_tcp *cfg, struct fp_stats *stats);

/**
 * Listen on every cfg port at addr (IP_ADDR_ANY for all local addresses).
 * @return 0, or -ENOMEM / -EADDRINUSE (listeners opened so far are closed)
 * Context: lwIP core (tcpip thread, core lock, or the NO_SYS loop).
 */
int fw_echo_start(struct fw_echo *svc, const struct fp_cfg_tcp *cfg, const ip_addr_t *addr);

/** Close the listeners and abort (RST) every open connection. Context: lwIP core. */
void fw_echo_stop(struct fw_echo *svc);

#endif /* FW_ECHO_H */
