/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path microbenchmark without the kernel and without DPDK: a plain C
 * program linking lib/ that feeds prebuilt frames to fp_input_burst() in
 * bursts of 32, the same call the worker lcore makes, with the same clock
 * update per burst and fp_tick() every 100 us (--per-packet: fp_input() frame
 * by frame instead); what it leaves out is the PMD and the mbuf adapter. Cases:
 *   tcp          64-byte (--size) data segments over established flows
 *                (handshakes fed first); each ACKs the previous echo, as a
 *                ping-pong peer does
 *   tcp-csum-ok  the same with the NIC's checksum verdicts set
 *   tcp-offload  the same, and the NIC fills in our checksums (nothing summed)
 *   churn        connections opened, echoing --size bytes once and closed by
 *                the client, --flows of them at a time (connections/s)
 *   arp, icmp    ARP requests for our address; ICMP echo with 56 bytes of data
 *   clock        only the core's clock now (every case's row reports it too)
 * --workers N runs the tcp case on N threads, one per CPU, each with its own
 * engine and the flows spread as RSS spreads them. A memory mode (--mem N)
 * opens N flows by handshakes, then reports the process RSS. Every verdict
 * and counter is checked: an unexpected drop or a missing reply makes the
 * run fail (exit 1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <x86intrin.h>

#include "fp/cfg.h"
#include "fp/chunk.h"
#include "fp/core.h"
#include "fp/echo.h"
#include "fp/stats.h"
#include "fp/tcp.h"
#include "fp/wire.h"
#include "pkt_build.h"

#define BURST       32
#define TICK_US     100  /* app/lcore.h APP_TICK_US */
#define STRIDE      256  /* bytes per frame slot: the frame and room for its reply */
#define BIG_STRIDE  2048 /* the same for full-sized segments (an mbuf's data room) */
#define PAYLOAD     64
#define MAX_PAYLOAD 1460
#define MAX_PASSES  65536
/*
 * Frames per timed pass, rebuilt (untimed) between passes: about what a
 * worker's RX ring and mempool cache recycle (net_af_packet framecnt 4096, an
 * RX ring of 4096 and the mbufs in flight), so the frames stay a bounded
 * working set as on a real port instead of sweeping the caches themselves.
 */
#define PASS_FRAMES 8192
#define SERVER_IP   0xc6120001u /* 198.18.0.1 */
#define ECHO_PORT   7

static const uint8_t srv_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t cli_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
/* Fixed keys: the same hash chains in every run. */
static const struct fp_tcp_keys keys = {{1, 2}, {3, 4}, {5, 6}};

struct bench {
	struct fp_ctx ctx;
	struct fp_stats stats;
	struct fp_cfg cfg;
	void *tcp_mem;
	size_t tcp_mem_len;
	double tsc_per_us;
	uint64_t tsc0;
	uint64_t next_tick;
	uint64_t tx_extra; /**< frames lib/ sent through fp_tx_ops */
	uint64_t inputs;   /**< frames given to fp_input(), timed or not (callgrind's divisor) */
	int per_packet;    /**< fp_input() frame by frame instead of fp_input_burst() */
	uint8_t txbuf[2048];
};

/* One client flow as the generator sees it. */
struct flow {
	uint32_t cip;
	uint16_t cport;
	uint32_t cseq; /**< next sequence number we send */
	uint32_t sseq; /**< next sequence number the server sends (what we ACK) */
};

static uint8_t *
tx_alloc(void *arg, uint16_t *room)
{
	struct bench *b = arg;

	*room = sizeof(b->txbuf);
	return b->txbuf;
}

static void
tx_send(void *arg, uint8_t *frame, uint16_t len, uint16_t port)
{
	struct bench *b = arg;

	(void)frame;
	(void)len;
	(void)port;
	b->tx_extra++;
}

static void
tx_discard(void *arg, uint8_t *frame)
{
	(void)arg;
	(void)frame;
}

static const struct fp_tx_ops bench_tx_ops = {
		.alloc = tx_alloc,
		.send = tx_send,
		.discard = tx_discard,
};

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t
mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/*
 * The core's clock now, in GHz: a chain of dependent adds runs one a cycle
 * on any out-of-order core, whatever the TSC's fixed rate says. This host's
 * cores change speed for minutes at a time (4.1 GHz and about 2.7 seen in
 * one hour), so a row's Mpps compares with another's only at the same clock.
 * Best of 5 runs of 4M adds (about 1 ms each), so an interrupt costs nothing.
 */
/* One add of the chain; the empty asm keeps it there: no folding, no vectors. */
static inline uint64_t
chain_add(uint64_t x)
{
	x += 1;
	__asm__ volatile("" : "+r"(x));
	return x;
}

static double
core_ghz(void)
{
	double best = 0;

	for (int run = 0; run < 5; run++) {
		uint64_t x = 0, t0 = mono_ns(), dt;

		for (uint32_t i = 0; i < (4u << 20) / 8; i++) {
			x = chain_add(chain_add(chain_add(chain_add(x))));
			x = chain_add(chain_add(chain_add(chain_add(x))));
		}
		dt = mono_ns() - t0;
		if (dt > 0 && (double)x / (double)dt > best)
			best = (double)x / (double)dt;
	}
	return best;
}

/*
 * Frame slots that start on a cache line, as a worker's do: an mbuf's data
 * is a line-aligned buffer plus 128 B of headroom. From malloc() they started
 * 16 B into a line, so a 118 B frame (64 B of payload) spanned three lines,
 * not two.
 */
static uint8_t *
frames_alloc(size_t len)
{
	return aligned_alloc(64, (len + 63) & ~(size_t)63);
}

/* TSC ticks per microsecond, against CLOCK_MONOTONIC over 50 ms. */
static double
tsc_calibrate(void)
{
	uint64_t n0 = mono_ns(), t0 = __rdtsc(), n1;
	struct timespec d = {0, 50000000};

	nanosleep(&d, NULL);
	n1 = mono_ns();
	return (double)(__rdtsc() - t0) / ((double)(n1 - n0) / 1000.0);
}

/* prefault: touch the whole engine first (throughput cases); not for --mem, which measures RSS. */
static int
bench_init(struct bench *b, uint32_t max_flows, uint32_t buffer_size, int prefault)
{
	memset(b, 0, sizeof(*b));
	fp_cfg_defaults(&b->cfg);
	b->cfg.tcp.max_flows = max_flows;
	b->cfg.tcp.buffer_size = buffer_size;
	if (prefault) {
		/* Timed cases: every flow has an echo in flight between two of its
		 * segments, so each needs a working record and a chunk at once. */
		b->cfg.tcp.active_flows = max_flows;
		/* A flow's next segment, which ACKs its echo, comes a whole round
		 * later: over 1M flows that is longer than the 200 ms RTO floor, and
		 * every echo would be resent once, a lossy-peer run instead of an
		 * echo run. The initial RTO, 1 s, which is also RFC 6298 2.4's own
		 * floor, covers the round (and keeps rto_min_ms <= rto_initial_ms). */
		b->cfg.tcp.rto_min_ms = b->cfg.tcp.rto_initial_ms;
		if ((uint64_t)max_flows * buffer_size > (64u << 20))
			b->cfg.tcp.echo_pool_kb = max_flows;
	}
	b->tcp_mem_len = fp_tcp_mem_size(&b->cfg.tcp);
	if (b->tcp_mem_len == 0)
		return -EINVAL;
	/* Anonymous mmap: pages count in RSS only once lib/ touches them. */
	b->tcp_mem = mmap(NULL, b->tcp_mem_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	if (b->tcp_mem == MAP_FAILED)
		return -ENOMEM;
	if (prefault) {
		/* As the app's engine: hugepage memory (EAL), zeroed by rte_zmalloc(),
		 * so every page is resident before the first packet. */
		madvise(b->tcp_mem, b->tcp_mem_len, MADV_HUGEPAGE);
		memset(b->tcp_mem, 0, b->tcp_mem_len);
	}
	b->ctx.tcp = fp_tcp_init(b->tcp_mem, b->tcp_mem_len, &b->cfg.tcp, &keys);
	if (b->ctx.tcp == NULL)
		return -EINVAL;
	memcpy(b->ctx.ifaces[0].mac, srv_mac, 6);
	b->ctx.ifaces[0].ip4 = SERVER_IP;
	b->ctx.ifaces[0].prefix_len = 24;
	b->ctx.ifaces[0].mtu = 1500;
	b->ctx.n_ifaces = 1;
	b->ctx.handlers = FP_HANDLE_ARP | FP_HANDLE_ICMP | FP_HANDLE_TCP;
	b->ctx.stats = &b->stats;
	b->ctx.tx = &bench_tx_ops;
	b->ctx.tx_arg = b;
	b->tsc_per_us = tsc_calibrate();
	b->tsc0 = __rdtsc();
	b->ctx.now_us = 1;
	return 0;
}

/* The worker loop's per-burst clock and timer step (app/lcore.c app_lcore_main()). */
static inline void
bench_clock(struct bench *b)
{
	uint64_t now = __rdtsc();

	b->ctx.now_us = 1 + (uint64_t)((double)(now - b->tsc0) / b->tsc_per_us);
	if (now >= b->next_tick) {
		fp_tick(&b->ctx, b->ctx.now_us);
		b->next_tick = now + (uint64_t)(b->tsc_per_us * TICK_US);
	}
}

static enum fp_verdict
feed_one(struct bench *b, uint8_t *frame, uint16_t len, uint16_t room, struct fp_pkt *out)
{
	*out = (struct fp_pkt){.data = frame, .len = len, .room = room};
	b->inputs++;
	return fp_input(&b->ctx, out);
}

static void
flow_spec(struct pkt_spec *s, const struct flow *f, uint8_t flags)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->src_mac, cli_mac, 6);
	memcpy(s->dst_mac, srv_mac, 6);
	s->src_ip = f->cip;
	s->dst_ip = SERVER_IP;
	s->sport = f->cport;
	s->dport = ECHO_PORT;
	s->seq = f->cseq;
	s->ack = f->sseq;
	s->flags = flags;
	s->win = 65535;
}

/* Client i's address and port: 198.18.0.2.. with ports 1024.., no two alike. */
static void
flow_addr(struct flow *f, uint32_t i)
{
	f->cip = 0xc6120002u + i / 60000u;
	f->cport = (uint16_t)(1024u + i % 60000u);
	f->cseq = 1000000u + i * 7919u;
}

/* SYN, SYN-ACK, ACK. @return 0 once established, -1 if the engine did not answer. */
static int
flow_open(struct bench *b, struct flow *f)
{
	static const uint8_t mss_opt[4] = {2, 4, 0x05, 0xb4};
	uint8_t frame[STRIDE];
	struct pkt_spec s;
	struct fp_pkt p;
	size_t len;

	flow_spec(&s, f, FP_TCP_SYN);
	s.ack = 0;
	s.opts = mss_opt;
	s.opts_len = sizeof(mss_opt);
	len = pkt_build_tcp(frame, sizeof(frame), &s);
	if (feed_one(b, frame, (uint16_t)len, sizeof(frame), &p) != FP_VERDICT_TX)
		return -1;
	if ((p.data[p.l4 + FP_TCP_OFF_FLAGS] & (FP_TCP_SYN | FP_TCP_ACK)) !=
			(FP_TCP_SYN | FP_TCP_ACK))
		return -1;
	f->sseq = fp_load_be32(p.data + p.l4 + FP_TCP_OFF_SEQ) + 1;
	f->cseq++;
	flow_spec(&s, f, FP_TCP_ACK);
	len = pkt_build_tcp(frame, sizeof(frame), &s);
	return feed_one(b, frame, (uint16_t)len, sizeof(frame), &p) == FP_VERDICT_DROP ? -1 : 0;
}

struct result {
	const char *name;
	uint64_t pkts;
	uint64_t tsc;              /**< TSC ticks spent in timed passes (wall clock) */
	uint64_t cpu_ns;           /**< this thread's CPU time in timed passes */
	float pass_ns[MAX_PASSES]; /**< CPU ns per packet of each pass, for the median */
	uint32_t n_passes;
	uint64_t bad;            /**< packets whose verdict or reply was not what it should be */
	uint64_t t_start, t_end; /**< CLOCK_MONOTONIC ns around the timed passes */
	uint64_t extra; /**< frames lib/ sent through fp_tx_ops besides the in-place replies */
	uint32_t frames_per_conn; /**< churn: frames received per connection, else 0 */
};

static int
cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* Median over passes: a pass disturbed by an interrupt or a neighbour does not move it. */
static double
median_pass(struct result *r)
{
	if (r->n_passes == 0)
		return 0;
	qsort(r->pass_ns, r->n_passes, sizeof(r->pass_ns[0]), cmp_float);
	return r->pass_ns[r->n_passes / 2];
}

/*
 * Per-packet cost from this thread's CPU time (median pass), so a core shared with another
 * busy process does not inflate it; the wall-clock rate (TSC) is printed too.
 * cycles/pkt = CPU ns x the TSC rate (no PMU in this VM for real cycles).
 */
static void
print_result(const struct bench *b, struct result *r, int json)
{
	double wall_us = (double)r->tsc / b->tsc_per_us;
	double wall_mpps = wall_us > 0 ? (double)r->pkts / wall_us : 0;
	double ns = median_pass(r);
	double best = r->n_passes ? r->pass_ns[0] : 0; /* sorted by median_pass() */
	double mpps = ns > 0 ? 1000.0 / ns : 0;
	double cyc = ns * b->tsc_per_us / 1000.0;
	/* Churn: connections a second, in millions, from the median pass. */
	double mconns = r->frames_per_conn ? mpps / r->frames_per_conn : 0;
	double ghz = core_ghz(); /* right after the case: the phases last minutes */

	if (json) {
		printf("{\"case\":\"%s\",\"packets\":%" PRIu64 ",\"mpps\":%.3f,\"ns_per_pkt\":%.1f,"
		       "\"cycles_per_pkt\":%.1f,\"wall_mpps\":%.3f,\"tsc_mhz\":%.0f,"
		       "\"best_ns_per_pkt\":%.1f,\"core_ghz\":%.2f,",
				r->name, r->pkts, mpps, ns, cyc, wall_mpps, b->tsc_per_us, best, ghz);
		if (r->frames_per_conn)
			printf("\"frames_per_conn\":%u,\"mconns\":%.3f,", r->frames_per_conn, mconns);
		printf("\"extra_tx\":%" PRIu64 ",\"errors\":%" PRIu64 "}\n", r->extra, r->bad);
	} else {
		printf("%-26s %10" PRIu64 " pkts  %7.3f Mpps  %7.1f ns/pkt  %7.1f cycles/pkt  "
		       "(wall %7.3f Mpps, best pass %.1f ns, core %.2f GHz)  extra tx %" PRIu64
		       "  errors %" PRIu64 "\n",
				r->name, r->pkts, mpps, ns, cyc, wall_mpps, best, ghz, r->extra, r->bad);
		if (r->frames_per_conn)
			printf("%-26s %.3f M connections/s (%u frames each)\n", "", mconns,
					r->frames_per_conn);
	}
	fflush(stdout);
}

/*
 * Time one pass over n prebuilt frames, in bursts. Verdicts other than TX are
 * errors. Never inlined: tools/bench/profile.py counts inside it only, so
 * handshakes and frame building stay out of the per-packet breakdown.
 */
__attribute__((noinline)) static void
timed_pass(struct bench *b, uint8_t *frames, uint16_t stride, const uint16_t *lens, uint32_t n,
		uint32_t flags, struct result *r)
{
	uint64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), t0 = __rdtsc();
	struct fp_pkt pkts[BURST];
	enum fp_verdict v[BURST];

	for (uint32_t i = 0; i < n; i += BURST) {
		uint32_t end = i + BURST < n ? i + BURST : n;

		bench_clock(b);
		for (uint32_t k = i; k < end; k++)
			pkts[k - i] = (struct fp_pkt){.data = frames + (size_t)k * stride,
					.len = lens[k],
					.room = stride,
					.flags = flags};
		/* As the worker does: the whole burst at once, or (--per-packet) one by one. */
		if (b->per_packet) {
			for (uint32_t k = 0; k < end - i; k++)
				v[k] = fp_input(&b->ctx, &pkts[k]);
		} else {
			fp_input_burst(&b->ctx, pkts, (uint16_t)(end - i), v);
		}
		for (uint32_t k = 0; k < end - i; k++)
			r->bad += v[k] != FP_VERDICT_TX;
	}
	r->tsc += __rdtsc() - t0;
	c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	r->cpu_ns += c0;
	if (r->n_passes < MAX_PASSES)
		r->pass_ns[r->n_passes++] = (float)c0 / (float)n;
	r->pkts += n;
	b->inputs += n;
}

/*
 * One TCP load: open the flows, then time passes over prebuilt frames until
 * the deadline (each segment carries size bytes and ACKs the echo before it),
 * then ACK every flow's last echo and check that every byte was echoed.
 * With a barrier, the timed part starts when every worker is ready.
 */
static int
tcp_load(struct bench *b, struct flow *fl, uint32_t n_flows, uint16_t size, double seconds,
		uint32_t flags, struct result *r, pthread_barrier_t *bar)
{
	uint32_t n = PASS_FRAMES, next = 0;
	uint16_t stride = size + 54 <= STRIDE / 2 ? STRIDE : BIG_STRIDE;
	uint8_t *frames = frames_alloc((size_t)n * stride);
	uint16_t *lens = malloc(n * sizeof(*lens));
	uint8_t payload[MAX_PAYLOAD];
	uint64_t echoed0 = fp_stats_get(&b->stats, FP_CTR_TCP_BYTES_ECHOED);
	uint64_t extra0 = b->tx_extra;
	uint64_t deadline;
	int rc = 0;

	if (frames == NULL || lens == NULL) {
		fprintf(stderr, "%s: out of memory for %u frames\n", r->name, n);
		rc = -1;
	}
	for (uint32_t i = 0; i < size; i++)
		payload[i] = (uint8_t)i;
	for (uint32_t i = 0; rc == 0 && i < n_flows; i++) {
		if (flow_open(b, &fl[i]) < 0) {
			fprintf(stderr, "%s: handshake of flow %u failed\n", r->name, i);
			rc = -1;
		}
	}
	/* Arrivals in an order unrelated to the one the flows were opened in
	 * (their slots') and to their tuples' (their buckets'), as clients'
	 * are: in opening order a stride prefetcher follows the slots, and a
	 * hash that keeps consecutive tuples' buckets a fixed stride apart
	 * would be walked in order too. A fixed seed: every run the same. */
	for (uint32_t i = n_flows, x = 0x9e3779b9u; rc == 0 && i > 1; i--) {
		struct flow tmp;
		uint32_t j;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		j = (uint32_t)(((uint64_t)x * i) >> 32);
		tmp = fl[i - 1];
		fl[i - 1] = fl[j];
		fl[j] = tmp;
	}
	if (bar != NULL)
		pthread_barrier_wait(bar);
	if (rc < 0)
		goto out;
	r->t_start = mono_ns();
	deadline = r->t_start + (uint64_t)(seconds * 1e9);
	do {
		/*
		 * Round-robin over the shuffled flows, as interleaved arrivals, each
		 * segment ACKing the echo before; a pass goes on where the last one
		 * stopped.
		 */
		for (uint32_t k = 0; k < n; k++, next = next + 1 < n_flows ? next + 1 : 0) {
			struct flow *f = &fl[next];
			struct pkt_spec s;

			flow_spec(&s, f, FP_TCP_ACK | FP_TCP_PSH);
			s.payload = payload;
			s.payload_len = size;
			lens[k] = (uint16_t)pkt_build_tcp(frames + (size_t)k * stride, stride, &s);
			f->cseq += size;
			f->sseq += size;
		}
		timed_pass(b, frames, stride, lens, n, flags, r);
	} while (mono_ns() < deadline);
	r->t_end = mono_ns();
	/* ACK the last echo of every flow, so no retransmission timer disturbs the next case. */
	for (uint32_t i = 0; i < n_flows; i++) {
		struct pkt_spec s;
		struct fp_pkt p;
		size_t len;

		flow_spec(&s, &fl[i], FP_TCP_ACK);
		len = pkt_build_tcp(frames, stride, &s);
		feed_one(b, frames, (uint16_t)len, stride, &p);
	}
	/* Every segment must have been echoed in full, in its own reply. */
	if (fp_stats_get(&b->stats, FP_CTR_TCP_BYTES_ECHOED) - echoed0 != r->pkts * size) {
		fprintf(stderr, "%s: echoed %" PRIu64 " bytes, expected %" PRIu64 "\n", r->name,
				fp_stats_get(&b->stats, FP_CTR_TCP_BYTES_ECHOED) - echoed0,
				r->pkts * size);
		r->bad++;
	}
	r->extra = b->tx_extra - extra0;
out:
	free(frames);
	free(lens);
	return rc < 0 || r->bad ? -1 : 0;
}

static int
run_tcp(struct bench *b, uint32_t first, uint32_t n_flows, uint16_t size, double seconds,
		uint32_t flags, const char *name, int json)
{
	struct flow *fl = calloc(n_flows, sizeof(*fl));
	struct result *r = calloc(1, sizeof(*r));
	int rc = -1;

	if (fl != NULL && r != NULL) {
		r->name = name;
		for (uint32_t i = 0; i < n_flows; i++)
			flow_addr(&fl[i], first + i);
		rc = tcp_load(b, fl, n_flows, size, seconds, flags, r, NULL);
		print_result(b, r, json);
	}
	free(fl);
	free(r);
	return rc;
}

/*
 * Toeplitz hash (Microsoft RSS) of an IPv4/TCP 4-tuple with the default
 * 40-byte key, as a NIC computes it: the worker a flow lands on is
 * RETA[hash % 128], and a default RETA spreads entry i to queue i % N.
 */
static uint32_t
rss_hash(uint32_t sip, uint32_t dip, uint16_t sport, uint16_t dport)
{
	static const uint8_t key[40] = {0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
			0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b,
			0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42,
			0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};
	uint8_t in[12];
	uint32_t h = 0;

	fp_store_be32(in, sip);
	fp_store_be32(in + 4, dip);
	fp_store_be16(in + 8, sport);
	fp_store_be16(in + 10, dport);
	for (uint32_t i = 0; i < sizeof(in) * 8; i++) {
		if (in[i / 8] & (0x80 >> (i % 8))) {
			/* The 32 key bits starting at bit i. */
			uint32_t k = 0;

			for (uint32_t j = 0; j < 32; j++)
				k = k << 1 | ((key[(i + j) / 8] >> (7 - (i + j) % 8)) & 1);
			h ^= k;
		}
	}
	return h;
}

/* One worker thread of --workers: its own engine and its share of the flows. */
struct worker {
	pthread_t thread;
	struct bench *b;
	struct flow *fl;
	uint32_t n_flows;
	uint16_t size;
	double seconds;
	uint32_t flags;
	int cpu;
	pthread_barrier_t *bar;
	struct result *r;
	int rc;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	w->rc = tcp_load(w->b, w->fl, w->n_flows, w->size, w->seconds, w->flags, w->r, w->bar);
	return NULL;
}

/*
 * n_workers threads, one per CPU, each with its own engine (as each worker
 * lcore has), the flows spread as RSS would spread them, timed together
 * (they start at a barrier and run the same time). Mpps is the sum of the
 * workers' median rates per CPU-second; wall_mpps the sum of their
 * wall-clock rates over their timed passes, which is what scaling is judged
 * by: a worker that shares its CPU or the memory bus with the other shows it.
 */
static int
run_workers(uint32_t n_workers, uint32_t n_flows, uint16_t size, double seconds, uint32_t flags,
		uint32_t buffer_size, const char *name, int json)
{
	struct worker w[64];
	pthread_barrier_t bar;
	uint32_t ncpu = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t pkts = 0, bad = 0, extra = 0;
	double mpps = 0, wall_mpps = 0, ns = 0, share = 0;
	int rc = 0;

	if (n_workers == 0 || n_workers > 64)
		return -1;
	memset(w, 0, sizeof(w));
	for (uint32_t i = 0; i < n_workers; i++) {
		w[i].b = calloc(1, sizeof(struct bench));
		w[i].fl = calloc(n_flows, sizeof(struct flow));
		w[i].r = calloc(1, sizeof(struct result));
		if (w[i].b == NULL || w[i].fl == NULL || w[i].r == NULL ||
				bench_init(w[i].b, n_flows + 64, buffer_size, 1) < 0) {
			fprintf(stderr, "%s: worker %u: init failed\n", name, i);
			return -1;
		}
		w[i].r->name = name;
	}
	for (uint32_t i = 0; i < n_flows; i++) {
		struct flow f;
		uint32_t q;

		flow_addr(&f, i);
		q = (rss_hash(f.cip, SERVER_IP, f.cport, ECHO_PORT) % 128) % n_workers;
		w[q].fl[w[q].n_flows++] = f;
	}
	pthread_barrier_init(&bar, NULL, n_workers);
	for (uint32_t i = 0; i < n_workers; i++) {
		w[i].size = size;
		w[i].seconds = seconds;
		w[i].flags = flags;
		w[i].cpu = (int)((1 + i) % ncpu); /* worker 0 on CPU 1, as the 1-worker cases */
		w[i].bar = &bar;
		if (w[i].n_flows == 0 || pthread_create(&w[i].thread, NULL, worker_main, &w[i])) {
			fprintf(stderr, "%s: worker %u: no flows or no thread\n", name, i);
			return -1;
		}
	}
	for (uint32_t i = 0; i < n_workers; i++) {
		struct result *r = w[i].r;
		double wall;

		pthread_join(w[i].thread, NULL);
		rc |= w[i].rc;
		pkts += r->pkts;
		bad += r->bad;
		extra += r->extra;
		ns = median_pass(r);
		mpps += ns > 0 ? 1000.0 / ns : 0;
		/* Wall-clock time of the timed passes only (frames are rebuilt between). */
		wall = (double)r->tsc / w[i].b->tsc_per_us;
		wall_mpps += wall > 0 ? (double)r->pkts / wall : 0;
		share += wall > 0 ? (double)r->cpu_ns / 1000.0 / wall / n_workers : 0;
	}
	pthread_barrier_destroy(&bar);
	if (json)
		printf("{\"case\":\"%s\",\"workers\":%u,\"flows\":%u,\"packets\":%" PRIu64
		       ",\"mpps\":%.3f,\"ns_per_pkt\":%.1f,\"cycles_per_pkt\":%.1f,"
		       "\"wall_mpps\":%.3f,\"cpu_share\":%.3f,\"tsc_mhz\":%.0f,\"extra_tx\":"
		       "%" PRIu64 ",\"errors\":%" PRIu64 "}\n",
				name, n_workers, n_flows, pkts, mpps, 1000.0 * n_workers / mpps,
				1000.0 * n_workers / mpps * w[0].b->tsc_per_us / 1000.0, wall_mpps,
				share, w[0].b->tsc_per_us, extra, bad);
	else
		printf("%-26s %2u workers %10" PRIu64 " pkts  %7.3f Mpps (sum of per-CPU-second "
		       "rates)  wall %7.3f Mpps  CPU share %.0f%%  errors %" PRIu64 "\n",
				name, n_workers, pkts, mpps, wall_mpps, share * 100, bad);
	fflush(stdout);
	for (uint32_t i = 0; i < n_workers; i++) {
		munmap(w[i].b->tcp_mem, w[i].b->tcp_mem_len);
		free(w[i].b);
		free(w[i].fl);
		free(w[i].r);
	}
	return rc || bad ? -1 : 0;
}

/* ARP or ICMP: the same n frames every pass, restored from a pristine copy (untimed). */
static int
run_simple(struct bench *b, int icmp, double seconds, const char *name, int json)
{
	const uint32_t n = 4096;
	uint8_t *frames = frames_alloc((size_t)n * STRIDE), *pristine = malloc((size_t)n * STRIDE);
	uint16_t *lens = malloc(n * sizeof(*lens));
	uint8_t payload[56];
	struct result r = {.name = name};
	uint64_t deadline;

	if (frames == NULL || pristine == NULL || lens == NULL) {
		fprintf(stderr, "%s: out of memory for %u frames\n", name, n);
		r.bad = 1;
		goto out;
	}
	for (uint32_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	for (uint32_t k = 0; k < n; k++) {
		struct pkt_spec s = {0};

		memcpy(s.src_mac, cli_mac, 6);
		memcpy(s.dst_mac,
				icmp ? srv_mac :
				       (const uint8_t[6]){0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
				6);
		s.src_ip = 0xc6120002u + k % 200;
		s.dst_ip = SERVER_IP;
		s.icmp_type = FP_ICMP_ECHO_REQ;
		s.icmp_id = 0x4242;
		s.icmp_seq = (uint16_t)k;
		s.payload = payload;
		s.payload_len = sizeof(payload);
		lens[k] = (uint16_t)(icmp ? pkt_build_icmp(pristine + (size_t)k * STRIDE, STRIDE,
							    &s) :
					    pkt_build_arp(pristine + (size_t)k * STRIDE, STRIDE, &s,
							    FP_ARP_OP_REQUEST));
	}
	deadline = mono_ns() + (uint64_t)(seconds * 1e9);
	do {
		memcpy(frames, pristine, (size_t)n * STRIDE);
		timed_pass(b, frames, STRIDE, lens, n, 0, &r);
	} while (mono_ns() < deadline);
	print_result(b, &r, json);
out:
	free(frames);
	free(pristine);
	free(lens);
	return r.bad ? -1 : 0;
}

/* One frame of a churned connection, as a kernel client sends it, and what the engine must do. */
struct churn_stage {
	uint8_t flags;        /**< the client's TCP flags */
	uint8_t data;         /**< carries the payload */
	enum fp_verdict want; /**< the engine's verdict */
	uint8_t reply;        /**< flags the engine's reply must carry (want TX) */
};

static const struct churn_stage churn_stages[] = {
		{FP_TCP_SYN, 0, FP_VERDICT_TX, FP_TCP_SYN | FP_TCP_ACK},        /* SYN-ACK */
		{FP_TCP_ACK, 0, FP_VERDICT_CONSUMED, 0},                        /* handshake done */
		{FP_TCP_ACK | FP_TCP_PSH, 1, FP_VERDICT_TX, FP_TCP_ACK},        /* the echo */
		{FP_TCP_ACK | FP_TCP_FIN, 0, FP_VERDICT_TX, FP_TCP_ACK | FP_TCP_FIN}, /* our FIN */
		{FP_TCP_ACK, 0, FP_VERDICT_CONSUMED, 0},                        /* closed */
};

#define CHURN_FRAMES (sizeof(churn_stages) / sizeof(churn_stages[0]))

/*
 * One timed burst of a churn stage: the worker's clock step and
 * fp_input_burst(), timed by the TSC alone (the frames of the next stage
 * are built from these replies between bursts, untimed). Every verdict and
 * reply must be what the stage says; isn gets each reply's sequence number
 * (the SYN-ACKs' matter).
 */
static void
churn_burst(struct bench *b, const struct churn_stage *st, uint8_t *frames, const uint16_t *lens,
		uint32_t n, uint32_t *isn, struct result *r, uint64_t *tsc)
{
	struct fp_pkt pkts[BURST];
	enum fp_verdict v[BURST];
	uint64_t t0;

	for (uint32_t k = 0; k < n; k++)
		pkts[k] = (struct fp_pkt){.data = frames + (size_t)k * STRIDE, .len = lens[k],
				.room = STRIDE};
	t0 = __rdtsc();
	bench_clock(b);
	fp_input_burst(&b->ctx, pkts, (uint16_t)n, v);
	*tsc += __rdtsc() - t0;
	for (uint32_t k = 0; k < n; k++) {
		const uint8_t *tcp = pkts[k].data + pkts[k].l4;

		if (v[k] != st->want)
			r->bad++;
		else if (st->want == FP_VERDICT_TX && (tcp[FP_TCP_OFF_FLAGS] & st->reply) != st->reply)
			r->bad++;
		else if (st->want == FP_VERDICT_TX)
			isn[k] = fp_load_be32(tcp + FP_TCP_OFF_SEQ);
	}
	b->inputs += n;
}

/* A stage's frames for connections fl[0..n-1], into frames (STRIDE apart). */
static void
churn_build(const struct churn_stage *st, const struct flow *fl, uint32_t n, const uint8_t *payload,
		uint16_t size, uint8_t *frames, uint16_t *lens)
{
	static const uint8_t mss_opt[4] = {2, 4, 0x05, 0xb4};

	for (uint32_t k = 0; k < n; k++) {
		struct pkt_spec sp;

		flow_spec(&sp, &fl[k], st->flags);
		if (st->flags & FP_TCP_SYN) {
			sp.ack = 0;
			sp.opts = mss_opt;
			sp.opts_len = sizeof(mss_opt);
		}
		if (st->data) {
			sp.payload = payload;
			sp.payload_len = size;
		}
		lens[k] = (uint16_t)pkt_build_tcp(frames + (size_t)k * STRIDE, STRIDE, &sp);
	}
}

/* Sequence numbers after a stage: SYN and FIN take one, data its length, both ways. */
static void
churn_advance(const struct churn_stage *st, struct flow *f, uint32_t isn, uint16_t size)
{
	uint32_t data = st->data ? size : 0;

	f->cseq += data + !!(st->flags & (FP_TCP_SYN | FP_TCP_FIN));
	if (st->reply & FP_TCP_SYN)
		f->sseq = isn + 1;
	else
		f->sseq += data + !!(st->reply & FP_TCP_FIN);
}

/*
 * Connection churn, as the loadgen's churn case drives it but without the
 * client: batches of n_conns connections, each opened, echoing size bytes
 * once and closed by the client, stage by stage (each stage's frames in
 * bursts). A pass is one batch; the figure is per frame received, and per
 * connection CHURN_FRAMES of them. The tuples come round again, so the
 * flow table must give every closed flow back (a leak fails the SYNs).
 */
static int
run_churn(struct bench *b, uint32_t first, uint32_t n_conns, uint16_t size, double seconds,
		const char *name, int json)
{
	/* Tuples in turn: a few times the batch, so a tuple comes back only
	 * after its flow has closed. */
	const uint32_t n_tuples = n_conns * 4;
	uint8_t *frames = frames_alloc((size_t)BURST * STRIDE);
	struct flow *fl = calloc(n_conns, sizeof(*fl));
	uint32_t *isn = calloc(n_conns, sizeof(*isn));
	struct result *r = calloc(1, sizeof(*r));
	uint8_t payload[MAX_PAYLOAD];
	uint64_t closed0 = fp_stats_get(&b->stats, FP_CTR_FLOWS_CLOSED), extra0 = b->tx_extra;
	uint64_t echoed0 = fp_stats_get(&b->stats, FP_CTR_TCP_BYTES_ECHOED);
	uint64_t deadline, conns = 0, gen = 0;
	uint32_t next = 0;
	int rc = -1;

	if (frames == NULL || fl == NULL || isn == NULL || r == NULL) {
		fprintf(stderr, "%s: out of memory\n", name);
		goto out;
	}
	r->name = name;
	r->frames_per_conn = CHURN_FRAMES;
	for (uint32_t i = 0; i < size; i++)
		payload[i] = (uint8_t)i;
	r->t_start = mono_ns();
	deadline = r->t_start + (uint64_t)(seconds * 1e9);
	do {
		uint64_t tsc = 0;

		for (uint32_t i = 0; i < n_conns; i++, next = next + 1 < n_tuples ? next + 1 : 0) {
			flow_addr(&fl[i], first + next);
			/* A new ISN each time the tuple comes round (RFC 9293 3.4.1). */
			fl[i].cseq += (uint32_t)gen * 0x01000193u;
		}
		gen++;
		for (uint32_t st = 0; st < CHURN_FRAMES; st++) {
			for (uint32_t i = 0; i < n_conns; i += BURST) {
				uint32_t n = n_conns - i < BURST ? n_conns - i : BURST;
				uint16_t lens[BURST];

				churn_build(&churn_stages[st], fl + i, n, payload, size, frames, lens);
				churn_burst(b, &churn_stages[st], frames, lens, n, isn + i, r, &tsc);
			}
			for (uint32_t i = 0; i < n_conns; i++)
				churn_advance(&churn_stages[st], &fl[i], isn[i], size);
		}
		conns += n_conns;
		r->tsc += tsc;
		r->pkts += (uint64_t)n_conns * CHURN_FRAMES;
		if (r->n_passes < MAX_PASSES)
			r->pass_ns[r->n_passes++] = (float)((double)tsc * 1000.0 / b->tsc_per_us /
							    ((double)n_conns * CHURN_FRAMES));
	} while (mono_ns() < deadline && r->bad == 0);
	r->t_end = mono_ns();
	/* Every connection closed, and every byte echoed. */
	if (fp_stats_get(&b->stats, FP_CTR_FLOWS_CLOSED) - closed0 != conns ||
			fp_stats_get(&b->stats, FP_CTR_TCP_BYTES_ECHOED) - echoed0 != conns * size) {
		fprintf(stderr, "%s: %" PRIu64 " connections: %" PRIu64 " closed, %" PRIu64
				" bytes echoed\n",
				name, conns, fp_stats_get(&b->stats, FP_CTR_FLOWS_CLOSED) - closed0,
				fp_stats_get(&b->stats, FP_CTR_TCP_BYTES_ECHOED) - echoed0);
		r->bad++;
	}
	r->extra = b->tx_extra - extra0;
	print_result(b, r, json);
	rc = r->bad ? -1 : 0;
out:
	free(frames);
	free(fl);
	free(isn);
	free(r);
	return rc;
}

/*
 * The echo store alone, for choosing it: per echoed segment of size bytes,
 * append it, read it back (the echo) and drop it (the ACK), over n_flows
 * flows in turn, once with a ring per flow (fp_echo_buf, buffer_size each)
 * and once with chunk queues over one shared pool (fp_chunk_q). Prints ns per
 * segment and the memory each holds per flow with one segment in flight.
 */
static int
run_store(uint32_t n_flows, uint16_t size, uint32_t buffer_size, double seconds, int json)
{
	const uint32_t chunk = 256, n_chunks = n_flows * 4;
	size_t ring_len = (size_t)n_flows * buffer_size;
	size_t pool_len = fp_chunk_pool_mem_size(n_chunks, chunk);
	uint8_t *ring_mem = malloc(ring_len), *pool_mem = malloc(pool_len);
	struct fp_echo_buf *rings = calloc(n_flows, sizeof(*rings));
	struct fp_chunk_q *qs = calloc(n_flows, sizeof(*qs));
	struct fp_chunk_pool pool;
	uint8_t seg[MAX_PAYLOAD], out[MAX_PAYLOAD];
	double ns[2];

	if (!ring_mem || !pool_mem || !rings || !qs ||
			fp_chunk_pool_init(&pool, pool_mem, pool_len, n_chunks, chunk) < 0)
		return -1;
	memset(ring_mem, 0, ring_len);
	memset(pool_mem, 0, pool_len);
	memset(seg, 0x5a, sizeof(seg));
	for (uint32_t i = 0; i < n_flows; i++) {
		fp_echo_buf_init(&rings[i], ring_mem + (size_t)i * buffer_size, buffer_size);
		fp_chunk_q_init(&qs[i]);
	}
	for (int kind = 0; kind < 2; kind++) {
		uint64_t ops = 0, t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		uint64_t deadline = mono_ns() + (uint64_t)(seconds * 1e9);

		do {
			for (uint32_t i = 0; i < n_flows; i++) {
				if (kind == 0) {
					fp_echo_buf_push(&rings[i], seg, size);
					fp_echo_buf_copy(&rings[i], 0, out, size);
					fp_echo_buf_consume(&rings[i], size);
				} else {
					fp_chunk_q_push(&qs[i], &pool, seg, size);
					fp_chunk_q_copy(&qs[i], &pool, 0, out, size);
					fp_chunk_q_consume(&qs[i], &pool, size);
				}
			}
			ops += n_flows;
		} while (mono_ns() < deadline);
		ns[kind] = (double)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0) / (double)ops;
	}
	if (json)
		printf("{\"case\":\"store\",\"flows\":%u,\"size\":%u,\"ring_ns\":%.1f,"
		       "\"chunk_ns\":%.1f,\"ring_bytes_per_flow\":%u,\"chunk_bytes_per_flow\":%u,"
		       "\"chunk_size\":%u}\n",
				n_flows, size, ns[0], ns[1], buffer_size,
				((size + chunk - 1) / chunk) * (chunk + 4), chunk);
	else
		printf("store, %u flows, %u B segments: ring %.1f ns, chunks %.1f ns per "
		       "push+copy+consume; held per flow with one segment in flight: ring %u B, "
		       "chunks %u B\n",
				n_flows, size, ns[0], ns[1], buffer_size,
				((size + chunk - 1) / chunk) * (chunk + 4));
	free(ring_mem);
	free(pool_mem);
	free(rings);
	free(qs);
	return 0;
}

/* Resident set size of this process, kB, from /proc/self/status. */
static long
rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int
run_mem(uint32_t n_flows, uint32_t buffer_size, int echo, int json)
{
	static struct bench b;
	struct fp_cfg_tcp c;
	size_t per_flow, big, shared;
	long rss0, rss_init, rss_open, rss_echo;
	uint8_t payload[PAYLOAD] = {0};
	uint32_t *sseq, i;

	/* The generator's own state (4 bytes a flow) is touched before the baseline. */
	sseq = calloc(n_flows, sizeof(*sseq));
	if (sseq == NULL)
		return -1;
	memset(sseq, 0xff, n_flows * sizeof(*sseq));
	rss0 = rss_kb();
	if (bench_init(&b, n_flows, buffer_size, 0) < 0) {
		fprintf(stderr, "mem: engine init failed for %u flows\n", n_flows);
		return -1;
	}
	rss_init = rss_kb();
	/* sizeof-based state per flow: the growth of fp_tcp_mem_size() per added flow. */
	c = b.cfg.tcp;
	c.max_flows = 1u << 19;
	big = fp_tcp_mem_size(&c);
	c.max_flows = 1u << 20;
	per_flow = (fp_tcp_mem_size(&c) - big) >> 19;
	/* The rest is shared by all flows: working records, the echo chunk pool. */
	shared = b.tcp_mem_len - per_flow * n_flows;
	for (i = 0; i < n_flows; i++) {
		struct flow f;

		flow_addr(&f, i);
		if (flow_open(&b, &f) < 0) {
			fprintf(stderr, "mem: handshake %u failed\n", i);
			return -1;
		}
		sseq[i] = f.sseq;
	}
	if (fp_tcp_flow_count(b.ctx.tcp) != n_flows) {
		fprintf(stderr, "mem: %u flows open, expected %u\n", fp_tcp_flow_count(b.ctx.tcp),
				n_flows);
		return -1;
	}
	rss_open = rss_kb();
	/* One echoed segment per flow also touches its echo buffer. */
	for (i = 0; echo && i < n_flows; i++) {
		uint8_t frame[STRIDE];
		struct pkt_spec s;
		struct flow f;
		struct fp_pkt p;
		size_t len;

		flow_addr(&f, i);
		f.cseq++;
		f.sseq = sseq[i];
		flow_spec(&s, &f, FP_TCP_ACK | FP_TCP_PSH);
		s.payload = payload;
		s.payload_len = PAYLOAD;
		len = pkt_build_tcp(frame, sizeof(frame), &s);
		if (feed_one(&b, frame, (uint16_t)len, sizeof(frame), &p) != FP_VERDICT_TX) {
			fprintf(stderr, "mem: flow %u did not echo\n", i);
			return -1;
		}
		/* The peer's ACK of the echo: what a flow holds once idle again. */
		f.cseq += PAYLOAD;
		f.sseq += PAYLOAD;
		flow_spec(&s, &f, FP_TCP_ACK);
		len = pkt_build_tcp(frame, sizeof(frame), &s);
		if (feed_one(&b, frame, (uint16_t)len, sizeof(frame), &p) == FP_VERDICT_DROP) {
			fprintf(stderr, "mem: flow %u: the ACK of its echo was dropped\n", i);
			return -1;
		}
	}
	rss_echo = echo ? rss_kb() : -1;
	if (json)
		printf("{\"case\":\"mem\",\"flows\":%u,\"buffer_size\":%u,\"mem_size\":%zu,"
		       "\"bytes_per_flow\":%zu,\"shared_bytes\":%zu,\"rss_base_kb\":%ld,"
		       "\"rss_init_kb\":%ld,\"rss_open_kb\":%ld,\"rss_echo_kb\":%ld}\n",
				n_flows, buffer_size, b.tcp_mem_len, per_flow, shared, rss0,
				rss_init, rss_open, rss_echo);
	else
		printf("mem: %u flows (buffer_size %u): engine memory %zu bytes, %zu bytes/flow "
		       "+ %zu shared (records, echo pool); RSS kB: %ld base, %ld after init, "
		       "%ld flows open, %ld after one echo each\n",
				n_flows, buffer_size, b.tcp_mem_len, per_flow, shared, rss0,
				rss_init, rss_open, rss_echo);
	free(sseq);
	return 0;
}

static void
usage(const char *prog)
{
	fprintf(stderr,
			"usage: %s [--case tcp|tcp-csum-ok|tcp-offload|churn|arp|icmp|store|clock|all] "
			"[--flows N]\n"
			"          [--size BYTES] [--buffer-size B] [--seconds S] [--per-packet]\n"
			"          [--workers N] [--json]\n"
			"       %s --mem N [--buffer-size B] [--no-echo] [--json]\n",
			prog, prog);
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
			{"case", required_argument, NULL, 'c'},
			{"flows", required_argument, NULL, 'f'},
			{"seconds", required_argument, NULL, 's'},
			{"mem", required_argument, NULL, 'm'},
			{"buffer-size", required_argument, NULL, 'b'},
			{"json", no_argument, NULL, 'j'},
			{"size", required_argument, NULL, 'z'},
			{"workers", required_argument, NULL, 'w'},
			{"per-packet", no_argument, NULL, 'p'},
			{"no-echo", no_argument, NULL, 'n'},
			{NULL, 0, NULL, 0},
	};
	static struct bench b;
	const uint32_t csum_ok = FP_PKT_IP4_CSUM_GOOD | FP_PKT_L4_CSUM_GOOD;
	uint32_t size = PAYLOAD;
	const char *which = "all";
	uint32_t flows = 64, mem_flows = 0, buffer_size = 0, workers = 0, tcp_cases;
	double seconds = 1;
	int json = 0, ch, rc = 0, per_packet = 0, no_echo = 0;
	char name[80];
	const char *sfx;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'c':
			which = optarg;
			break;
		case 'f':
			flows = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 's':
			seconds = atof(optarg);
			break;
		case 'm':
			mem_flows = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'b':
			buffer_size = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'j':
			json = 1;
			break;
		case 'z':
			size = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'w':
			workers = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'p':
			per_packet = 1;
			break;
		case 'n':
			no_echo = 1;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (mem_flows)
		return run_mem(mem_flows, buffer_size ? buffer_size : 1024, !no_echo, json) < 0;
	if (flows == 0 || flows > 16000000 || seconds <= 0 || size == 0 || size > MAX_PAYLOAD)
		usage(argv[0]);
	/* 16 KiB buffers unless told otherwise, not the app's 256 KiB: the cap
	 * changes no per-packet figure (the queues stay short), and the store
	 * case's ring per flow would take flows x the cap. */
	if (buffer_size == 0)
		buffer_size = 16384;
	sfx = per_packet ? "-perpkt" : "";
	if (!strcmp(which, "clock")) {
		printf(json ? "{\"case\":\"clock\",\"core_ghz\":%.2f}\n" : "core clock %.2f GHz\n",
				core_ghz());
		return 0;
	}
	if (!strcmp(which, "store"))
		return run_store(flows, (uint16_t)size, buffer_size, seconds, json) < 0;
	if (workers) {
		snprintf(name, sizeof(name), "tcp-%uB-%uflows-%uw", size, flows, workers);
		return run_workers(workers, flows, (uint16_t)size, seconds, 0, buffer_size, name,
				       json) < 0;
	}
	/* Room for the TCP cases run on this engine, each with its own flows
	 * (churn's stay open only while a batch lasts). */
	tcp_cases = !strcmp(which, "all") ? 4 : 1;
	if (bench_init(&b, tcp_cases * flows > 4096 ? tcp_cases * flows : 4096, buffer_size, 1) <
			0) {
		fprintf(stderr, "engine init failed\n");
		return 1;
	}
	b.per_packet = per_packet;
	if (!strcmp(which, "all") || !strcmp(which, "tcp")) {
		snprintf(name, sizeof(name), "tcp-%uB-%uflows%s", size, flows, sfx);
		rc |= run_tcp(&b, 0, flows, (uint16_t)size, seconds, 0, name, json);
	}
	if (!strcmp(which, "all") || !strcmp(which, "tcp-csum-ok")) {
		snprintf(name, sizeof(name), "tcp-%uB-%uflows-csumok%s", size, flows, sfx);
		rc |= run_tcp(&b, tcp_cases > 1 ? flows : 0, flows, (uint16_t)size, seconds,
				csum_ok, name, json);
	}
	if (!strcmp(which, "all") || !strcmp(which, "tcp-offload")) {
		/* The NIC verified the checksums and fills in ours: nothing is summed. */
		snprintf(name, sizeof(name), "tcp-%uB-%uflows-offload%s", size, flows, sfx);
		b.ctx.ifaces[0].tx_offload = FP_TX_OFFLOAD_CSUM;
		rc |= run_tcp(&b, tcp_cases > 1 ? 2 * flows : 0, flows, (uint16_t)size, seconds,
				csum_ok, name, json);
		b.ctx.ifaces[0].tx_offload = 0;
	}
	if (!strcmp(which, "all") || !strcmp(which, "churn")) {
		snprintf(name, sizeof(name), "tcp-churn-%uB-%uconns", size, flows);
		rc |= run_churn(&b, tcp_cases > 1 ? 3 * flows : 0, flows, (uint16_t)size, seconds,
				name, json);
	}
	if (!strcmp(which, "all") || !strcmp(which, "arp"))
		rc |= run_simple(&b, 0, seconds, "arp-request", json);
	if (!strcmp(which, "all") || !strcmp(which, "icmp"))
		rc |= run_simple(&b, 1, seconds, "icmp-echo", json);
	return rc ? 1 : 0;
}
