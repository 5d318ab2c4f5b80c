/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counting taps on the firmware's one Ethernet netif: every frame lwIP
 * receives or sends is classified from its headers (lib/'s fp/wire.h offsets)
 * into the shared counters (rx/tx, ARP, ICMP echo, TCP segments, RSTs), so
 * the firmware's stats document says the same things as the appliance's.
 */
#ifndef FW_NETIF_H
#define FW_NETIF_H

#include "lwip/netif.h"
#include "lwip/pbuf.h"

#include "fp/stats.h"

/**
 * Count frames of this netif into st from now on: wraps netif->linkoutput
 * (call after the driver's init function has set it). One netif only.
 * Context: lwIP core.
 */
void fw_netif_attach(struct netif *netif, struct fp_stats *st);

/**
 * netif input function: counts the frame, then ethernet_input().
 * Pass it to netif_add() (NO_SYS=1), or run it in the tcpip thread through
 * tcpip_inpkt() (host). Ownership: takes p (lwIP's netif_input_fn contract:
 * on a non-ERR_OK return the caller frees it).
 */
err_t fw_netif_input(struct pbuf *p, struct netif *netif);

#endif /* FW_NETIF_H */
