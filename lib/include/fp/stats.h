/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters of one packet-processing context (one lcore, or the firmware).
 * The list below is the single source of the enum, the names printed by the
 * CLI and the keys of the telemetry document, so they cannot drift apart.
 * One writer (the owning lcore); readers on other threads use fp_stats_get().
 */
#ifndef FP_STATS_H
#define FP_STATS_H

#include <stdint.h>

/*
 * X(ENUM_SUFFIX, "name") -- keep names stable: they are the telemetry schema.
 * Events first, then the drops (FP_FOREACH_DROP_COUNTER), which are named
 * drop_<layer>_<reason>; every drop path bumps exactly one.
 */
#define FP_FOREACH_COUNTER(X) FP_FOREACH_EVENT_COUNTER(X) FP_FOREACH_DROP_COUNTER(X)

#define FP_FOREACH_EVENT_COUNTER(X)                                      \
	X(RX_PACKETS, "rx_packets")                                     \
	X(RX_BYTES, "rx_bytes")                                         \
	X(TX_PACKETS, "tx_packets")                                     \
	X(TX_BYTES, "tx_bytes")                                         \
	X(ARP_REQUESTS, "arp_requests")                                 \
	X(ARP_REPLIES_SENT, "arp_replies_sent")                         \
	X(ICMP_ECHO_REPLIES, "icmp_echo_replies")                       \
	X(TCP_SEGS_IN, "tcp_segs_in")                                   \
	X(TCP_SEGS_OUT, "tcp_segs_out")                                 \
	X(TCP_BYTES_ECHOED, "tcp_bytes_echoed")                         \
	X(TCP_RST_SENT, "tcp_rst_sent")                                 \
	X(TCP_RETRANSMITS, "tcp_retransmits")                           \
	X(TCP_FAST_RETRANSMITS, "tcp_fast_retransmits")                 \
	X(TCP_CHALLENGE_ACKS, "tcp_challenge_acks")                     \
	X(TCP_SYN_COOKIES_SENT, "tcp_syn_cookies_sent")                 \
	X(TCP_SYN_COOKIES_OK, "tcp_syn_cookies_ok")                     \
	X(TCP_SYN_COOKIES_BAD, "tcp_syn_cookies_bad")                   \
	X(TCP_OOO_SEGS, "tcp_ooo_segs")                                 \
	X(TCP_DUP_ACKS, "tcp_dup_acks")                                 \
	X(TCP_PERSIST_PROBES, "tcp_persist_probes")                     \
	X(TCP_PREDICTED, "tcp_predicted")                               \
	X(FLOWS_OPENED, "flows_opened")                                 \
	X(FLOWS_CLOSED, "flows_closed")                                 \
	X(FLOWS_RESET, "flows_reset")                                   \
	X(FLOWS_TIMED_OUT, "flows_timed_out")                           \
	X(FLOWS_REFUSED, "flows_refused")

#define FP_FOREACH_DROP_COUNTER(X)                                       \
	X(DROP_ETH_TRUNCATED, "drop_eth_truncated")                     \
	X(DROP_ETH_NOT_US, "drop_eth_not_us")                           \
	X(DROP_ETH_SRC_GROUP, "drop_eth_src_group")                     \
	X(DROP_ETH_VLAN, "drop_eth_vlan")                               \
	X(DROP_ETH_TYPE, "drop_eth_type")                               \
	X(DROP_ARP_MALFORMED, "drop_arp_malformed")                     \
	X(DROP_ARP_NOT_US, "drop_arp_not_us")                           \
	X(DROP_IP4_TRUNCATED, "drop_ip4_truncated")                     \
	X(DROP_IP4_VERSION, "drop_ip4_version")                         \
	X(DROP_IP4_BAD_IHL, "drop_ip4_bad_ihl")                         \
	X(DROP_IP4_BAD_LEN, "drop_ip4_bad_len")                         \
	X(DROP_IP4_CSUM, "drop_ip4_csum")                               \
	X(DROP_IP4_TTL, "drop_ip4_ttl")                                 \
	X(DROP_IP4_OPTIONS, "drop_ip4_options")                         \
	X(DROP_IP4_FRAGMENT, "drop_ip4_fragment")                       \
	X(DROP_IP4_NOT_US, "drop_ip4_not_us")                           \
	X(DROP_IP4_LINK_BCAST, "drop_ip4_link_bcast")                   \
	X(DROP_IP4_BAD_SRC, "drop_ip4_bad_src")                         \
	X(DROP_IP4_PROTO, "drop_ip4_proto")                             \
	X(DROP_ICMP_TRUNCATED, "drop_icmp_truncated")                   \
	X(DROP_ICMP_CSUM, "drop_icmp_csum")                             \
	X(DROP_ICMP_TYPE, "drop_icmp_type")                             \
	X(DROP_TCP_TRUNCATED, "drop_tcp_truncated")                     \
	X(DROP_TCP_BAD_DOFF, "drop_tcp_bad_doff")                       \
	X(DROP_TCP_CSUM, "drop_tcp_csum")                               \
	X(DROP_TCP_BAD_FLAGS, "drop_tcp_bad_flags")                     \
	X(DROP_TCP_NO_FLOW, "drop_tcp_no_flow")                         \
	X(DROP_TCP_OUT_OF_WINDOW, "drop_tcp_out_of_window")             \
	X(DROP_TCP_TIME_WAIT_RST, "drop_tcp_time_wait_rst")             \
	X(DROP_TCP_NO_STATE, "drop_tcp_no_state")                       \
	X(DROP_ACL_DENY, "drop_acl_deny")                               \
	X(DROP_RATE_LIMIT, "drop_rate_limit")                           \
	X(DROP_RX_MULTISEG, "drop_rx_multiseg")                         \
	X(DROP_TX_NO_MBUF, "drop_tx_no_mbuf")                           \
	X(DROP_TX_FULL, "drop_tx_full")

enum fp_counter {
#define FP_X_ENUM(id, name) FP_CTR_##id,
	FP_FOREACH_COUNTER(FP_X_ENUM)
#undef FP_X_ENUM
	FP_CTR_COUNT
};

/** A block of counters owned by one writer. */
struct fp_stats {
	uint64_t c[FP_CTR_COUNT]; /**< indexed by enum fp_counter */
	uint32_t flows_open;      /**< gauge: flows currently in the table */
};

/** Stable name of a counter ("rx_packets"), or NULL when out of range. */
const char *fp_stats_name(enum fp_counter id);

/**
 * For a drop counter ("drop_<layer>_<reason>"), its name without "drop_"
 * ("eth_truncated"): the reason label of the metrics endpoint's drop family.
 * @return the reason, or NULL when id is not a drop counter.
 */
const char *fp_stats_drop_reason(enum fp_counter id);

/*
 * Single-writer counters read by another thread: the writer does a plain
 * read-modify-write but publishes with a relaxed atomic store, so a reader
 * never sees a torn value. Targets without 64-bit atomics (Cortex-M) define
 * FP_STATS_NO_ATOMIC and read from the same thread.
 */
#ifndef FP_STATS_NO_ATOMIC
#define FP__STATS_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define FP__STATS_LOAD(p)     __atomic_load_n((p), __ATOMIC_RELAXED)
#else
#define FP__STATS_STORE(p, v) (*(p) = (v))
#define FP__STATS_LOAD(p)     (*(p))
#endif

/** Add n to a counter. Context: the owning context only. */
static inline void
fp_stats_add(struct fp_stats *st, enum fp_counter id, uint64_t n)
{
	FP__STATS_STORE(&st->c[id], st->c[id] + n);
}

static inline void
fp_stats_inc(struct fp_stats *st, enum fp_counter id)
{
	fp_stats_add(st, id, 1);
}

/** Read a counter. Context: any thread. */
static inline uint64_t
fp_stats_get(const struct fp_stats *st, enum fp_counter id)
{
	return FP__STATS_LOAD(&st->c[id]);
}

/** Set the open-flows gauge. Context: the owning context only. */
static inline void
fp_stats_set_flows_open(struct fp_stats *st, uint32_t n)
{
	FP__STATS_STORE(&st->flows_open, n);
}

static inline uint32_t
fp_stats_get_flows_open(const struct fp_stats *st)
{
	return FP__STATS_LOAD(&st->flows_open);
}

/** Sum `src` into `dst` (for totals). Context: any thread; dst is private. */
void fp_stats_accumulate(struct fp_stats *dst, const struct fp_stats *src);

/** Sum of the drop counters (FP_FOREACH_DROP_COUNTER). Context: any thread. */
uint64_t fp_stats_drops(const struct fp_stats *st);

#endif /* FP_STATS_H */
