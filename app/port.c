/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: [port i] of the config is the i-th ethdev port in EAL order
 * (RTE_ETH_FOREACH_DEV). Every port gets the same n_queues RX/TX queue
 * pairs; worker w polls queue w on every port. If a PMD offers fewer queues
 * than there are workers, the extra workers stay idle (with a warning) rather
 * than refusing to start: af_packet defaults to one queue pair.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "fp/text.h"

#include "lcore.h"
#include "log.h"
#include "port.h"

/* TX checksum offloads used together: lib/ leaves both fields or neither. */
#define APP_TX_CSUM (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM)

int
app_port_probe(struct app_port *ports, const struct fp_cfg *cfg, unsigned n_workers,
		uint16_t *n_queues)
{
	uint16_t pid, found = 0;
	uint16_t queues = (uint16_t)RTE_MIN(n_workers, (unsigned)UINT16_MAX);

	RTE_ETH_FOREACH_DEV(pid) {
		struct rte_eth_dev_info info;
		struct app_port *p = &ports[found];
		int rc;

		if (found == cfg->n_ports) {
			APP_INFO("ethdev port %u is not configured ([port %u] missing): ignored",
					pid, found);
			continue;
		}
		rc = rte_eth_dev_info_get(pid, &info);
		if (rc < 0) {
			APP_ERR("port %u: cannot get device info: %s", pid, rte_strerror(-rc));
			return rc;
		}
		if (cfg->ports[found].mtu > info.max_mtu) {
			APP_ERR("[port %u] (%s): mtu %u is above the device maximum %u", found,
					info.driver_name, cfg->ports[found].mtu, info.max_mtu);
			return -EINVAL;
		}
		if (info.max_rx_queues < queues || info.max_tx_queues < queues) {
			uint16_t max = RTE_MIN(info.max_rx_queues, info.max_tx_queues);

			APP_WARN("[port %u] (%s) supports %u queue pair(s), not %u: "
				 "only %u worker(s) will poll",
					found, info.driver_name, max, queues, max);
			queues = max;
		}
		/* The MAC now: workers are built (with it) before any port starts. */
		rc = rte_eth_macaddr_get(pid, &p->mac);
		if (rc < 0) {
			APP_ERR("port %u: cannot read its MAC address: %s", pid, rte_strerror(-rc));
			return rc;
		}
		p->index = found;
		p->id = pid;
		p->started = false;
		/* Decided now: workers tell lib/ (fp_iface.tx_offload) before the port starts. */
		p->tx_csum = (info.tx_offload_capa & APP_TX_CSUM) == APP_TX_CSUM;
		p->cfg = &cfg->ports[found];
		found++;
	}
	if (found < cfg->n_ports) {
		APP_ERR("%s configures %u port(s) but EAL found %u (use --vdev or -a)", cfg->path,
				cfg->n_ports, found);
		return -ENODEV;
	}
	if (queues == 0) {
		APP_ERR("no queue pairs available");
		return -EINVAL;
	}
	*n_queues = queues;
	return 0;
}

struct rte_mempool *
app_port_pool_create(const struct fp_cfg *cfg, uint16_t n_queues)
{
	const struct fp_cfg_dpdk *d = &cfg->dpdk;
	uint32_t max_frame = 0, need;
	struct rte_mempool *pool;
	uint16_t room;

	for (unsigned i = 0; i < cfg->n_ports; i++)
		max_frame = RTE_MAX(max_frame,
				(uint32_t)cfg->ports[i].mtu + RTE_ETHER_HDR_LEN +
						RTE_ETHER_CRC_LEN + 2 * RTE_VLAN_HLEN);
	/* Single-segment frames: one mbuf must hold the largest frame. */
	room = (uint16_t)RTE_MAX(
			(uint32_t)RTE_MBUF_DEFAULT_BUF_SIZE, RTE_PKTMBUF_HEADROOM + max_frame);

	need = (uint32_t)cfg->n_ports * n_queues * (d->rx_desc + d->tx_desc) +
			n_queues * (d->mbuf_cache + (APP_BURST + APP_TXQ_LEN) * FP_MAX_IFACES);
	if (d->mbufs < need)
		APP_WARN("[dpdk] mbufs = %u may be too few: %u port(s) x %u queue(s) need about %u",
				d->mbufs, cfg->n_ports, n_queues, need);

	pool = rte_pktmbuf_pool_create(
			"fp_mbufs", d->mbufs, d->mbuf_cache, 0, room, (int)rte_socket_id());
	if (pool == NULL) {
		APP_ERR("cannot create the mbuf pool (%u x %u bytes): %s", d->mbufs, room,
				rte_strerror(rte_errno));
		return NULL;
	}
	APP_INFO("mbuf pool: %u mbufs of %u bytes, cache %u", d->mbufs, room, d->mbuf_cache);
	return pool;
}

static void
port_log_started(const struct app_port *p, const struct rte_eth_dev_info *info,
		const struct rte_eth_conf *conf, uint16_t n_queues, uint16_t nb_rxd,
		uint16_t nb_txd)
{
	struct rte_eth_link link;
	char mac[RTE_ETHER_ADDR_FMT_SIZE], lk[64], ip[FP_IP4_STR_LEN];

	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	if (rte_eth_link_get_nowait(p->id, &link) < 0)
		snprintf(lk, sizeof(lk), "link unknown");
	else if (link.link_status == RTE_ETH_LINK_DOWN)
		snprintf(lk, sizeof(lk), "link down");
	else
		snprintf(lk, sizeof(lk), "link up %u Mbps %s-duplex", link.link_speed,
				link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX ? "full" : "half");
	APP_INFO("[port %u] ethdev %u (%s): %s, %s/%u mtu %u, %u queue(s), rxd %u txd %u, "
		 "rx csum offload %s, tx csum offload %s; %s",
			p->index, p->id, info->driver_name, mac,
			fp_text_format_ip4(p->cfg->ip4, ip), p->cfg->prefix_len, p->cfg->mtu,
			n_queues, nb_rxd, nb_txd, conf->rxmode.offloads ? "on" : "off",
			p->tx_csum ? "on" : "off", lk);
}

static int
port_start(struct app_port *p, const struct fp_cfg_dpdk *dpdk, uint16_t n_queues,
		struct rte_mempool *pool)
{
	uint16_t pid = p->id;
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_rxconf rxq;
	struct rte_eth_txconf txq;
	uint16_t nb_rxd = dpdk->rx_desc, nb_txd = dpdk->tx_desc;
	int socket = rte_eth_dev_socket_id(pid);
	int rc;

	rc = rte_eth_dev_info_get(pid, &info);
	if (rc < 0)
		goto out_err;

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = p->cfg->mtu;
	if (n_queues > 1) {
		uint64_t hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP) & info.flow_type_rss_offloads;

		if (hf != 0) {
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			conf.rx_adv_conf.rss_conf.rss_hf = hf;
		} else {
			APP_INFO("[port %u] (%s): no RSS configuration; the PMD spreads flows "
				 "itself",
					p->index, info.driver_name);
		}
	}
	/* Let the NIC verify checksums where it can; lib/ skips its own check then. */
	conf.rxmode.offloads = (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM) &
			info.rx_offload_capa;
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE & info.tx_offload_capa;
	/* And fill in the checksums lib/ leaves to it (FP_PKT_TX_CSUM). */
	if (p->tx_csum)
		conf.txmode.offloads |= APP_TX_CSUM;

	rc = rte_eth_dev_configure(pid, n_queues, n_queues, &conf);
	if (rc < 0)
		goto out_err;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nb_rxd, &nb_txd);
	if (rc < 0)
		goto out_err;

	rxq = info.default_rxconf;
	rxq.offloads = conf.rxmode.offloads;
	txq = info.default_txconf;
	txq.offloads = conf.txmode.offloads;
	for (uint16_t q = 0; q < n_queues; q++) {
		rc = rte_eth_rx_queue_setup(pid, q, nb_rxd, (unsigned)socket, &rxq, pool);
		if (rc < 0)
			goto out_err;
		rc = rte_eth_tx_queue_setup(pid, q, nb_txd, (unsigned)socket, &txq);
		if (rc < 0)
			goto out_err;
	}
	rc = rte_eth_dev_start(pid);
	if (rc < 0)
		goto out_err;
	p->started = true;
	port_log_started(p, &info, &conf, n_queues, nb_rxd, nb_txd);
	return 0;

out_err:
	APP_ERR("[port %u] ethdev %u: setup failed: %s", p->index, pid, rte_strerror(-rc));
	return rc;
}

int
app_port_start_all(struct app_port *ports, uint16_t n_ports, const struct fp_cfg_dpdk *dpdk,
		uint16_t n_queues, struct rte_mempool *pool)
{
	for (uint16_t i = 0; i < n_ports; i++) {
		int rc = port_start(&ports[i], dpdk, n_queues, pool);

		if (rc < 0) {
			app_port_stop_all(ports, n_ports);
			return rc;
		}
	}
	return 0;
}

void
app_port_stop_all(struct app_port *ports, uint16_t n_ports)
{
	for (uint16_t i = 0; i < n_ports; i++) {
		struct app_port *p = &ports[i];
		int rc;

		if (!p->started)
			continue;
		rc = rte_eth_dev_stop(p->id);
		if (rc < 0)
			APP_WARN("[port %u] stop: %s", p->index, rte_strerror(-rc));
		rc = rte_eth_dev_close(p->id);
		if (rc < 0)
			APP_WARN("[port %u] close: %s", p->index, rte_strerror(-rc));
		p->started = false;
	}
}

void
app_port_print_stats(const struct app_port *p)
{
	struct rte_eth_stats st;

	if (!p->started || rte_eth_stats_get(p->id, &st) < 0)
		return;
	printf("port %u (ethdev %u): ipackets %" PRIu64 " opackets %" PRIu64 " ibytes %" PRIu64
	       " obytes %" PRIu64 " imissed %" PRIu64 " ierrors %" PRIu64 " oerrors %" PRIu64
	       " rx_nombuf %" PRIu64 "\n",
			p->index, p->id, st.ipackets, st.opackets, st.ibytes, st.obytes, st.imissed,
			st.ierrors, st.oerrors, st.rx_nombuf);
}
