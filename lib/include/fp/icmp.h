/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP (RFC 792): answers echo requests with an in-place echo reply; every
 * other type is counted and dropped. Called by fp_ip4_input() once the IPv4
 * header is valid and addressed to us.
 */
#ifndef FP_ICMP_H
#define FP_ICMP_H

#include <stdint.h>

#include "fp/pkt.h"

struct fp_ctx;

/**
 * Handle one ICMP message. Checks length (drop_icmp_truncated), checksum
 * unless FP_PKT_L4_CSUM_GOOD (drop_icmp_csum) and type (drop_icmp_type:
 * anything but echo request). An echo request becomes an echo reply in the
 * same buffer: MACs and addresses swapped, type 0, ICMP checksum updated
 * incrementally (RFC 1624), IPv4 TTL 64 and a fresh header checksum, padded
 * to the Ethernet minimum when pkt->room allows.
 * @param pkt  l3/l4/l4_len set by fp_ip4_input(), 20-byte IPv4 header
 * @return FP_VERDICT_TX (pkt->len is the reply length) or FP_VERDICT_DROP
 * Ownership: borrows pkt. Context: the ctx's owning thread.
 */
enum fp_verdict fp_icmp_input(struct fp_ctx *ctx, struct fp_pkt *pkt);

#endif /* FP_ICMP_H */
