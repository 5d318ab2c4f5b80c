/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Linux tap driver for the host firmware: read(2) frames into PBUF_RAM pbufs
 * and pass them to netif->input; linkoutput flattens a pbuf chain with
 * pbuf_copy_partial() and write(2)s it. Polled by main.c, never threaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"

#include "fw_tap.h"

#define FW_TAP_FRAME_MAX 1518 /* 1500 + Ethernet header + one VLAN tag */

static err_t
fw_tap_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct fw_tap *tap = netif->state;
	uint8_t frame[FW_TAP_FRAME_MAX];
	ssize_t n;

	if (p->tot_len > sizeof(frame))
		return ERR_IF;
	pbuf_copy_partial(p, frame, p->tot_len, 0);
	n = write(tap->fd, frame, p->tot_len);
	/* EIO: the kernel side is still down; a lost frame, as on a cable. */
	return n == (ssize_t)p->tot_len ? ERR_OK : ERR_IF;
}

err_t
fw_tap_netif_init(struct netif *netif)
{
	struct fw_tap *tap = netif->state;
	struct ifreq ifr;

	tap->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (tap->fd < 0) {
		fprintf(stderr, "fw_tap: /dev/net/tun: %s (modprobe tun?)\n", strerror(errno));
		return ERR_IF;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (strlen(tap->name) >= sizeof(ifr.ifr_name)) {
		fprintf(stderr, "fw_tap: interface name '%s' too long\n", tap->name);
		goto out_close;
	}
	strcpy(ifr.ifr_name, tap->name);
	if (ioctl(tap->fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "fw_tap: TUNSETIFF %s: %s\n", tap->name, strerror(errno));
		goto out_close;
	}
	netif->name[0] = 't';
	netif->name[1] = 'p';
	netif->output = etharp_output;
	netif->linkoutput = fw_tap_linkoutput;
	netif->mtu = 1500;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	/* Locally administered unicast MAC, the one lwIP's unix tapif uses. */
	memcpy(netif->hwaddr, "\x02\x12\x34\x56\x78\xab", ETH_HWADDR_LEN);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	/*
	 * The link comes up with the first frame from the kernel side (see
	 * fw_tap_poll): writes fail with EIO until ip(8) sets the tap up, and the
	 * gratuitous ARP lwIP sends on link-up should not be lost to that.
	 */
	return ERR_OK;

out_close:
	close(tap->fd);
	tap->fd = -1;
	return ERR_IF;
}

int
fw_tap_poll(struct netif *netif, int budget)
{
	struct fw_tap *tap = netif->state;
	uint8_t frame[FW_TAP_FRAME_MAX];
	int done = 0;

	while (done < budget) {
		ssize_t n = read(tap->fd, frame, sizeof(frame));
		struct pbuf *p;

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -1;
		}
		done++;
		if (!netif_is_link_up(netif))
			netif_set_link_up(netif);
		p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
		if (p == NULL)
			continue; /* out of memory: dropped, as a NIC would */
		pbuf_take(p, frame, (u16_t)n);
		/* netif_input_fn: on failure the caller still owns the pbuf. */
		if (netif->input(p, netif) != ERR_OK)
			pbuf_free(p);
	}
	return done;
}
