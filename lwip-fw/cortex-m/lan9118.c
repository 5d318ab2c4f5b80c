/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LAN9118 PIO driver (SMSC LAN9118 datasheet rev. 1.5, section 5: register
 * map; 3.12/3.13: TX and RX data paths). RX: read the status word, then
 * ceil(length / 4) data words (the length includes the 4-byte FCS), copy
 * the frame into a PBUF_POOL pbuf, hand it to netif->input. TX: command
 * words A and B, then the frame as little-endian 32-bit words gathered from
 * the pbuf chain. Every wait on the chip is bounded.
 */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"

#include "lan9118.h"

/* Register offsets. */
#define RX_DATA_FIFO   0x00
#define TX_DATA_FIFO   0x20
#define RX_STATUS_FIFO 0x40
#define TX_STATUS_FIFO 0x48
#define IRQ_CFG        0x54
#define INT_STS        0x58
#define INT_EN         0x5c
#define BYTE_TEST      0x64
#define RX_CFG         0x6c
#define TX_CFG         0x70
#define HW_CFG         0x74
#define RX_FIFO_INF    0x7c
#define TX_FIFO_INF    0x80
#define PMT_CTRL       0x84
#define MAC_CSR_CMD    0xa4
#define MAC_CSR_DATA   0xa8

#define BYTE_TEST_MAGIC       0x87654321u
#define HW_CFG_SRST           (1u << 0)
#define PMT_CTRL_READY        (1u << 0)
#define IRQ_CFG_TYPE_PP       (1u << 0) /* push-pull */
#define IRQ_CFG_POL_HIGH      (1u << 4) /* active high */
#define IRQ_CFG_EN            (1u << 8)
#define INT_RSFL              (1u << 3) /* RX status FIFO above its level */
#define TX_CFG_TX_ON          (1u << 1)
#define RX_STS_ES             (1u << 15)
#define RX_STS_LEN(s)         (((s) >> 16) & 0x3fff)
#define RX_FIFO_INF_SUSED(v)  (((v) >> 16) & 0xff)
#define TX_FIFO_INF_TDFREE(v) ((v)&0xffff)
#define TX_CMD_A_FS           (1u << 13)
#define TX_CMD_A_LS           (1u << 12)

/* MAC control and status registers, reached through MAC_CSR_CMD/DATA. */
#define MAC_CSR_BUSY (1u << 31)
#define MAC_CSR_READ (1u << 30)
#define MAC_CR       1
#define MAC_ADDRH    2
#define MAC_ADDRL    3
#define MAC_MII_ACC  6
#define MAC_MII_DATA 7
#define MAC_CR_FDPX  (1u << 20)
#define MAC_CR_TXEN  (1u << 3)
#define MAC_CR_RXEN  (1u << 2)
#define MII_ACC_BUSY (1u << 0)
#define MII_PHY_ADDR 1u /* the internal PHY */
#define PHY_BSR      1
#define PHY_BSR_LINK (1u << 2)

#define FRAME_MAX     1514 /* lwIP's frames: MTU 1500 + Ethernet header, no FCS */
#define SPIN_MAX      100000
#define LINK_CHECK_MS 500

static inline uint32_t
rd(const struct lan9118 *d, uint32_t off)
{
	return *(volatile const uint32_t *)(d->base + off);
}

static inline void
wr(const struct lan9118 *d, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(d->base + off) = v;
}

/* Wait until (reg & mask) == want. @return 0, or -1 after SPIN_MAX reads */
static int
wait_for(const struct lan9118 *d, uint32_t off, uint32_t mask, uint32_t want)
{
	for (int i = 0; i < SPIN_MAX; i++)
		if ((rd(d, off) & mask) == want)
			return 0;
	return -1;
}

static int
mac_read(const struct lan9118 *d, uint32_t reg, uint32_t *v)
{
	if (wait_for(d, MAC_CSR_CMD, MAC_CSR_BUSY, 0) != 0)
		return -1;
	wr(d, MAC_CSR_CMD, MAC_CSR_BUSY | MAC_CSR_READ | reg);
	if (wait_for(d, MAC_CSR_CMD, MAC_CSR_BUSY, 0) != 0)
		return -1;
	*v = rd(d, MAC_CSR_DATA);
	return 0;
}

static int
mac_write(const struct lan9118 *d, uint32_t reg, uint32_t v)
{
	if (wait_for(d, MAC_CSR_CMD, MAC_CSR_BUSY, 0) != 0)
		return -1;
	wr(d, MAC_CSR_DATA, v);
	wr(d, MAC_CSR_CMD, MAC_CSR_BUSY | reg);
	return wait_for(d, MAC_CSR_CMD, MAC_CSR_BUSY, 0);
}

/* PHY basic status register, through the MAC's MII management port. */
static int
phy_link_up(const struct lan9118 *d)
{
	uint32_t acc = (MII_PHY_ADDR << 11) | ((uint32_t)PHY_BSR << 6) | MII_ACC_BUSY, v;

	if (mac_write(d, MAC_MII_ACC, acc) != 0)
		return 0;
	for (int i = 0; i < SPIN_MAX; i++) {
		if (mac_read(d, MAC_MII_ACC, &v) != 0)
			return 0;
		if (!(v & MII_ACC_BUSY))
			return mac_read(d, MAC_MII_DATA, &v) == 0 && (v & PHY_BSR_LINK);
	}
	return 0;
}

static err_t
lan9118_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct lan9118 *d = netif->state;
	uint16_t len = p->tot_len;
	uint32_t word = 0;
	unsigned nbytes = 0;

	if (len > FRAME_MAX)
		return ERR_IF;
	/* Room for the whole frame plus the two command words, or nothing is written. */
	for (int i = 0; TX_FIFO_INF_TDFREE(rd(d, TX_FIFO_INF)) < (uint32_t)len + 8u; i++) {
		if (i == SPIN_MAX) {
			d->tx_timeouts++;
			return ERR_IF;
		}
	}
	/* One buffer per frame: first and last segment, 4-byte aligned, tag = length. */
	wr(d, TX_DATA_FIFO, TX_CMD_A_FS | TX_CMD_A_LS | len);
	wr(d, TX_DATA_FIFO, ((uint32_t)len << 16) | len);
	for (const struct pbuf *q = p; q != NULL; q = q->next) {
		const uint8_t *b = q->payload;

		for (uint16_t i = 0; i < q->len; i++) {
			word |= (uint32_t)b[i] << (8 * nbytes);
			if (++nbytes == 4) {
				wr(d, TX_DATA_FIFO, word);
				word = 0;
				nbytes = 0;
			}
		}
	}
	if (nbytes != 0)
		wr(d, TX_DATA_FIFO, word);
	/* The TX status words say nothing we act on: drain them so the FIFO never fills. */
	while ((rd(d, TX_FIFO_INF) >> 16) & 0xff)
		(void)rd(d, TX_STATUS_FIFO);
	return ERR_OK;
}

err_t
lan9118_netif_init(struct netif *netif)
{
	struct lan9118 *d = netif->state;
	uint32_t lo, hi;

	if (rd(d, BYTE_TEST) != BYTE_TEST_MAGIC)
		return ERR_IF;
	wr(d, HW_CFG, HW_CFG_SRST);
	if (wait_for(d, HW_CFG, HW_CFG_SRST, 0) != 0 ||
			wait_for(d, PMT_CTRL, PMT_CTRL_READY, PMT_CTRL_READY) != 0)
		return ERR_IF;
	if (mac_read(d, MAC_ADDRL, &lo) != 0 || mac_read(d, MAC_ADDRH, &hi) != 0)
		return ERR_IF;
	netif->hwaddr[0] = (uint8_t)lo;
	netif->hwaddr[1] = (uint8_t)(lo >> 8);
	netif->hwaddr[2] = (uint8_t)(lo >> 16);
	netif->hwaddr[3] = (uint8_t)(lo >> 24);
	netif->hwaddr[4] = (uint8_t)hi;
	netif->hwaddr[5] = (uint8_t)(hi >> 8);
	netif->hwaddr_len = ETH_HWADDR_LEN;
	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->mtu = 1500;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	netif->output = etharp_output;
	netif->linkoutput = lan9118_linkoutput;

	wr(d, RX_CFG, 0); /* no leading offset, 4-byte end alignment */
	wr(d, TX_CFG, TX_CFG_TX_ON);
	/* Reset leaves the MAC promiscuous: filter on our address and broadcast instead. */
	if (mac_write(d, MAC_CR, MAC_CR_FDPX | MAC_CR_TXEN | MAC_CR_RXEN) != 0)
		return ERR_IF;
	wr(d, INT_STS, 0xffffffffu);
	wr(d, INT_EN, INT_RSFL);
	wr(d, IRQ_CFG, IRQ_CFG_EN | IRQ_CFG_POL_HIGH | IRQ_CFG_TYPE_PP);
	d->next_link_ms = sys_now();
	return ERR_OK;
}

int
lan9118_rx_pending(const struct lan9118 *d)
{
	return RX_FIFO_INF_SUSED(rd(d, RX_FIFO_INF)) != 0;
}

void
lan9118_irq_ack(const struct lan9118 *d)
{
	wr(d, INT_STS, INT_RSFL);
}

/* Read one frame's data words; frame bytes go to dst (NULL: discard). */
static void
rx_read(const struct lan9118 *d, uint8_t *dst, uint32_t frame_len, uint32_t words)
{
	for (uint32_t i = 0; i < words; i++) {
		uint32_t w = rd(d, RX_DATA_FIFO);
		uint32_t at = i * 4;

		if (dst != NULL && at < frame_len)
			memcpy(dst + at, &w, frame_len - at < 4 ? frame_len - at : 4);
	}
}

static void
link_check(struct netif *netif, struct lan9118 *d)
{
	uint32_t now = sys_now();
	int up;

	if ((int32_t)(now - d->next_link_ms) < 0)
		return;
	d->next_link_ms = now + LINK_CHECK_MS;
	up = phy_link_up(d);
	if (up && !netif_is_link_up(netif))
		netif_set_link_up(netif);
	else if (!up && netif_is_link_up(netif))
		netif_set_link_down(netif);
}

int
lan9118_poll(struct netif *netif, int budget)
{
	struct lan9118 *d = netif->state;
	int done = 0;

	link_check(netif, d);
	while (done < budget && lan9118_rx_pending(d)) {
		uint32_t st = rd(d, RX_STATUS_FIFO);
		uint32_t len = RX_STS_LEN(st); /* frame + FCS */
		uint32_t words = (len + 3) / 4;
		struct pbuf *p = NULL;

		done++;
		if (!(st & RX_STS_ES) && len >= ETH_HWADDR_LEN * 2 + 2 + 4 && len - 4 <= FRAME_MAX)
			p = pbuf_alloc(PBUF_RAW, (u16_t)(len - 4), PBUF_POOL);
		/* One pool buffer holds a full frame (PBUF_POOL_BUFSIZE): never a chain. */
		if (p != NULL && p->next != NULL) {
			pbuf_free(p);
			p = NULL;
		}
		if (p == NULL) {
			rx_read(d, NULL, 0, words);
			d->rx_dropped++;
			continue;
		}
		rx_read(d, p->payload, len - 4, words);
		/* netif_input_fn: on failure the caller still owns the pbuf. */
		if (netif->input(p, netif) != ERR_OK)
			pbuf_free(p);
	}
	return done;
}
