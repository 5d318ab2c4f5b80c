/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared harness of the TCP engine's unit tests (tests/unit/check_tcp_*.c):
 * fp_tcp_input() is called directly with frames from pkt_build.c,
 * fp_tcp_tick() with a test clock, and every frame the engine emits (in
 * place or through tx ops) lands in one capture list that the tests read in
 * order. One engine per test (Check forks each test), set up by env_start().
 */
#ifndef TCP_HARNESS_H
#define TCP_HARNESS_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "fp/core.h"
#include "fp/stats.h"
#include "fp/tcp.h"
#include "pkt_build.h"
#include "tcp_priv.h"

#define OUR_IP     0x0a000001u /* 10.0.0.1 */
#define PEER_IP    0x0a000002u /* 10.0.0.2 */
#define OUR_PORT   7
#define PEER_PORT  40000
#define PEER_ISS   1000u
#define T0         1000000000ull /* test clock start, us */
#define FRAME_ROOM 2048
#define CAP_MAX    512

/* A check without Check's per-assertion bookkeeping, for hot loops. */
#define REQUIRE(c)                                                         \
	do {                                                               \
		if (!(c))                                                  \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #c); \
	} while (0)

/* --- capture tx ops: every frame sent, in order --- */
extern uint8_t cap_buf[CAP_MAX][FRAME_ROOM];
extern uint16_t cap_len[CAP_MAX];
extern uint16_t cap_port[CAP_MAX]; /* interface it left by (in place: the input's) */
extern uint16_t in_port;           /* interface the frames fed in arrive on (0) */
/* The peer's MAC on each link: the source of frames fed in on that port, and
 * what next_out() wants as the destination of frames leaving by it. */
extern uint8_t link_peer_mac[FP_MAX_IFACES][6];
extern int n_cap, rd, allocs_out, fail_alloc;
extern int tight_room;    /* no tailroom: replies that grow go through tx */
extern uint32_t in_flags; /* fp_pkt.flags of every fed frame (FP_PKT_*_CSUM_GOOD) */

/* --- environment --- */
/** Fixed keys, so every run sees the same ISNs, cookies and hash chains. */
extern const struct fp_tcp_keys test_keys;
extern struct fp_cfg_tcp cfg;
extern struct fp_stats stats;
extern struct fp_ctx ctx;
extern uint32_t our_iss;  /* from the SYN-ACK */
extern uint32_t p_seq;    /* peer's next sequence number */
extern uint16_t p_win;    /* window field the peer sends with data */
extern uint16_t our_port; /* source port expected on our segments */

/** The engine configuration every test starts from (into cfg). */
void cfg_defaults(void);
/** Create the engine from cfg (tests change cfg first). */
void env_start(void);
/** Free the engine, so a test can start another from cfg. */
void env_stop(void);
/** Check fixture: reset the capture, counters and cfg; teardown checks no tx frame leaked. */
void setup(void);
void teardown(void);
/** A TCase with the setup/teardown fixture and a 30 s timeout per test. */
TCase *th_tcase(const char *name);
/** Run one suite (Check's default fork mode). @return the process exit status */
int th_run(Suite *s);

uint64_t ctr(enum fp_counter id);

/* --- input --- */
extern uint8_t in_frame[FRAME_ROOM];

/**
 * The same segment (no data) from each of n peer ports, PEER_PORT + first on.
 * @return how many were answered in place (FP_VERDICT_TX)
 */
int in_from_ports(uint8_t flags, uint32_t seq, uint16_t first, uint16_t n);
/** A peer segment (PEER_IP:PEER_PORT -> OUR_IP:OUR_PORT, window 65535). */
struct pkt_spec spec(uint8_t flags, uint32_t seq, uint32_t ack, const void *data, uint16_t len);
/**
 * Feed a built frame; an in-place reply joins the capture list. A drop
 * verdict moves exactly one drop counter, any other verdict at most one.
 */
enum fp_verdict feed(uint8_t *frame, size_t len);
enum fp_verdict in(const struct pkt_spec *s);
enum fp_verdict in_seg(uint8_t flags, uint32_t seq, uint32_t ack, const void *data, uint16_t len,
		uint16_t win);
/** Advance the test clock and run the timers. */
void tick(uint64_t us_from_now);

/* --- output --- */
struct oseg {
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const uint8_t *data;
	uint32_t len;
	uint16_t mss; /* 0 = no option */
	int ws;       /* -1 = no option */
	int sack_ok;
	int n_sack;
	uint32_t sack[4][2];
};

/** Parse the next captured frame and check its addressing and checksums. */
struct oseg next_out(void);
void expect_none(void);
void expect_rst(uint32_t seq);
void expect_ack(uint32_t seq, uint32_t ack);
/** The only flow's public state. */
struct fp_tcp_flow_info flow_info(void);
uint8_t flow_state(void);
void assert_no_flows(void);

/** SYN with MSS (and wscale when ws >= 0); returns the SYN-ACK. */
struct oseg syn(uint32_t iss, uint16_t mss, int ws);
/** Three-way handshake from PEER_ISS; the peer advertises win (unscaled). */
void establish_win(uint16_t mss, int ws, uint16_t win);
void establish(void);
/** Handshake offering SACK (RFC 2018), with the given MSS. */
void establish_sack(uint16_t mss);
/** Peer sends data at p_seq and moves p_seq on. */
enum fp_verdict send_data(const void *data, uint16_t len, uint32_t ack);

/** Internal consistency of every flow, the table, the wheel and the gauges. */
void check_invariants(void);

/** Deterministic LCG for the randomised tests; seed rnd_state. */
extern uint32_t rnd_state;
uint32_t rnd(uint32_t n);

#endif /* TCP_HARNESS_H */
