/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame builders for unit tests. They reuse lib/'s header writers and
 * checksum, which have their own known-vector tests in check_csum.
 */
#include <string.h>

#include "fp/csum.h"
#include "fp/eth.h"
#include "fp/ip4.h"
#include "fp/wire.h"
#include "pkt_build.h"

static size_t
build_ip4(uint8_t *buf, const struct pkt_spec *s, uint8_t proto, uint16_t l4_len)
{
	fp_eth_write(buf, s->dst_mac, s->src_mac, FP_ETHERTYPE_IPV4);
	fp_ip4_write(buf + FP_ETH_HLEN, s->src_ip, s->dst_ip, proto, l4_len, 0x1234);
	if (s->ttl) {
		buf[FP_ETH_HLEN + FP_IP4_OFF_TTL] = s->ttl;
		pkt_fix_ip4_csum(buf);
	}
	return FP_ETH_HLEN + FP_IP4_HLEN + l4_len;
}

void
pkt_fix_ip4_csum(uint8_t *frame)
{
	uint8_t *ip = frame + FP_ETH_HLEN;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;

	fp_store_be16(ip + FP_IP4_OFF_CSUM, 0);
	fp_store_be16(ip + FP_IP4_OFF_CSUM, fp_csum_fold(fp_csum_partial(ip, ihl, 0)));
}

void
pkt_fix_tcp_csum(uint8_t *frame)
{
	uint8_t *ip = frame + FP_ETH_HLEN;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	uint16_t l4_len = (uint16_t)(fp_load_be16(ip + FP_IP4_OFF_TOTLEN) - ihl);
	uint8_t *tcp = ip + ihl;
	uint32_t sum;

	fp_store_be16(tcp + FP_TCP_OFF_CSUM, 0);
	sum = fp_csum_pseudo_ip4(fp_load_be32(ip + FP_IP4_OFF_SRC), fp_load_be32(ip + FP_IP4_OFF_DST),
			FP_IPPROTO_TCP, l4_len);
	fp_store_be16(tcp + FP_TCP_OFF_CSUM, fp_csum_fold(fp_csum_partial(tcp, l4_len, sum)));
}

size_t
pkt_build_tcp(uint8_t *buf, size_t room, const struct pkt_spec *s)
{
	uint16_t hlen = (uint16_t)(FP_TCP_HLEN + s->opts_len);
	uint16_t l4_len = (uint16_t)(hlen + s->payload_len);
	size_t len = FP_ETH_HLEN + FP_IP4_HLEN + l4_len;
	uint8_t *tcp = buf + FP_ETH_HLEN + FP_IP4_HLEN;

	if (room < len)
		return 0;
	build_ip4(buf, s, FP_IPPROTO_TCP, l4_len);
	fp_store_be16(tcp + FP_TCP_OFF_SPORT, s->sport);
	fp_store_be16(tcp + FP_TCP_OFF_DPORT, s->dport);
	fp_store_be32(tcp + FP_TCP_OFF_SEQ, s->seq);
	fp_store_be32(tcp + FP_TCP_OFF_ACK, s->ack);
	tcp[FP_TCP_OFF_DOFF] = (uint8_t)((hlen / 4) << 4);
	tcp[FP_TCP_OFF_FLAGS] = s->flags;
	fp_store_be16(tcp + FP_TCP_OFF_WIN, s->win);
	fp_store_be16(tcp + FP_TCP_OFF_URP, 0);
	if (s->opts_len)
		memcpy(tcp + FP_TCP_HLEN, s->opts, s->opts_len);
	if (s->payload_len)
		memcpy(tcp + hlen, s->payload, s->payload_len);
	pkt_fix_tcp_csum(buf);
	return len;
}

size_t
pkt_build_icmp(uint8_t *buf, size_t room, const struct pkt_spec *s)
{
	uint16_t l4_len = (uint16_t)(FP_ICMP_HLEN + s->payload_len);
	size_t len = FP_ETH_HLEN + FP_IP4_HLEN + l4_len;
	uint8_t *icmp = buf + FP_ETH_HLEN + FP_IP4_HLEN;

	if (room < len)
		return 0;
	build_ip4(buf, s, FP_IPPROTO_ICMP, l4_len);
	icmp[FP_ICMP_OFF_TYPE] = s->icmp_type;
	icmp[FP_ICMP_OFF_CODE] = 0;
	fp_store_be16(icmp + FP_ICMP_OFF_CSUM, 0);
	fp_store_be16(icmp + 4, s->icmp_id);
	fp_store_be16(icmp + 6, s->icmp_seq);
	if (s->payload_len)
		memcpy(icmp + FP_ICMP_HLEN, s->payload, s->payload_len);
	fp_store_be16(icmp + FP_ICMP_OFF_CSUM, fp_csum_fold(fp_csum_partial(icmp, l4_len, 0)));
	return len;
}

size_t
pkt_build_arp(uint8_t *buf, size_t room, const struct pkt_spec *s, uint16_t op)
{
	static const uint8_t zero[6];
	uint8_t *arp = buf + FP_ETH_HLEN;

	if (room < FP_ETH_MIN_FRAME)
		return 0;
	memset(buf, 0, FP_ETH_MIN_FRAME);
	fp_eth_write(buf, s->dst_mac, s->src_mac, FP_ETHERTYPE_ARP);
	fp_store_be16(arp + FP_ARP_OFF_HTYPE, FP_ARP_HTYPE_ETHER);
	fp_store_be16(arp + FP_ARP_OFF_PTYPE, FP_ETHERTYPE_IPV4);
	arp[FP_ARP_OFF_HLEN] = FP_ETH_ALEN;
	arp[FP_ARP_OFF_PLEN] = 4;
	fp_store_be16(arp + FP_ARP_OFF_OP, op);
	memcpy(arp + FP_ARP_OFF_SHA, s->src_mac, FP_ETH_ALEN);
	fp_store_be32(arp + FP_ARP_OFF_SPA, s->src_ip);
	memcpy(arp + FP_ARP_OFF_THA, op == FP_ARP_OP_REQUEST ? zero : s->dst_mac, FP_ETH_ALEN);
	fp_store_be32(arp + FP_ARP_OFF_TPA, s->dst_ip);
	return FP_ETH_MIN_FRAME;
}

uint32_t
test_rng(void)
{
	static uint32_t state = 0x2545f491u;

	state ^= state << 13;
	state ^= state >> 17;
	state ^= state << 5;
	return state;
}
