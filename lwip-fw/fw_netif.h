/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The firmware's one Ethernet netif seen through lib/: every received frame
 * is judged by lib/'s Ethernet and IPv4 validators (fp_eth_validate(),
 * fp_ip4_validate()) before lwIP sees it, so the firmware accepts, drops and
 * counts a frame exactly as the appliance does; sent frames are counted on
 * their way to the driver. Counters are the shared ones (fp/stats.h).
 */
#ifndef FW_NETIF_H
#define FW_NETIF_H

#include "lwip/netif.h"
#include "lwip/pbuf.h"

#include "fp/stats.h"

/**
 * Count frames of this netif into st from now on: wraps netif->linkoutput
 * (call after the driver's init function has set it and the MAC is known).
 * One netif only. Context: lwIP core.
 */
void fw_netif_attach(struct netif *netif, struct fp_stats *st);

/**
 * netif input function: lib/'s validators, then ethernet_input() for what
 * they accept. Pass it to netif_add(). Ownership: takes p (lwIP's
 * netif_input_fn contract): a frame lib/ drops is counted and freed here,
 * and ERR_OK returned; on a non-ERR_OK return the caller frees it.
 * Context: lwIP core.
 */
err_t fw_netif_input(struct pbuf *p, struct netif *netif);

#endif /* FW_NETIF_H */
