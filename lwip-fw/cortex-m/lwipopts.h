/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lwIP configuration for the firmware on a Cortex-M board: NO_SYS=1 (one
 * main loop, no RTOS), raw API only, IPv4 + ARP + ICMP + TCP, static
 * addressing. Overrides lwIP's opt.h defaults; the host build uses Debian's
 * own lwipopts.h instead (its liblwip was compiled with that one).
 * Sizes follow the firmware limits below; a port tunes them to its RAM.
 */
#ifndef FW_LWIPOPTS_H
#define FW_LWIPOPTS_H

/* Firmware limits (the [tcp] config may ask for less, never for more). */
#define FW_MAX_FLOWS     4    /* echo connections served at once */
#define FW_ECHO_BUF_SIZE 2048 /* echo bytes buffered per connection, power of two */

/* No OS: the board's main loop calls the netif poll and sys_check_timeouts(). */
#define NO_SYS               1
#define SYS_LIGHTWEIGHT_PROT 0 /* 1 if the driver touches lwIP from an interrupt */
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
#define LWIP_TCP           1
#define IP_REASSEMBLY      0
#define IP_FRAG            0
#define LWIP_TCP_KEEPALIVE 0

/* Memory: a heap for TCP segments and PBUF_RAM, pools for the rest. */
#define MEM_ALIGNMENT           4
#define MEM_SIZE                (16 * 1024)
#define MEMP_NUM_PBUF           8
#define PBUF_POOL_SIZE          12
#define MEMP_NUM_TCP_PCB        (FW_MAX_FLOWS + 2) /* + TIME_WAIT / refused handshakes */
#define MEMP_NUM_TCP_PCB_LISTEN 2
#define MEMP_NUM_TCP_SEG        32

/* TCP: one full-size segment window per flow pair of buffers. */
#define TCP_MSS            1460
#define TCP_WND            (2 * TCP_MSS)
#define TCP_SND_BUF        (2 * TCP_MSS)
#define TCP_SND_QUEUELEN   (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_LISTEN_BACKLOG 0

/* Checksums in software (a MAC with offload turns the CHECKSUM_* off). */
#define LWIP_CHECKSUM_ON_COPY 1

/* No lwIP statistics: the firmware keeps lib/'s counters (fp/stats.h). */
#define LWIP_STATS 0

#endif /* FW_LWIPOPTS_H */
