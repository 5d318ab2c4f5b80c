/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * On-wire sizes, offsets and constants, plus unaligned big-endian load/store
 * helpers. No structs are cast onto packet memory: the helpers use memcpy so
 * they are correct on strict-alignment MCUs and compile to single loads on x86.
 */
#ifndef FP_WIRE_H
#define FP_WIRE_H

#include <stdint.h>
#include <string.h>

typedef uint16_t fp_be16; /**< a 16-bit value in network byte order */
typedef uint32_t fp_be32; /**< a 32-bit value in network byte order */

/*
 * memcpy plus a byte swap: one load or store (and a bswap/rev) where the CPU
 * allows unaligned access, correct byte by byte where it does not. Compilers
 * without the builtins get the plain shifts.
 */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FP__BE16(x) __builtin_bswap16(x)
#define FP__BE32(x) __builtin_bswap32(x)
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FP__BE16(x) (x)
#define FP__BE32(x) (x)
#endif

#ifdef FP__BE16
static inline uint16_t
fp_load_be16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return FP__BE16(v);
}

static inline uint32_t
fp_load_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return FP__BE32(v);
}

static inline void
fp_store_be16(uint8_t *p, uint16_t v)
{
	v = FP__BE16(v);
	memcpy(p, &v, 2);
}

static inline void
fp_store_be32(uint8_t *p, uint32_t v)
{
	v = FP__BE32(v);
	memcpy(p, &v, 4);
}
#else
static inline uint16_t
fp_load_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
fp_load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
fp_store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
fp_store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
#endif

/* Ethernet (IEEE 802.3), no VLAN tags: tagged frames are dropped and counted. */
#define FP_ETH_ALEN       6
#define FP_ETH_HLEN       14
#define FP_ETH_OFF_DST    0
#define FP_ETH_OFF_SRC    6
#define FP_ETH_OFF_TYPE   12
#define FP_ETHERTYPE_IPV4 0x0800
#define FP_ETHERTYPE_ARP  0x0806
#define FP_ETHERTYPE_VLAN 0x8100
#define FP_ETH_MIN_FRAME  60 /* without FCS; shorter replies are zero-padded */

/* ARP for IPv4 over Ethernet (RFC 826). */
#define FP_ARP_LEN          28
#define FP_ARP_OFF_HTYPE    0
#define FP_ARP_OFF_PTYPE    2
#define FP_ARP_OFF_HLEN     4
#define FP_ARP_OFF_PLEN     5
#define FP_ARP_OFF_OP       6
#define FP_ARP_OFF_SHA      8
#define FP_ARP_OFF_SPA      14
#define FP_ARP_OFF_THA      18
#define FP_ARP_OFF_TPA      24
#define FP_ARP_HTYPE_ETHER  1
#define FP_ARP_OP_REQUEST   1
#define FP_ARP_OP_REPLY     2

/* IPv4 (RFC 791). */
#define FP_IP4_HLEN        20 /* without options */
#define FP_IP4_OFF_VIHL    0
#define FP_IP4_OFF_TOS     1
#define FP_IP4_OFF_TOTLEN  2
#define FP_IP4_OFF_ID      4
#define FP_IP4_OFF_FRAG    6
#define FP_IP4_OFF_TTL     8
#define FP_IP4_OFF_PROTO   9
#define FP_IP4_OFF_CSUM    10
#define FP_IP4_OFF_SRC     12
#define FP_IP4_OFF_DST     16
#define FP_IP4_FLAG_MF     0x2000
#define FP_IP4_FRAG_MASK   0x1fff
#define FP_IP4_DEFAULT_TTL 64
#define FP_IPPROTO_ICMP    1
#define FP_IPPROTO_TCP     6

/* ICMP (RFC 792). */
#define FP_ICMP_HLEN       8
#define FP_ICMP_OFF_TYPE   0
#define FP_ICMP_OFF_CODE   1
#define FP_ICMP_OFF_CSUM   2
#define FP_ICMP_ECHO_REPLY 0
#define FP_ICMP_ECHO_REQ   8

/* TCP (RFC 9293). */
#define FP_TCP_HLEN        20 /* without options */
#define FP_TCP_MAX_HLEN    60
#define FP_TCP_OFF_SPORT   0
#define FP_TCP_OFF_DPORT   2
#define FP_TCP_OFF_SEQ     4
#define FP_TCP_OFF_ACK     8
#define FP_TCP_OFF_DOFF    12 /* data offset in the high nibble */
#define FP_TCP_OFF_FLAGS   13
#define FP_TCP_OFF_WIN     14
#define FP_TCP_OFF_CSUM    16
#define FP_TCP_OFF_URP     18
#define FP_TCP_FIN         0x01
#define FP_TCP_SYN         0x02
#define FP_TCP_RST         0x04
#define FP_TCP_PSH         0x08
#define FP_TCP_ACK         0x10
#define FP_TCP_URG         0x20
#define FP_TCP_ECE         0x40
#define FP_TCP_CWR         0x80
#define FP_TCPOPT_EOL      0
#define FP_TCPOPT_NOP      1
#define FP_TCPOPT_MSS      2
#define FP_TCPOPT_WSCALE   3
#define FP_TCPOPT_SACK_OK  4
#define FP_TCPOPT_TSTAMP   8

#endif /* FP_WIRE_H */
