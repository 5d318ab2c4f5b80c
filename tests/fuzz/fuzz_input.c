/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the whole receive path: fp_input() (Ethernet, ARP,
 * IPv4, ICMP) into the real TCP engine, plus fp_tick(), on a context rebuilt
 * for every input so a crash reproduces from its input file alone.
 * Built and run by tests/fuzz/run.sh (clang -fsanitize=fuzzer,address,undefined).
 *
 * Input format (what tests/fixtures/gen_frames.py writes for the seeds):
 *   byte 0        mode: bit 0 FP_PKT_IP4_CSUM_GOOD, bit 1 FP_PKT_L4_CSUM_GOOD,
 *                 bit 2 "ack fix-up" (see below), bit 3 SYN cookies always on,
 *                 bit 4 tx_ops alloc fails (out of buffers), bits 5-6 input port
 *                 (0 and 1 are configured interfaces, 2 and 3 are out of range)
 *   then records  [step][len_hi][len_lo][len bytes of frame] until the input ends;
 *                 step bits 0-6: advance the clock by step*50 ms and fp_tick()
 *                 first (0 = no tick); bit 7: give the frame 64 bytes of tailroom.
 * Ack fix-up rewrites the ACK field of TCP segments to the sequence number
 * after the last segment we sent (and fixes the checksum), so the fuzzer can
 * walk a connection through its states without guessing our ISN.
 *
 * Checked on every frame (abort = crash report): verdict in range, a drop
 * moves exactly one drop counter and nothing else moves more than one, the
 * reply fits its buffer, leaves from our MAC and (IPv4) has valid IPv4 and
 * ICMP/TCP checksums, every frame sent through
 * tx_ops fits its buffer and carries valid IPv4 and TCP checksums, and at
 * most one tx_ops frame is outstanding at a time.
 *
 * The "good" flags are the NIC's word: lib/ trusts them and updates a
 * reply's checksums incrementally (RFC 1624), so a reply's checksum is as
 * valid as the request's. Where a flag claims good for a checksum that is
 * not, only memory safety and the counters are checked for that field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fp/cfg.h"
#include "fp/core.h"
#include "fp/csum.h"
#include "fp/stats.h"
#include "fp/tcp.h"
#include "fp/wire.h"

#define FUZZ_TCP_MEM (1u << 20)
#define FUZZ_TX_ROOM 2048

enum {
	MODE_IP4_CSUM_GOOD = 1u << 0,
	MODE_L4_CSUM_GOOD = 1u << 1,
	MODE_ACK_FIXUP = 1u << 2,
	MODE_SYN_COOKIES = 1u << 3,
	MODE_TX_NOBUF = 1u << 4,
	MODE_PORT_SHIFT = 5,
};

static const uint8_t our_mac[2][FP_ETH_ALEN] = {{0x02, 0, 0, 0, 0, 0x01}, {0x02, 0, 0, 0, 1, 0x01}};
static const uint32_t our_ip[2] = {
		0x0a000001u, /* 10.0.0.1/24, as in tests/fixtures/frames.h */
		0x0a000101u, /* 10.0.1.1/24 */
};

static _Alignas(64) uint8_t tcp_mem[FUZZ_TCP_MEM];
/* Fixed keys: a crash input replays with the same ISNs, cookies and chains. */
static const struct fp_tcp_keys keys = {{1, 2}, {3, 4}, {5, 6}};
static struct fp_stats stats; /* of the last input; file scope for debugging drivers */

struct fuzz_tx {
	uint8_t *outstanding; /**< frame between alloc and send/discard */
	int fail_alloc;
	uint32_t next_seq; /**< sequence number after our last TCP segment */
	int have_seq;
};

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

/* Remember where our sequence space ends, for the ack fix-up. */
static void
note_our_segment(struct fuzz_tx *t, const uint8_t *frame, uint16_t len)
{
	const uint8_t *ip = frame + FP_ETH_HLEN;
	const uint8_t *tcp = ip + FP_IP4_HLEN;
	uint16_t tot, doff;
	uint32_t seq;

	if (len < FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_HLEN ||
			fp_load_be16(frame + FP_ETH_OFF_TYPE) != FP_ETHERTYPE_IPV4 ||
			ip[FP_IP4_OFF_PROTO] != FP_IPPROTO_TCP || (ip[0] & 0x0f) != 5)
		return;
	tot = fp_load_be16(ip + FP_IP4_OFF_TOTLEN);
	doff = (uint16_t)((tcp[FP_TCP_OFF_DOFF] >> 4) * 4);
	if (tot < FP_IP4_HLEN + doff || FP_ETH_HLEN + tot > len)
		return;
	seq = fp_load_be32(tcp + FP_TCP_OFF_SEQ) + (uint32_t)(tot - FP_IP4_HLEN - doff);
	seq += (tcp[FP_TCP_OFF_FLAGS] & FP_TCP_SYN) ? 1 : 0;
	seq += (tcp[FP_TCP_OFF_FLAGS] & FP_TCP_FIN) ? 1 : 0;
	if (!t->have_seq || (int32_t)(seq - t->next_seq) > 0)
		t->next_seq = seq;
	t->have_seq = 1;
}

/* Does the frame's IPv4 header, and its L4 checksum, verify? */
struct frame_sums {
	int ip4_ok;
	int l4_ok;
};

static struct frame_sums
frame_sums(const uint8_t *frame, uint16_t len)
{
	const uint8_t *ip = frame + FP_ETH_HLEN;
	struct frame_sums s = {0, 0};
	uint16_t tot;
	uint32_t seed = 0;

	if (len < FP_ETH_HLEN + FP_IP4_HLEN ||
			fp_load_be16(frame + FP_ETH_OFF_TYPE) != FP_ETHERTYPE_IPV4 || ip[0] != 0x45)
		return s;
	s.ip4_ok = fp_csum_fold(fp_csum_partial(ip, FP_IP4_HLEN, 0)) == 0;
	tot = fp_load_be16(ip + FP_IP4_OFF_TOTLEN);
	if (tot < FP_IP4_HLEN || FP_ETH_HLEN + tot > len)
		return s;
	if (ip[FP_IP4_OFF_PROTO] == FP_IPPROTO_TCP)
		seed = fp_csum_pseudo_ip4(fp_load_be32(ip + FP_IP4_OFF_SRC),
				fp_load_be32(ip + FP_IP4_OFF_DST), FP_IPPROTO_TCP,
				(uint16_t)(tot - FP_IP4_HLEN));
	else if (ip[FP_IP4_OFF_PROTO] != FP_IPPROTO_ICMP)
		return s;
	s.l4_ok = fp_csum_fold(fp_csum_partial(ip + FP_IP4_HLEN, tot - FP_IP4_HLEN, seed)) == 0;
	return s;
}

/* A frame lib/ built itself must be a well-formed TCP/IPv4 frame from us. */
static void
check_sent_frame(const uint8_t *frame, uint16_t len)
{
	const uint8_t *ip = frame + FP_ETH_HLEN;
	struct frame_sums sums;
	uint16_t tot;

	CHECK(len >= FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_HLEN && len <= FUZZ_TX_ROOM);
	CHECK(memcmp(frame + FP_ETH_OFF_SRC, our_mac[0], FP_ETH_ALEN) == 0 ||
			memcmp(frame + FP_ETH_OFF_SRC, our_mac[1], FP_ETH_ALEN) == 0);
	CHECK(ip[FP_IP4_OFF_PROTO] == FP_IPPROTO_TCP);
	tot = fp_load_be16(ip + FP_IP4_OFF_TOTLEN);
	CHECK(tot >= FP_IP4_HLEN + FP_TCP_HLEN && FP_ETH_HLEN + tot <= len);
	sums = frame_sums(frame, len);
	CHECK(sums.ip4_ok && sums.l4_ok);
}

/*
 * An in-place IPv4 reply has valid header and ICMP/TCP checksums, except
 * where the request's was wrong and flagged good (see the top of the file).
 */
static void
check_reply(const uint8_t *frame, uint16_t len, uint8_t mode, struct frame_sums req)
{
	const uint8_t *ip = frame + FP_ETH_HLEN;
	struct frame_sums rep;
	uint16_t tot;

	if (fp_load_be16(frame + FP_ETH_OFF_TYPE) != FP_ETHERTYPE_IPV4)
		return;
	CHECK(len >= FP_ETH_HLEN + FP_IP4_HLEN);
	tot = fp_load_be16(ip + FP_IP4_OFF_TOTLEN);
	CHECK(tot >= FP_IP4_HLEN && FP_ETH_HLEN + tot <= len);
	rep = frame_sums(frame, len);
	if (req.ip4_ok || !(mode & MODE_IP4_CSUM_GOOD))
		CHECK(rep.ip4_ok);
	if (req.l4_ok || !(mode & MODE_L4_CSUM_GOOD))
		CHECK(rep.l4_ok);
}

static uint8_t *
tx_alloc(void *arg, uint16_t *room)
{
	struct fuzz_tx *t = arg;

	CHECK(t->outstanding == NULL);
	if (t->fail_alloc)
		return NULL;
	t->outstanding = malloc(FUZZ_TX_ROOM);
	CHECK(t->outstanding != NULL);
	*room = FUZZ_TX_ROOM;
	return t->outstanding;
}

static void
tx_send(void *arg, uint8_t *frame, uint16_t len, uint16_t port)
{
	struct fuzz_tx *t = arg;

	CHECK(frame != NULL && frame == t->outstanding);
	/* It leaves by the interface whose MAC it carries. */
	CHECK(port < 2 && memcmp(frame + FP_ETH_OFF_SRC, our_mac[port], FP_ETH_ALEN) == 0);
	check_sent_frame(frame, len);
	note_our_segment(t, frame, len);
	free(frame);
	t->outstanding = NULL;
}

static void
tx_discard(void *arg, uint8_t *frame)
{
	struct fuzz_tx *t = arg;

	CHECK(frame != NULL && frame == t->outstanding);
	free(frame);
	t->outstanding = NULL;
}

static const struct fp_tx_ops tx_ops = {tx_alloc, tx_send, tx_discard};

/* Point the segment's ACK at our next sequence number and re-checksum it. */
static void
ack_fixup(uint8_t *frame, uint16_t len, const struct fuzz_tx *t)
{
	uint8_t *ip = frame + FP_ETH_HLEN;
	uint8_t *tcp = ip + FP_IP4_HLEN;
	uint16_t tot;

	if (!t->have_seq || len < FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_HLEN ||
			fp_load_be16(frame + FP_ETH_OFF_TYPE) != FP_ETHERTYPE_IPV4 ||
			ip[0] != 0x45 || ip[FP_IP4_OFF_PROTO] != FP_IPPROTO_TCP)
		return;
	tot = fp_load_be16(ip + FP_IP4_OFF_TOTLEN);
	if (tot < FP_IP4_HLEN + FP_TCP_HLEN || FP_ETH_HLEN + tot > len)
		return;
	fp_store_be32(tcp + FP_TCP_OFF_ACK, t->next_seq);
	fp_store_be16(tcp + FP_TCP_OFF_CSUM, 0);
	fp_store_be16(tcp + FP_TCP_OFF_CSUM,
			fp_csum_fold(fp_csum_partial(tcp, tot - FP_IP4_HLEN,
					fp_csum_pseudo_ip4(fp_load_be32(ip + FP_IP4_OFF_SRC),
							fp_load_be32(ip + FP_IP4_OFF_DST),
							FP_IPPROTO_TCP,
							(uint16_t)(tot - FP_IP4_HLEN)))));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_tx tx = {0};
	struct fp_ctx ctx = {0};
	struct fp_cfg cfg;
	uint8_t mode;
	uint16_t port;
	size_t off = 1;

	if (size < 1)
		return 0;
	mode = data[0];
	memset(&stats, 0, sizeof(stats));
	fp_cfg_defaults(&cfg);
	cfg.tcp.max_flows = 8;
	cfg.tcp.buffer_size = 1024;
	cfg.tcp.mss = 536;
	cfg.tcp.syn_cookies = (mode & MODE_SYN_COOKIES) ? 1 : 0;
	CHECK(fp_tcp_mem_size(&cfg.tcp) <= sizeof(tcp_mem));
	ctx.tcp = fp_tcp_init(tcp_mem, sizeof(tcp_mem), &cfg.tcp, &keys);
	CHECK(ctx.tcp != NULL);
	for (int i = 0; i < 2; i++) {
		memcpy(ctx.ifaces[i].mac, our_mac[i], FP_ETH_ALEN);
		ctx.ifaces[i].ip4 = our_ip[i];
		ctx.ifaces[i].prefix_len = 24;
		ctx.ifaces[i].mtu = 1500;
	}
	ctx.n_ifaces = 2;
	port = (uint16_t)((mode >> MODE_PORT_SHIFT) & 3);
	ctx.handlers = FP_HANDLE_ARP | FP_HANDLE_ICMP | FP_HANDLE_TCP;
	ctx.stats = &stats;
	ctx.tx = &tx_ops;
	ctx.tx_arg = &tx;
	ctx.now_us = 1000000;
	tx.fail_alloc = (mode & MODE_TX_NOBUF) != 0;

	while (size - off >= 3) {
		uint8_t step = data[off];
		uint16_t len = (uint16_t)(data[off + 1] << 8 | data[off + 2]);
		uint16_t room;
		struct fp_pkt pkt;
		struct fp_stats before;
		struct frame_sums req;
		enum fp_verdict v;
		uint64_t moved;
		uint8_t *buf;

		off += 3;
		if (len > size - off)
			len = (uint16_t)(size - off);
		room = (uint16_t)(len + ((step & 0x80) ? 64 : 0));
		if (step & 0x7f)
			fp_tick(&ctx, ctx.now_us + (uint64_t)(step & 0x7f) * 50000);
		/* Exactly len (+ tailroom) bytes on the heap: ASan sees any overrun. */
		buf = malloc(room ? room : 1);
		CHECK(buf != NULL);
		memcpy(buf, data + off, len);
		memset(buf + len, 0xa5, room - len);
		off += len;
		if (mode & MODE_ACK_FIXUP)
			ack_fixup(buf, len, &tx);

		req = frame_sums(buf, len);
		pkt = (struct fp_pkt){.data = buf,
				.len = len,
				.room = room,
				.port = port,
				.flags = mode & (MODE_IP4_CSUM_GOOD | MODE_L4_CSUM_GOOD)};
		before = stats;
		v = fp_input(&ctx, &pkt);
		moved = fp_stats_drops(&stats) - fp_stats_drops(&before);
		CHECK(v == FP_VERDICT_DROP || v == FP_VERDICT_CONSUMED || v == FP_VERDICT_TX);
		CHECK(v == FP_VERDICT_DROP ? moved == 1 : moved <= 1);
		CHECK(stats.c[FP_CTR_RX_PACKETS] == before.c[FP_CTR_RX_PACKETS] + 1);
		CHECK(pkt.data == buf);
		CHECK(tx.outstanding == NULL);
		if (v == FP_VERDICT_TX) {
			CHECK(pkt.len >= FP_ETH_HLEN && pkt.len <= room);
			CHECK(port < 2 &&
					memcmp(buf + FP_ETH_OFF_SRC, our_mac[port], FP_ETH_ALEN) ==
							0);
			check_reply(buf, pkt.len, mode, req);
			note_our_segment(&tx, buf, pkt.len);
		}
		free(buf);
	}
	return 0;
}
