/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Polled lwIP netif driver for the SMSC LAN9118 Ethernet controller (the
 * MAC of ARM's MPS2 boards, and of QEMU's mps2-an385/an386). Frames move
 * through the chip's PIO FIFOs; its interrupt is used only to wake the main
 * loop from WFI (lan9118_irq_ack() in the handler), never to call lwIP.
 */
#ifndef FW_LAN9118_H
#define FW_LAN9118_H

#include <stdint.h>

#include "lwip/netif.h"

/** Driver state; netif->state points at it. */
struct lan9118 {
	uintptr_t base;        /**< register block address */
	uint32_t rx_dropped;   /**< frames received but not handed on (no pbuf, bad status) */
	uint32_t tx_timeouts;  /**< frames not sent: TX FIFO never had room */
	uint32_t next_link_ms; /**< sys_now() of the next PHY link check */
};

/**
 * netif init function (netif_add(..., dev, lan9118_netif_init, input)):
 * soft-resets the chip, takes the MAC address it holds (its EEPROM's, or
 * QEMU's -nic mac=), enables RX/TX with exact-match + broadcast filtering,
 * and routes the RX-status interrupt to the IRQ line.
 * @return ERR_OK, or ERR_IF when no LAN9118 answers at dev->base
 */
err_t lan9118_netif_init(struct netif *netif);

/**
 * Hand up to budget received frames to netif->input, each in one PBUF_POOL
 * pbuf, and follow the PHY's link state. @return frames read from the chip.
 * Context: the main loop (lwIP core).
 */
int lan9118_poll(struct netif *netif, int budget);

/** @return non-zero when a received frame waits in the RX FIFO. Context: any. */
int lan9118_rx_pending(const struct lan9118 *dev);

/** Clear the RX interrupt (the interrupt handler's only job). Context: IRQ. */
void lan9118_irq_ack(const struct lan9118 *dev);

#endif /* FW_LAN9118_H */
