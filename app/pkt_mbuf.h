/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mbuf <-> struct fp_pkt adapter, used by the worker loop (lcore.c)
 * around the lib/ calls of the graph's nodes. lib/ sees one contiguous frame: a
 * multi-segment mbuf is linearised first, or refused (the caller drops it).
 */
#ifndef APP_PKT_MBUF_H
#define APP_PKT_MBUF_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "fp/pkt.h"
#include "fp/wire.h"

/**
 * Point pkt at m's frame. RX checksum offload results become fp_pkt flags.
 * @return 0, or -1 when m spans segments that cannot be linearised.
 * Ownership: pkt borrows m's data; m stays with the caller.
 */
static inline int
app_pkt_from_mbuf(struct fp_pkt *pkt, struct rte_mbuf *m, uint16_t port_index)
{
	uint64_t ol = m->ol_flags;

	if (unlikely(m->nb_segs > 1) && rte_pktmbuf_linearize(m) < 0)
		return -1;
	pkt->data = rte_pktmbuf_mtod(m, uint8_t *);
	pkt->len = rte_pktmbuf_data_len(m);
	pkt->room = (uint16_t)(pkt->len + rte_pktmbuf_tailroom(m));
	pkt->l3 = 0;
	pkt->l4 = 0;
	pkt->l4_len = 0;
	pkt->port = port_index;
	pkt->flags = 0;
	if ((ol & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		pkt->flags |= FP_PKT_IP4_CSUM_GOOD;
	if ((ol & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		pkt->flags |= FP_PKT_L4_CSUM_GOOD;
	return 0;
}

/**
 * Ask the NIC for the IPv4 and TCP checksums of an Ethernet + IPv4 (20-byte
 * header) + TCP frame lib/ prepared for it (IPv4 field 0, TCP field the
 * pseudo-header sum, as the DPDK TX offload flags want them).
 */
static inline void
app_mbuf_tx_csum(struct rte_mbuf *m)
{
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM;
	m->l2_len = FP_ETH_HLEN;
	m->l3_len = FP_IP4_HLEN;
}

/**
 * Make m describe the reply lib/ wrote into pkt (FP_VERDICT_TX): same buffer,
 * possibly moved start, new length; offload flags from RX are cleared, and
 * the checksums lib/ left to the NIC (FP_PKT_TX_CSUM) are asked for.
 */
static inline void
app_pkt_to_mbuf(struct rte_mbuf *m, const struct fp_pkt *pkt)
{
	m->data_off = (uint16_t)(pkt->data - (uint8_t *)m->buf_addr);
	m->data_len = pkt->len;
	m->pkt_len = pkt->len;
	m->ol_flags = 0;
	if (pkt->flags & FP_PKT_TX_CSUM)
		app_mbuf_tx_csum(m);
}

/**
 * A frame lib/ built in a buffer from fp_tx_ops.alloc(): set its length;
 * csum: it leaves by a port with FP_TX_OFFLOAD_CSUM, so lib/ left its
 * checksums to the NIC (fp/core.h, struct fp_tx_ops).
 */
static inline void
app_mbuf_set_len(struct rte_mbuf *m, uint16_t len, bool csum)
{
	m->data_len = len;
	m->pkt_len = len;
	m->ol_flags = 0;
	if (csum)
		app_mbuf_tx_csum(m);
}

#endif /* APP_PKT_MBUF_H */
