/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4: header validation on input (version, IHL, lengths, checksum, TTL;
 * options and fragments are counted and dropped) and header writing on output.
 */
#ifndef FP_IP4_H
#define FP_IP4_H

#include <stdint.h>

/**
 * Write a 20-byte IPv4 header (no options, DF set, TTL 64) with its checksum.
 * @param payload_len  L4 bytes that follow the header
 * Addresses are in host byte order.
 */
void fp_ip4_write(uint8_t *ip, uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload_len,
		uint16_t id);

#endif /* FP_IP4_H */
