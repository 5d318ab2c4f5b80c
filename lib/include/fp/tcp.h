/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP echo engine (RFC 9293): per-context flow table, state machine,
 * echo buffers, retransmission and flow control. fp_input() calls
 * fp_tcp_input() for validated IPv4 segments addressed to us; fp_tick()
 * calls fp_tcp_tick(). All memory comes from the caller (fp_tcp_init()).
 */
#ifndef FP_TCP_H
#define FP_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "fp/cfg.h"
#include "fp/core.h"

/** Connection states (RFC 9293 3.3.2); LISTEN is implicit in the port list. */
enum fp_tcp_state {
	FP_TCP_CLOSED,
	FP_TCP_SYN_RECEIVED,
	FP_TCP_ESTABLISHED,
	FP_TCP_CLOSE_WAIT,
	FP_TCP_LAST_ACK,
	FP_TCP_FIN_WAIT_1,
	FP_TCP_FIN_WAIT_2,
	FP_TCP_CLOSING,
	FP_TCP_TIME_WAIT,
	FP_TCP_STATE_COUNT
};

/** A copy of one flow's public state, for the management plane. */
struct fp_tcp_flow_info {
	uint32_t local_ip;  /**< host byte order */
	uint32_t remote_ip; /**< host byte order */
	uint16_t local_port;
	uint16_t remote_port;
	uint8_t state;      /**< enum fp_tcp_state */
	uint32_t snd_wnd;   /**< peer's window, bytes (scaled) */
	uint32_t rcv_wnd;   /**< our advertised window, bytes */
	uint32_t unacked;   /**< bytes sent and not yet acknowledged */
	uint32_t buffered;  /**< bytes in the echo buffer (unacked + unsent) */
	uint32_t srtt_us;   /**< smoothed RTT, 0 before the first sample */
	uint32_t rto_us;    /**< current retransmission timeout */
	uint64_t bytes_in;  /**< payload bytes received in order */
	uint64_t bytes_out; /**< payload bytes acknowledged by the peer */
	uint32_t retransmits;
	uint64_t age_us; /**< time since the flow was created */
};

/**
 * The engine's secret keys, 128 bits each, independent of each other. They
 * come from a strong random source the caller reads (the app: getrandom();
 * lib/ makes no OS call) and stay the same for the engine's life.
 */
struct fp_tcp_keys {
	uint64_t flow_hash[2];  /**< flow table hash (multiply-shift of the 4-tuple) */
	uint64_t isn[2];        /**< RFC 6528 ISN function (SipHash-2-4) */
	uint64_t syn_cookie[2]; /**< SYN cookie MAC (SipHash-2-4) */
};

/**
 * Bytes of caller memory fp_tcp_init() needs for this configuration: the
 * engine, max_flows flow slots (which double as the hash buckets), the
 * working records of active_flows flows and the shared echo chunk pool
 * (echo_pool_kb, by default active_flows x buffer_size within a cap).
 * @return the size, or 0 when cfg is invalid (buffer_size not a power of two
 *         or below 256, max_flows 0 or >= 2^24, mss < 64, rto_min > rto_initial
 *         or rto_initial > rto_max, syn_cookies > 2)
 */
size_t fp_tcp_mem_size(const struct fp_cfg_tcp *cfg);

/**
 * Set up an engine in caller-provided memory (no heap use afterwards).
 * @param mem   at least fp_tcp_mem_size(cfg) bytes, 64-byte aligned
 * @param keys  random keys for the flow hash, ISNs and SYN cookies (copied)
 * @return the engine (at mem), or NULL if the config is invalid, keys is
 *         NULL, mem is too small or not 64-byte aligned
 * syn_cookies == 2 answers SYNs with cookies while max_flows / 4 (at least 1)
 * flows are half-open (SYN_RECEIVED).
 * Context: any, before the engine is used; cfg is copied.
 */
struct fp_tcp *fp_tcp_init(void *mem, size_t mem_len, const struct fp_cfg_tcp *cfg,
		const struct fp_tcp_keys *keys);

/**
 * Change the settings a running engine can take: listen, mss, syn_cookies,
 * idle_timeout_s, time_wait_ms and the rto_* bounds. New connections take
 * them at once. Open flows keep their negotiated MSS; their timers follow
 * the new values, and a shorter idle or linger timeout or new RTO bounds
 * move their deadlines at once (one pass over the flow table), so a flow
 * already idle past the new timeout ends at the next tick. A port dropped
 * from listen keeps its open flows and refuses new ones.
 * @param now_us  the engine's clock (ctx->now_us)
 * @return 0, or -EINVAL with nothing changed when cfg is invalid (as for
 *         fp_tcp_init()) or changes max_flows or buffer_size, which sized
 *         the engine's memory.
 * Context: owner, between two packets.
 */
int fp_tcp_reconfigure(struct fp_tcp *t, const struct fp_cfg_tcp *cfg, uint64_t now_us);

/**
 * Handle one TCP segment. pkt->l3/l4/l4_len are set and the IPv4 header is
 * valid and addressed to ctx->ifaces[pkt->port]. The TCP checksum is not yet
 * checked (skipped when pkt->flags has FP_PKT_L4_CSUM_GOOD).
 * @return FP_VERDICT_TX when pkt was rewritten into the only reply (pkt->len
 *         updated), FP_VERDICT_CONSUMED when nothing or several frames were
 *         sent (all through ctx->tx, in order), FP_VERDICT_DROP with one
 *         drop_tcp_* counter bumped.
 * Ownership: borrows pkt; further output goes through ctx->tx.
 * Context: the ctx's owning thread; uses ctx->now_us as the clock.
 */
enum fp_verdict fp_tcp_input(struct fp_ctx *ctx, struct fp_pkt *pkt);

/**
 * fp_tcp_input() on a burst's next frame (see fp_burst_begin()), for an
 * adapter that classified the frames itself (the app's tcp_echo node): each
 * frame is as fp_tcp_input() wants it. The lookups start ahead only when
 * ctx->handlers includes FP_HANDLE_TCP; the verdicts are the same either way.
 * @return the frame's verdict; for a drop, ctx->drop_reason is its reason.
 */
enum fp_verdict fp_burst_tcp_input(struct fp_ctx *ctx, struct fp_burst *b);

/**
 * fp_input_burst()'s first steps for the TCP frames of a burst: hash each
 * frame that looks like TCP over IPv4 (nothing is validated yet; a wrong
 * guess only costs a prefetch) and prefetch its hash bucket, then its flow
 * entry. Sets FP_PKT_HASH. Context: owner.
 */
void fp_tcp_burst_prefetch(struct fp_tcp *tcp, struct fp_pkt *pkts, uint16_t n);

/**
 * Find the flow of one frame prepared by fp_tcp_burst_prefetch() before the
 * burst is processed, remember it (FP_PKT_FLOW, checked again when used:
 * frames before it may close or open flows) and prefetch the lines of the
 * flow's working record that an in-order segment touches. Context: owner.
 */
void fp_tcp_burst_lookahead(struct fp_tcp *tcp, struct fp_pkt *pkt);

/**
 * Run due timers (retransmission, persist, SYN-ACK retries, idle, FIN_WAIT_2
 * and TIME_WAIT expiry) on a 1 ms timer wheel; returns at once when no new
 * millisecond started. Output goes through ctx->tx. Context: owner.
 */
void fp_tcp_tick(struct fp_ctx *ctx, uint64_t now_us);

/** Flows currently in the table (any state but CLOSED). */
uint32_t fp_tcp_flow_count(const struct fp_tcp *tcp);

/** fp_tcp_flow_snapshot()'s cursor once the whole table was walked. */
#define FP_TCP_CURSOR_END UINT32_MAX

/** Slots fp_tcp_flow_snapshot() looks at per flow it may copy, at most. */
#define FP_TCP_SNAPSHOT_SCAN 16

/**
 * Copy the info of up to max flows into out, walking the table from *cursor
 * (0 to start) in slot order, and leave in *cursor where the next call goes
 * on (FP_TCP_CURSOR_END once the walk is complete). A call looks at no more
 * than FP_TCP_SNAPSHOT_SCAN * max slots, so its cost is bounded whatever the
 * table size. Flows created or freed between calls may or may not be seen;
 * none is seen twice.
 * @return number copied
 * Context: owner (the app asks its lcore for a page through a ring).
 */
uint32_t fp_tcp_flow_snapshot(const struct fp_tcp *tcp, uint64_t now_us, uint32_t *cursor,
		struct fp_tcp_flow_info *out, uint32_t max);

/**
 * Stop accepting new connections (SYNs and cookie ACKs get a RST and count
 * flows_refused) and FIN every established flow once its echo data is flushed
 * (graceful drain). Flows then close normally, through the retries of our FIN
 * or through the FIN_WAIT_2 and TIME_WAIT linger, which starts when the state
 * does; poll fp_tcp_flow_count() for 0. Not reversible.
 * Context: owner.
 */
void fp_tcp_drain(struct fp_ctx *ctx);

/** "ESTABLISHED", ... */
const char *fp_tcp_state_name(enum fp_tcp_state state);

#endif /* FP_TCP_H */
