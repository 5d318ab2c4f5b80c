/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test-only frame builders: well-formed ARP, ICMP and TCP frames that tests
 * then corrupt on purpose. Checksums are filled in; addresses are host order.
 */
#ifndef PKT_BUILD_H
#define PKT_BUILD_H

#include <stddef.h>
#include <stdint.h>

struct pkt_spec {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint32_t src_ip;
	uint32_t dst_ip;
	uint8_t ttl;            /**< 0 means 64 */
	/* TCP */
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;          /**< FP_TCP_* */
	uint16_t win;           /**< raw 16-bit field */
	const uint8_t *opts;    /**< TCP options, padded to 4 bytes by the caller */
	uint8_t opts_len;
	/* payload (TCP data or ICMP echo data) */
	const uint8_t *payload;
	uint16_t payload_len;
	/* ICMP echo */
	uint8_t icmp_type;
	uint16_t icmp_id;
	uint16_t icmp_seq;
};

/** Build Ethernet + IPv4 + TCP. @return frame length, 0 if room is too small. */
size_t pkt_build_tcp(uint8_t *buf, size_t room, const struct pkt_spec *s);

/** Build Ethernet + IPv4 + ICMP echo. @return frame length, 0 if room is too small. */
size_t pkt_build_icmp(uint8_t *buf, size_t room, const struct pkt_spec *s);

/** Build an ARP request (op 1) or reply (op 2), sender = src, target = dst. */
size_t pkt_build_arp(uint8_t *buf, size_t room, const struct pkt_spec *s, uint16_t op);

/** Recompute the IPv4 header checksum after a test changed the header. */
void pkt_fix_ip4_csum(uint8_t *frame);

/** Recompute the TCP checksum after a test changed the segment. */
void pkt_fix_tcp_csum(uint8_t *frame);

/** Deterministic xorshift32 for tests, so a failure reproduces. */
uint32_t test_rng(void);

#endif /* PKT_BUILD_H */
