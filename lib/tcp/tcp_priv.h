/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/tcp/: the engine's structures, shared by flow.c (table,
 * working-state pool, timer wheel), tcp_input.c (state machine), tcp_output.c
 * (segment building), tcp_timer.c (RTO, persist, expiry, the idle sweep) and
 * syncookie.c (ISNs and SYN cookies; their keyed hash is in siphash.h/.c, the
 * flow table's in tuple_hash.h).
 *
 * A flow lives in two tiers. Its slot (struct tcp_slot, one cache line) is
 * all an idle established flow needs. While it has anything in flight, out
 * of order, timed or otherwise unfinished, it also holds a working record
 * (struct tcp_flow) from a bounded pool; a quiet flow keeps its record until
 * another flow needs one and none is left (then the quiet flow is folded
 * back into its slot). Echo bytes live in chunks of a bounded pool, held
 * only until the peer acknowledges them.
 * Tests may include it to check internals (RTO vectors, cookie layout).
 */
#ifndef FP_TCP_PRIV_H
#define FP_TCP_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "fp/chunk.h"
#include "fp/core.h"
#include "fp/tcp.h"
#include "tuple_hash.h"

#define TCP_NONE UINT32_MAX /* "no flow" in index links */

/* Timer wheel: 1024 slots of 1 ms; later deadlines wait for their lap. */
#define TCP_WHEEL_BITS  10
#define TCP_WHEEL_SLOTS (1u << TCP_WHEEL_BITS)
#define TCP_WHEEL_GRAN  1000u /* us per slot */

#define TCP_DEFAULT_MSS     536 /* RFC 9293 3.7.1: when the peer sends no MSS option */
#define TCP_MIN_MSS         64  /* floor of a flow's MSS (a peer asking less gets it) */
#define TCP_MAX_WSCALE      14  /* RFC 7323 2.3 */
#define TCP_SYNACK_RETRIES  5
#define TCP_DATA_RETRIES    10      /* RFC 9293 3.8.3 R2: give up after ~100 s at rto_max 60 s */
#define TCP_TX_RETRY_US     1000    /* after tx alloc failed: try again this soon */
#define TCP_INIT_CWND_SEGS  10      /* RFC 6928 */
#define TCP_CHALLENGE_MAX   5       /* RFC 5961 7: challenge ACKs per flow ... */
#define TCP_CHALLENGE_US    1000000 /* ... and this period */
#define TCP_DUPACK_THRESH   3       /* RFC 5681 3.2 */
#define TCP_OOO_MAX         4       /* out-of-order byte ranges held per flow */
#define TCP_OPT_SACK        5       /* RFC 2018 3: SACK blocks (fp/wire.h has SACK_OK only) */
#define TCP_SACK_BLOCKS_MAX 4       /* RFC 2018 3: 4 + 8 * 4 bytes fill the 40-byte option space */
#define TCP_CHUNK_SIZE      512     /* echo bytes per chunk of the pool */
#define TCP_ACTIVE_DEFAULT  65536   /* working records when not configured (or max_flows) */
#define TCP_POOL_DEFAULT    (64u << 20) /* echo pool bytes when not configured, at most */
#define TCP_SWEEP_EPOCHS    8           /* idle sweep: epochs per idle timeout */

/** A range of sequence space, end exclusive. */
struct tcp_range {
	uint32_t start, end;
};

/* Flow flags. */
enum {
	TF_WSCALE = 1u << 0,   /**< both sides sent window scale (RFC 7323 2.2) */
	TF_RTT = 1u << 1,      /**< timing one segment (rtt_seq, rtt_ts) */
	TF_RECOVERY = 1u << 2, /**< in fast recovery after a fast retransmit */
	TF_TX_RETRY = 1u << 3, /**< rtx timer is a retry after tx alloc failure */
	TF_DRAIN = 1u << 4,    /**< send FIN once the echo buffer is flushed */
	TF_COOKIE = 1u << 5,   /**< created from a SYN cookie */
	TF_SACK = 1u << 6,     /**< peer sent SACK-permitted: we send SACK blocks (RFC 2018) */
	TF_IN_USE = 1u << 7,
};

/* Slot flags (tcp_slot.flags, low bits; the interface is in the high bits). */
enum {
	SF_IN_USE = 1u << 0,
	SF_WSCALE = 1u << 1, /**< TF_WSCALE */
	SF_SACK = 1u << 2,   /**< TF_SACK */
	SF_DRAIN = 1u << 3,  /**< a drain FIN is still owed (no record was free) */
};
#define SF_PORT_SHIFT 5 /* FP_MAX_IFACES <= 8 */

/**
 * A flow's slot in the table: its key and hash links and, while it holds no
 * working record (rec == TCP_NONE), the compact state of a quiet ESTABLISHED
 * flow: nothing unacknowledged, unsent, out of order or timed, so SND.NXT =
 * SND.MAX = SND.UNA and no deadline but the idle timeout, which the sweep in
 * fp_tcp_tick() checks against the epoch of the last activity. Windows are
 * kept in their wire units; congestion state in segments.
 */
struct tcp_slot {
	uint32_t lip, rip; /**< host byte order */
	uint16_t lport, rport;
	uint32_t hnext; /**< next slot in the hash chain, or in the free list */
	uint32_t bhead; /**< first slot of hash bucket number (this slot's index) */
	uint32_t rec;   /**< working record, or TCP_NONE while compact */
	uint32_t iss, irs;
	uint32_t snd_una, snd_wl1, rcv_nxt;
	uint8_t peer_mac[FP_ETH_ALEN];
	uint16_t mss, ip_id;
	uint16_t rcv_adv_w;     /**< (RCV.ADV - RCV.NXT) >> rcv_ws, rounded up */
	uint16_t snd_wnd_w;     /**< SND.WND >> snd_ws (the peer's window field) */
	uint16_t cwnd_segs;     /**< cwnd / mss */
	uint16_t ssthresh_segs; /**< ssthresh / mss, UINT16_MAX: none yet */
	uint8_t flags;          /**< SF_*, and the interface << SF_PORT_SHIFT */
	uint8_t ws_epoch;       /**< snd_ws (low nibble), idle epoch of the last activity (high) */
};

/** A flow's working record: the whole TCP state while it is not quiet. */
struct tcp_flow {
	/* key: local and remote address and port, host byte order */
	uint32_t lip, rip;
	uint16_t lport, rport;
	uint32_t slot;         /**< the flow's slot */
	uint32_t qnext, qprev; /**< quiet list links, valid while in_quiet */
	uint8_t in_quiet;
	uint8_t t_linked; /**< on the timer wheel (tnext, tprev below) */
	uint8_t n_ooo;
	uint8_t ooo_recent; /**< range holding the latest out-of-order segment */
	uint8_t n_sack;
	uint8_t dsack; /**< dsack_r goes first in the next segment's SACK option */

	uint8_t state;   /**< enum fp_tcp_state */
	uint8_t flags;   /**< TF_* */
	uint8_t port;    /**< fp_pkt.port it arrived on */
	uint8_t snd_ws;  /**< peer's window scale shift */
	uint8_t rcv_ws;  /**< our window scale shift */
	uint8_t dupacks; /**< consecutive duplicate ACKs (RFC 5681 2) */
	uint8_t backoff; /**< RTO doublings since the last new ACK */
	uint8_t probes;  /**< persist probes since the peer's last ACK */
	uint8_t peer_mac[FP_ETH_ALEN];
	uint16_t mss;   /**< effective send MSS: min(peer's, ours) */
	uint16_t ip_id; /**< IPv4 ID of the flow's next frame (RFC 6864: its own counter) */

	/* RFC 9293 3.3.1 send and receive sequence variables */
	uint32_t iss, snd_una, snd_nxt, snd_max; /**< snd_max: highest sequence sent */
	uint32_t snd_wnd, max_snd_wnd;           /**< bytes, already scaled */
	uint32_t snd_wl1, snd_wl2;
	uint32_t irs, rcv_nxt, rcv_adv; /**< rcv_adv: right edge we advertised */
	uint32_t cwnd, ssthresh;        /**< RFC 5681, bytes */
	struct fp_chunk_q q;            /**< bytes from snd_una on: unacknowledged, then unsent */
	struct fp_tcp *t;               /**< the engine (its chunk pool and configuration) */

	/* RFC 6298 */
	uint32_t srtt_us, rttvar_us, rto_us;
	uint32_t rtt_seq;
	uint64_t rtt_ts;

	/* timers: absolute us; 0 = not armed */
	uint64_t rtx_at;       /**< retransmission / persist / retry deadline */
	uint64_t last_active;  /**< last segment in or state change: idle and linger clocks */
	uint64_t t_when;       /**< wheel tick this flow is filed under */
	uint32_t tnext, tprev; /**< wheel list links, valid while t_linked */

	/* Below: only touched after a loss or at a flow's start and end (the
	 * in-order path stays in the three lines above, which
	 * fp_tcp_burst_lookahead() prefetches). */
	uint32_t hnext; /**< next record in the free list */
	/** Duplicate data just received, reported once as a D-SACK block (RFC 2883). */
	struct tcp_range dsack_r;
	/** Out-of-order data already in the echo ring past its tail, sorted by
	 *  sequence, disjoint, all above rcv_nxt and inside our window. */
	struct tcp_range ooo[TCP_OOO_MAX];
	/** Our data the peer SACKed (RFC 6675 scoreboard), sorted, in (snd_una, snd_max]. */
	struct tcp_range sack[TCP_OOO_MAX];
	uint32_t recover;  /**< RFC 6582/6675 recovery point: snd_max at loss detection */
	uint32_t rxt_next; /**< next byte to resend in SACK recovery */
	uint64_t chall_at; /**< start of the challenge ACK budget's second, us */
	uint8_t chall_n;   /**< challenge ACKs sent in it */

	uint64_t created_us;  /**< creation, or the last activity before a compact spell */
	uint32_t retransmits; /**< since the flow got this record */
} __attribute__((aligned(64))); /* records start on a line: the hot part is lines 0-2 */
_Static_assert(offsetof(struct tcp_flow, hnext) <= 3 * 64,
		"a segment in order touches only the record's first three lines");

struct fp_tcp {
	struct fp_cfg_tcp cfg;
	struct fp_tcp_keys keys;
	struct fp__tuple_key tuple_key; /**< the flow hash's secret, from keys.flow_hash */
	struct tcp_slot *slots;    /**< max_flows entries, also the hash buckets */
	struct tcp_flow *flows;    /**< max_active working records */
	struct fp_chunk_pool pool; /**< echo bytes of every flow */
	uint32_t max_flows;
	uint32_t max_active;
	uint32_t n_active;               /**< records in use */
	uint32_t rec_free;               /**< first free record, or TCP_NONE */
	uint32_t quiet_head, quiet_tail; /**< quiet records, oldest first */
	uint32_t n_flows;
	uint32_t n_half_open;   /**< flows in SYN_RECEIVED */
	uint32_t half_open_max; /**< syn_cookies == 2 switches cookies on past this */
	uint32_t free_head;
	uint32_t sweep_pos;     /**< next slot the idle sweep visits */
	uint32_t drain_owed;    /**< compact flows still owed a drain FIN */
	uint64_t sweep_last_us; /**< the sweep has covered time up to here */
	uint64_t epoch_us;      /**< idle sweep epoch length: idle timeout / TCP_SWEEP_EPOCHS */
	uint32_t rcv_buf;       /**< the widest window a flow can get: its cap or its pool share */
	uint16_t mss;   /**< our MSS before the interface MTU clamp */
	uint8_t rcv_ws; /**< our window scale shift, from buffer_size */
	uint8_t draining;
	uint8_t predict;         /**< header prediction on (tcp_input.c); tests turn it off */
	uint8_t cookie_sent;     /**< a SYN cookie went out, at cookie_sent_us */
	uint64_t cookie_sent_us; /**< when the last SYN cookie was sent */
	uint64_t wheel_tick;     /**< last processed tick */
	uint32_t wheel[TCP_WHEEL_SLOTS];
};

/* flow.c: table, records and timer wheel */
/** The keyed hash of a 4-tuple (host byte order). */
uint32_t fp__tcp_flow_hash(
		const struct fp_tcp *t, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport);

/** The slot whose bhead starts the hash chain of this hash. */
static inline struct tcp_slot *
fp__tcp_bucket(const struct fp_tcp *t, uint32_t hash)
{
	return &t->slots[(uint32_t)(((uint64_t)hash * t->max_flows) >> 32)];
}

struct tcp_slot *fp__tcp_flow_lookup(
		struct fp_tcp *t, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport);
/** The same, with the tuple's hash already known. */
struct tcp_slot *fp__tcp_flow_lookup_hashed(struct fp_tcp *t, uint32_t hash, uint32_t lip,
		uint32_t rip, uint16_t lport, uint16_t rport);

/** Is sl the open flow of this 4-tuple? */
static inline int
fp__tcp_flow_is(const struct tcp_slot *sl, uint32_t lip, uint32_t rip, uint16_t lport,
		uint16_t rport)
{
	return (sl->flags & SF_IN_USE) && sl->rip == rip && sl->rport == rport &&
			sl->lport == lport && sl->lip == lip;
}

/** The slot's interface. */
static inline uint8_t
fp__tcp_slot_port(const struct tcp_slot *sl)
{
	return (uint8_t)(sl->flags >> SF_PORT_SHIFT);
}

/**
 * A new flow with a working record. @return NULL when the table or the
 * record pool is full
 */
struct tcp_flow *fp__tcp_flow_new(
		struct fp_ctx *ctx, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport);
/** A new flow in a slot only (compact; the caller fills it in). @return NULL when full */
struct tcp_slot *fp__tcp_slot_new(
		struct fp_ctx *ctx, uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport);
/** Remove and free a flow; counts nothing but the gauge. */
void fp__tcp_flow_free(struct fp_ctx *ctx, struct tcp_flow *f);
/** Remove and free a compact flow. */
void fp__tcp_slot_free(struct fp_ctx *ctx, struct tcp_slot *sl);
/**
 * Give a compact flow a working record again, from its slot.
 * @return the record, or NULL when the pool has none left (the flow stays compact)
 */
struct tcp_flow *fp__tcp_thaw(struct fp_tcp *t, struct tcp_slot *sl, uint64_t now_us);
/**
 * After a segment or a timer: a quiet flow's record goes to the tail of the
 * quiet list (the first to be folded back into its slot when records run
 * out), any other leaves it.
 */
void fp__tcp_settle(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us);
/** Fold a quiet flow into its slot now. @return 0, or -1 when it is not quiet */
int fp__tcp_compact(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us);
/** The idle epoch (low 4 bits) of a time. */
static inline uint8_t
fp__tcp_epoch(const struct fp_tcp *t, uint64_t us)
{
	return (uint8_t)((us / t->epoch_us) & 15);
}
/** File the flow under the earlier of its deadlines (no-op if already earlier). */
void fp__tcp_timer_arm(struct fp_tcp *t, struct tcp_flow *f, uint64_t when_us);
void fp__tcp_timer_unlink(struct fp_tcp *t, struct tcp_flow *f);

static inline uint32_t
fp__tcp_flow_idx(const struct fp_tcp *t, const struct tcp_flow *f)
{
	return (uint32_t)(f - t->flows);
}

static inline uint32_t
fp__tcp_slot_idx(const struct fp_tcp *t, const struct tcp_slot *sl)
{
	return (uint32_t)(sl - t->slots);
}

/** Payload bytes received in order: sequence space after the SYN, less a FIN. */
uint64_t fp__tcp_bytes_in(const struct tcp_flow *f);
/** Payload bytes the peer acknowledged. */
uint64_t fp__tcp_bytes_out(const struct tcp_flow *f);

/** Bytes held for the flow: unacknowledged, then unsent. */
static inline uint32_t
fp__tcp_buffered(const struct tcp_flow *f)
{
	return fp_chunk_q_used(&f->q);
}

/* syncookie.c */
uint32_t fp__tcp_isn(const struct fp_tcp *t, uint64_t now_us, uint32_t lip, uint32_t rip,
		uint16_t lport, uint16_t rport);
uint32_t fp__tcp_cookie_make(const struct fp_tcp *t, uint64_t now_us, uint32_t lip, uint32_t rip,
		uint16_t lport, uint16_t rport, uint32_t peer_isn, uint16_t mss, int wscale);
/** Note that a cookie was sent now. */
void fp__tcp_cookie_sent(struct fp_tcp *t, uint64_t now_us);
/** Were cookies sent recently enough that an ACK may carry one (see syncookie.c)? */
int fp__tcp_cookie_recent(const struct fp_tcp *t, uint64_t now_us);
/**
 * Check a cookie (our ISS, i.e. SEG.ACK - 1).
 * @return 0 with *mss and *wscale (-1: none) filled, or -1 when forged or stale.
 */
int fp__tcp_cookie_check(const struct fp_tcp *t, uint64_t now_us, uint32_t lip, uint32_t rip,
		uint16_t lport, uint16_t rport, uint32_t peer_isn, uint32_t cookie, uint16_t *mss,
		int *wscale);

/**
 * Add [start, end) to a sorted set of disjoint ranges, merging neighbours.
 * @return the index of the range now holding start, or -1 (set unchanged)
 *         when it would need more than max ranges
 */
int fp__tcp_range_add(struct tcp_range *r, uint8_t *n, uint8_t max, uint32_t start, uint32_t end);

/* tcp_output.c */

/** Where a segment goes: in place into the received packet, or through ctx->tx. */
struct tcp_out {
	struct fp_ctx *ctx;
	struct fp_pkt *pkt; /**< received packet usable for an in-place reply, or NULL */
	uint8_t inplace;    /**< pkt holds a finished reply */
	uint8_t failed;     /**< a tx alloc failed */
	/**
	 * The received payload, when all of it went into the echo buffer as
	 * it arrived (echo_len != 0): a segment that echoes exactly these bytes
	 * reuses their sum, when known, instead of summing them again, and,
	 * written in place at the same offset, does not even copy them.
	 */
	const uint8_t *echo_data; /**< in the received packet */
	uint32_t echo_seq;        /**< our (send) sequence number of its first byte */
	uint32_t echo_len;        /**< bytes, 0 = none */
	uint32_t echo_sum;        /**< running sum (fp_csum_partial()) of those bytes */
	uint8_t echo_have_sum;    /**< echo_sum is valid (else the NIC or seg_write() sums them) */
};

/** Addressing of a segment that belongs to no flow (RSTs, cookie SYN-ACKs). */
struct tcp_addr {
	const uint8_t *dmac, *smac;
	uint32_t sip, dip; /**< host byte order */
	uint16_t sport, dport;
	uint16_t port; /**< interface it leaves by (fp_pkt.port) */
};

/**
 * Send a header-only segment. ip_id: the flow's counter, or 0 for a segment
 * of no flow (RFC 6864 4.1: an atomic datagram's ID may be any value; a
 * shared counter would tell one peer how much was sent to others).
 * @return 0, or -1 when no frame was available.
 */
int fp__tcp_send_raw(struct tcp_out *o, const struct tcp_addr *a, uint32_t seq, uint32_t ack,
		uint8_t flags, uint16_t win, const uint8_t *opts, uint8_t optlen, uint16_t ip_id);
/** SYN-ACK options: MSS, window scale when wscale >= 0, SACK-permitted. @return bytes (<= 12) */
uint8_t fp__tcp_synack_opts(uint8_t *opts, uint16_t mss, int wscale, int sack_ok);

/** SACK blocks the flow's next segment carries: a pending D-SACK, then out-of-order ranges. */
static inline uint32_t
fp__tcp_sack_blocks(const struct tcp_flow *f)
{
	uint32_t n = (uint32_t)f->n_ooo + !!f->dsack;

	if (!(f->flags & TF_SACK))
		return 0;
	return n < TCP_SACK_BLOCKS_MAX ? n : TCP_SACK_BLOCKS_MAX;
}

/** Bytes of SACK option the flow's next segment carries (RFC 2018 3, RFC 2883). */
static inline uint32_t
fp__tcp_sack_len(const struct tcp_flow *f)
{
	uint32_t n = fp__tcp_sack_blocks(f);

	return n ? 4u + 8u * n : 0;
}

/** Payload bytes per segment: options come out of the MSS (RFC 6691). */
static inline uint32_t
fp__tcp_seg_mss(const struct tcp_flow *f)
{
	return f->mss - fp__tcp_sack_len(f);
}
/** Our MSS on an interface: min(cfg mss, MTU - 40). */
uint16_t fp__tcp_our_mss(const struct fp_ctx *ctx, uint16_t port);

/** The verdict for the received packet once all output is done. */
enum fp_verdict fp__tcp_out_verdict(struct tcp_out *o);
/** Send one segment of the flow: data from the echo buffer at off, len bytes. @return 0 or -1 */
int fp__tcp_send_seg(struct tcp_out *o, struct tcp_flow *f, uint32_t seq, uint8_t flags,
		uint32_t off, uint32_t len);
void fp__tcp_send_ack(struct tcp_out *o, struct tcp_flow *f);
void fp__tcp_send_synack(struct tcp_out *o, struct tcp_flow *f);
/** Send as much echo data (and FIN) as the windows allow; ACK too if force_ack. */
void fp__tcp_output(struct tcp_out *o, struct tcp_flow *f, int force_ack);
/**
 * fp__tcp_output() when the bytes just taken (o->echo_*) are all there is to
 * send and fit one segment in place of the received one: the same segment
 * and state, built without the general loop (header prediction's echo).
 * @return 0, or -1 when that is not the case (nothing done: call fp__tcp_output())
 */
int fp__tcp_output_echo(struct tcp_out *o, struct tcp_flow *f);
/** RST for a flow we are aborting: <SEQ=SND.NXT><CTL=RST>. */
void fp__tcp_send_rst_flow(struct tcp_out *o, struct tcp_flow *f);
/** Our window to advertise now (unscaled bytes). */
uint32_t fp__tcp_rcv_wnd(const struct tcp_flow *f);

/**
 * Receiver SWS avoidance (RFC 9293 3.8.6.2.2): the smallest move of the
 * window's right edge worth advertising, min(buffer / 2, MSS) bytes. The
 * buffer is what a flow can get at best (fp_tcp.rcv_buf): with a pool whose
 * half is less than an MSS, a closed window must still open.
 */
static inline uint32_t
fp__tcp_sws_step(const struct tcp_flow *f)
{
	uint32_t half = f->t->rcv_buf / 2;

	return half < f->mss ? half : f->mss;
}

/* tcp_timer.c */
/** RFC 6298 2.2/2.3: fold one RTT sample into srtt/rttvar and recompute rto. */
void fp__tcp_rtt_sample(struct tcp_flow *f, uint32_t r_us, const struct fp_cfg_tcp *cfg);
/** Current RTO with backoff applied, clamped to rto_max. */
uint64_t fp__tcp_rto_cur(const struct tcp_flow *f, const struct fp_cfg_tcp *cfg);
/** Arm the retransmission timer if it is not running (RFC 6298 5.1). */
void fp__tcp_rtx_start(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us);
void fp__tcp_rtx_restart(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us);
/**
 * Change state, keeping the half-open count and the state's deadline right.
 * The state's clocks (idle, linger) start now.
 */
void fp__tcp_set_state(struct fp_tcp *t, struct tcp_flow *f, uint8_t state, uint64_t now_us);
/** File the record under its next deadline (state or retransmission), if any. */
void fp__tcp_deadline_arm(struct fp_tcp *t, struct tcp_flow *f);
/** Remove a flow, counting it under ctr (FLOWS_CLOSED, _RESET, _TIMED_OUT). */
void fp__tcp_flow_end(struct fp_ctx *ctx, struct tcp_flow *f, enum fp_counter ctr);
/** Persist timer after the peer's zero window (RFC 9293 3.8.6.1). */
void fp__tcp_persist_start(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us);
/** Handle a flow whose wheel slot came due. */
void fp__tcp_expire(struct fp_ctx *ctx, struct tcp_flow *f, uint64_t now_us);
/**
 * After the engine's timeouts changed: clamp the flow's RTO into the new
 * bounds and file it under its earliest deadline, if that is now earlier.
 */
void fp__tcp_timer_refile(struct fp_tcp *t, struct tcp_flow *f, uint64_t now_us);

/* Sequence space comparisons, correct across the 2^32 wrap (RFC 9293 3.4). */
static inline int
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline int
seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static inline int
seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static inline int
seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/**
 * Report [start, end), duplicate data just received, as a D-SACK block in
 * the next segment (RFC 2883 4), when the peer allowed SACK. A Linux sender
 * needs it to see that a retransmission (a tail loss probe, a fast
 * retransmit after reordering) was spurious: it then undoes the cwnd cut
 * and widens its reordering window instead of cutting again next time.
 */
static inline void
fp__tcp_dsack_set(struct tcp_flow *f, uint32_t start, uint32_t end)
{
	if (!(f->flags & TF_SACK) || !seq_lt(start, end))
		return;
	f->dsack = 1;
	f->dsack_r.start = start;
	f->dsack_r.end = end;
}

#endif /* FP_TCP_PRIV_H */
