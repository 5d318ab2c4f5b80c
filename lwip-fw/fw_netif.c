/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame counters in front of lwIP: fw_netif_input() sits between the driver
 * and ethernet_input(), fw_linkoutput() between etharp/ethernet_output() and
 * the driver's linkoutput. Headers are read with pbuf_copy_partial(), so a
 * frame split over a pbuf chain is classified the same as a contiguous one.
 */
#include <string.h>

#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "fp/wire.h"

#include "fw_netif.h"

/* Enough for Ethernet + the longest IPv4 header + the fields we look at. */
#define FW_PEEK_LEN (FP_ETH_HLEN + 60 + FP_TCP_HLEN)

static struct fp_stats *fw_stats;
static netif_linkoutput_fn fw_driver_linkoutput;

static void
fw_classify(struct fp_stats *st, const struct pbuf *p, int tx)
{
	uint8_t h[FW_PEEK_LEN];
	uint16_t n = pbuf_copy_partial(p, h, sizeof(h), 0);
	uint16_t type, l4;
	const uint8_t *ip;

	fp_stats_inc(st, tx ? FP_CTR_TX_PACKETS : FP_CTR_RX_PACKETS);
	fp_stats_add(st, tx ? FP_CTR_TX_BYTES : FP_CTR_RX_BYTES, p->tot_len);
	if (n < FP_ETH_HLEN)
		return;
	type = fp_load_be16(h + FP_ETH_OFF_TYPE);
	if (type == FP_ETHERTYPE_ARP && n >= FP_ETH_HLEN + FP_ARP_LEN) {
		uint16_t op = fp_load_be16(h + FP_ETH_HLEN + FP_ARP_OFF_OP);

		if (!tx && op == FP_ARP_OP_REQUEST)
			fp_stats_inc(st, FP_CTR_ARP_REQUESTS);
		else if (tx && op == FP_ARP_OP_REPLY)
			fp_stats_inc(st, FP_CTR_ARP_REPLIES_SENT);
		return;
	}
	if (type != FP_ETHERTYPE_IPV4 || n < FP_ETH_HLEN + FP_IP4_HLEN)
		return;
	ip = h + FP_ETH_HLEN;
	l4 = (uint16_t)(FP_ETH_HLEN + (ip[FP_IP4_OFF_VIHL] & 0x0f) * 4u);
	switch (ip[FP_IP4_OFF_PROTO]) {
	case FP_IPPROTO_ICMP:
		if (tx && n > l4 && h[l4 + FP_ICMP_OFF_TYPE] == FP_ICMP_ECHO_REPLY)
			fp_stats_inc(st, FP_CTR_ICMP_ECHO_REPLIES);
		break;
	case FP_IPPROTO_TCP:
		fp_stats_inc(st, tx ? FP_CTR_TCP_SEGS_OUT : FP_CTR_TCP_SEGS_IN);
		if (tx && n > l4 + FP_TCP_OFF_FLAGS && (h[l4 + FP_TCP_OFF_FLAGS] & FP_TCP_RST))
			fp_stats_inc(st, FP_CTR_TCP_RST_SENT);
		break;
	default:
		break;
	}
}

static err_t
fw_linkoutput(struct netif *netif, struct pbuf *p)
{
	err_t err = fw_driver_linkoutput(netif, p);

	if (err == ERR_OK)
		fw_classify(fw_stats, p, 1);
	else
		fp_stats_inc(fw_stats, FP_CTR_DROP_TX_FULL);
	return err;
}

void
fw_netif_attach(struct netif *netif, struct fp_stats *st)
{
	fw_stats = st;
	fw_driver_linkoutput = netif->linkoutput;
	netif->linkoutput = fw_linkoutput;
}

err_t
fw_netif_input(struct pbuf *p, struct netif *netif)
{
	if (fw_stats != NULL)
		fw_classify(fw_stats, p, 0);
	return ethernet_input(p, netif);
}
