/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lwIP configuration for the firmware on a Cortex-M board: NO_SYS=1 (one
 * main loop, no RTOS), raw API only, IPv4 + ARP + ICMP + TCP, static
 * addressing, lwIP's MQTT client. Overrides lwIP's opt.h defaults; the host
 * build uses Debian's own lwipopts.h instead (its liblwip was compiled with
 * that one). Pools are sized for FW_MAX_FLOWS echo flows plus the MQTT
 * connection within the RAM budget in README.md.
 */
#ifndef FW_LWIPOPTS_H
#define FW_LWIPOPTS_H

#include "board_limits.h" /* FW_MAX_FLOWS, FW_MAX_LISTEN */

/* No OS: the board's main loop calls the netif poll and sys_check_timeouts(). */
#define NO_SYS               1
#define SYS_LIGHTWEIGHT_PROT 0 /* the MAC's interrupt only wakes the loop, never calls lwIP */
#define LWIP_NETCONN         0
#define LWIP_SOCKET          0
#define LWIP_SINGLE_NETIF    1

/* Protocols. */
#define LWIP_IPV4          1
#define LWIP_IPV6          0
#define LWIP_ARP           1
#define LWIP_ETHERNET      1
#define LWIP_ICMP          1
#define LWIP_RAW           0
#define LWIP_UDP           0
#define LWIP_DHCP          0
#define LWIP_IGMP          0
#define LWIP_DNS           0
#define LWIP_TCP           1
#define IP_REASSEMBLY      0
#define IP_FRAG            0
#define LWIP_TCP_KEEPALIVE 0

/* Memory: a heap for TCP segments and PBUF_RAM, pools for the rest. */
#define MEM_ALIGNMENT           4
#define MEM_SIZE                (16 * 1024)
#define MEMP_NUM_PBUF           8
#define PBUF_POOL_SIZE          12                 /* received frames, 1516 bytes each */
#define MEMP_NUM_TCP_PCB        (FW_MAX_FLOWS + 3) /* + MQTT, TIME_WAIT, a refused one */
#define MEMP_NUM_TCP_PCB_LISTEN FW_MAX_LISTEN
#define MEMP_NUM_TCP_SEG        32
/* lwIP's cyclic timers, MQTT's keepalive timer and its reconnect back-off. */
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 2)

/* TCP: two full-size segments of window and send buffer per flow. */
#define TCP_MSS            1460
#define TCP_WND            (2 * TCP_MSS)
#define TCP_SND_BUF        (2 * TCP_MSS)
#define TCP_SND_QUEUELEN   (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_LISTEN_BACKLOG 0

/* Checksums in software (a MAC with offload turns the CHECKSUM_* off). */
#define LWIP_CHECKSUM_ON_COPY 1

/* No lwIP statistics: the firmware keeps lib/'s counters (fp/stats.h). */
#define LWIP_STATS 0

/*
 * lwIP's MQTT client (src/apps/mqtt): a publish is queued whole in its
 * output ring, so the ring holds one stats document (about 2 KB) plus the
 * PUBLISH header and topic.
 */
#define MQTT_OUTPUT_RINGBUF_SIZE 2560
#define MQTT_REQ_MAX_IN_FLIGHT   4

#endif /* FW_LWIPOPTS_H */
