/* SPDX-License-Identifier: BSD-3-Clause */
/* A worker's per-port transmit queues (tx_queue.h). */
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "fp/stats.h"

#include "tx_queue.h"

void
app_tx_init(struct app_tx *tx, const uint16_t *port_ids, uint16_t n_ports, uint16_t queue,
		struct fp_stats *stats)
{
	tx->queue = queue;
	tx->n_ports = n_ports;
	for (uint16_t p = 0; p < n_ports; p++) {
		tx->port_ids[p] = port_ids[p];
		tx->q[p].n = 0;
	}
	tx->stats = stats;
}

void
app_tx_flush(struct app_tx *tx, uint16_t port)
{
	struct app_txq *q = &tx->q[port];
	uint32_t lens[APP_TXQ_LEN];
	uint64_t bytes = 0;
	uint16_t sent;

	if (q->n == 0)
		return;
	/* Lengths first: the driver owns (and may free) what it accepts. */
	for (uint16_t i = 0; i < q->n; i++)
		lens[i] = rte_pktmbuf_pkt_len(q->pkts[i]);
	sent = rte_eth_tx_burst(tx->port_ids[port], tx->queue, q->pkts, q->n);
	for (uint16_t i = 0; i < sent; i++)
		bytes += lens[i];
	fp_stats_add(tx->stats, FP_CTR_TX_PACKETS, sent);
	fp_stats_add(tx->stats, FP_CTR_TX_BYTES, bytes);
	if (unlikely(sent < q->n)) {
		fp_stats_add(tx->stats, FP_CTR_DROP_TX_FULL, (uint64_t)(q->n - sent));
		rte_pktmbuf_free_bulk(&q->pkts[sent], (unsigned)(q->n - sent));
	}
	q->n = 0;
}

void
app_tx_flush_all(struct app_tx *tx)
{
	for (uint16_t p = 0; p < tx->n_ports; p++)
		app_tx_flush(tx, p);
}
