/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host-only Ethernet driver for lwIP over a Linux tap device, polled from
 * the firmware's main loop (the NO_SYS shape a board has: no driver thread).
 * It replaces the unix port's tapif, whose receive thread in Debian's
 * liblwip 2.1.3 overflows its PBUF_POOL buffers with full-size frames (see
 * README.md); frames here are copied into PBUF_RAM pbufs of the exact size.
 */
#ifndef FW_TAP_H
#define FW_TAP_H

#include "lwip/netif.h"

/** Driver state; netif->state points at it. */
struct fw_tap {
	const char *name; /**< interface name, created if missing */
	int fd;           /**< /dev/net/tun descriptor, non-blocking */
};

/**
 * netif init function for netif_add(..., tap, fw_tap_netif_init, input):
 * attaches to (or creates) the tap named tap->name, sets a locally
 * administered MAC and MTU 1500. The kernel side is left to ip(8); the link
 * goes up with the first frame read from it.
 * @return ERR_OK, or ERR_IF with a message on stderr
 */
err_t fw_tap_netif_init(struct netif *netif);

/**
 * Read every frame waiting on the tap (at most budget) and hand each to
 * netif->input. @return frames read, or -1 on a read error.
 * Context: lwIP core (the main loop).
 */
int fw_tap_poll(struct netif *netif, int budget);

#endif /* FW_TAP_H */
