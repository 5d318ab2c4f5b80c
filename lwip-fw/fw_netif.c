/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ in front of lwIP: fw_netif_input() sits between the driver and
 * ethernet_input(), fw_linkoutput() between etharp/ethernet_output() and the
 * driver's linkoutput. Input runs the appliance's own checks (fp_input()'s
 * Ethernet and IPv4 steps) on a struct fp_pkt over the pbuf, so a frame the
 * appliance would drop is dropped here with the same counter, and only the
 * rest reaches lwIP. Output frames are ours: they are counted from their
 * headers (fp/wire.h offsets), not validated.
 */
#include <string.h>

#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "fp/core.h"
#include "fp/eth.h"
#include "fp/ip4.h"
#include "fp/wire.h"

#include "fw_netif.h"

/* The one netif's counting state. */
static struct {
	struct fp_ctx ctx;                 /**< lib/'s view of the interface (port 0) */
	netif_linkoutput_fn driver_output; /**< the driver's linkoutput we wrap */
} fw_nif;

/* Enough for Ethernet + an option-less IPv4 header + the TCP flags. */
#define FW_PEEK_LEN (FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_HLEN)

/* Count a frame we send: replies and segments, by type. */
static void
fw_count_tx(struct fp_stats *st, const struct pbuf *p)
{
	uint8_t h[FW_PEEK_LEN];
	uint16_t n = pbuf_copy_partial(p, h, sizeof(h), 0);
	const uint8_t *ip = h + FP_ETH_HLEN;
	uint16_t type;

	fp_stats_inc(st, FP_CTR_TX_PACKETS);
	fp_stats_add(st, FP_CTR_TX_BYTES, p->tot_len);
	if (n < FP_ETH_HLEN)
		return;
	type = fp_load_be16(h + FP_ETH_OFF_TYPE);
	if (type == FP_ETHERTYPE_ARP && n >= FP_ETH_HLEN + FP_ARP_LEN) {
		if (fp_load_be16(h + FP_ETH_HLEN + FP_ARP_OFF_OP) == FP_ARP_OP_REPLY)
			fp_stats_inc(st, FP_CTR_ARP_REPLIES_SENT);
		return;
	}
	/* lwIP sends no IPv4 options, so L4 starts right after 20 bytes. */
	if (type != FP_ETHERTYPE_IPV4 || n < FP_ETH_HLEN + FP_IP4_HLEN)
		return;
	if (ip[FP_IP4_OFF_PROTO] == FP_IPPROTO_ICMP && n > FP_ETH_HLEN + FP_IP4_HLEN &&
			ip[FP_IP4_HLEN + FP_ICMP_OFF_TYPE] == FP_ICMP_ECHO_REPLY)
		fp_stats_inc(st, FP_CTR_ICMP_ECHO_REPLIES);
	if (ip[FP_IP4_OFF_PROTO] == FP_IPPROTO_TCP) {
		fp_stats_inc(st, FP_CTR_TCP_SEGS_OUT);
		if (n == sizeof(h) && (ip[FP_IP4_HLEN + FP_TCP_OFF_FLAGS] & FP_TCP_RST))
			fp_stats_inc(st, FP_CTR_TCP_RST_SENT);
	}
}

static err_t
fw_linkoutput(struct netif *netif, struct pbuf *p)
{
	err_t err = fw_nif.driver_output(netif, p);

	if (err == ERR_OK)
		fw_count_tx(fw_nif.ctx.stats, p);
	else
		fp_stats_inc(fw_nif.ctx.stats, FP_CTR_DROP_TX_FULL);
	return err;
}

void
fw_netif_attach(struct netif *netif, struct fp_stats *st)
{
	memset(&fw_nif, 0, sizeof(fw_nif));
	fw_nif.ctx.stats = st;
	fw_nif.ctx.n_ifaces = 1;
	memcpy(fw_nif.ctx.ifaces[0].mac, netif->hwaddr, FP_ETH_ALEN);
	fw_nif.driver_output = netif->linkoutput;
	netif->linkoutput = fw_linkoutput;
}

/* The address lib/ checks against: whatever lwIP has now (host order). */
static void
fw_iface_refresh(struct fp_iface *ifc, const struct netif *netif)
{
	uint32_t mask = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(netif)));

	ifc->ip4 = lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(netif)));
	ifc->prefix_len = (uint8_t)(mask ? 32 - __builtin_ctz(mask) : 0);
	ifc->mtu = netif->mtu;
}

/* What lib/ accepts, by ethertype and protocol; @return 0 to drop (counted). */
static int
fw_classify(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	struct fp_stats *st = ctx->stats;
	uint16_t type;

	if (!fp_eth_validate(ctx, pkt))
		return 0;
	type = fp_load_be16(pkt->data + FP_ETH_OFF_TYPE);
	if (type == FP_ETHERTYPE_ARP) {
		if (pkt->len >= FP_ETH_HLEN + FP_ARP_LEN &&
				fp_load_be16(pkt->data + FP_ETH_HLEN + FP_ARP_OFF_OP) ==
						FP_ARP_OP_REQUEST)
			fp_stats_inc(st, FP_CTR_ARP_REQUESTS);
		return 1; /* lwIP's etharp validates and answers */
	}
	if (type != FP_ETHERTYPE_IPV4) {
		fp_stats_inc(st, FP_CTR_DROP_ETH_TYPE);
		return 0;
	}
	if (!fp_ip4_validate(ctx, pkt))
		return 0;
	switch (pkt->data[pkt->l3 + FP_IP4_OFF_PROTO]) {
	case FP_IPPROTO_TCP:
		fp_stats_inc(st, FP_CTR_TCP_SEGS_IN);
		return 1;
	case FP_IPPROTO_ICMP:
		return 1;
	default:
		fp_stats_inc(st, FP_CTR_DROP_IP4_PROTO);
		return 0;
	}
}

err_t
fw_netif_input(struct pbuf *p, struct netif *netif)
{
	struct fp_ctx *ctx = &fw_nif.ctx;
	struct fp_pkt pkt = {.data = p->payload, .len = p->len, .room = p->len};

	if (ctx->stats == NULL)
		return ethernet_input(p, netif); /* not attached yet */
	fp_stats_inc(ctx->stats, FP_CTR_RX_PACKETS);
	fp_stats_add(ctx->stats, FP_CTR_RX_BYTES, p->tot_len);
	/* lib/ reads one contiguous frame, as the appliance drops multi-segment mbufs. */
	if (p->next != NULL) {
		fp_stats_inc(ctx->stats, FP_CTR_DROP_RX_MULTISEG);
		goto out_drop;
	}
	fw_iface_refresh(&ctx->ifaces[0], netif);
	if (!fw_classify(ctx, &pkt))
		goto out_drop;
	return ethernet_input(p, netif);

out_drop:
	pbuf_free(p);
	return ERR_OK;
}
