/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's transmit side: per port, the frames waiting to leave, in the
 * order they were made. Everything the worker sends goes through it: the
 * replies lib/ writes in place of a received frame, the frames it builds in
 * new mbufs (fp_tx_ops), and the tx stage's. One queue keeps a flow's
 * segments in order when one burst makes both kinds; a queue per kind sent
 * them reordered, and the peer answered with duplicate ACKs and the sender
 * with fast retransmits.
 */
#ifndef APP_TX_QUEUE_H
#define APP_TX_QUEUE_H

#include <stdint.h>

#include <rte_branch_prediction.h>

#include "fp/core.h"

#define APP_TXQ_LEN 32 /**< frames per port queue: it is flushed when full */

struct fp_stats;
struct rte_mbuf;

/** One port's frames, oldest first. */
struct app_txq {
	uint16_t n;
	struct rte_mbuf *pkts[APP_TXQ_LEN];
};

/** The queues of one worker, flushed when full and at the end of each loop. */
struct app_tx {
	uint16_t queue;                   /**< TX queue index on every port */
	uint16_t n_ports;                 /**< port indexes 0..n_ports-1 */
	uint16_t port_ids[FP_MAX_IFACES]; /**< ethdev id of port index i */
	struct fp_stats *stats;           /**< tx_packets, tx_bytes, drop_tx_full */
	struct app_txq q[FP_MAX_IFACES];
};

/** Empty queues for ports port_ids[0..n_ports-1], TX queue queue. */
void app_tx_init(struct app_tx *tx, const uint16_t *port_ids, uint16_t n_ports, uint16_t queue,
		struct fp_stats *stats);

/** Hand one port's queue to the driver; what it refuses is freed and counted. */
void app_tx_flush(struct app_tx *tx, uint16_t port);

/** app_tx_flush() every port. */
void app_tx_flush_all(struct app_tx *tx);

/** Queue m to leave by port index port (< n_ports), after everything queued before. */
static inline void
app_tx_add(struct app_tx *tx, uint16_t port, struct rte_mbuf *m)
{
	struct app_txq *q = &tx->q[port];

	if (unlikely(q->n == APP_TXQ_LEN))
		app_tx_flush(tx, port);
	q->pkts[q->n++] = m;
}

#endif /* APP_TX_QUEUE_H */
