/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fast-path microbenchmark without the kernel and without DPDK: a plain C
 * program linking lib/ that feeds prebuilt frames to fp_input() in bursts of
 * 32, the same per-packet call the worker lcore makes (app/lcore.c rx_one())
 * with the same clock update per burst and fp_tick() every 100 us; what it
 * leaves out is the PMD and the mbuf adapter. Cases:
 *   tcp    64-byte data segments over established flows (handshakes fed
 *          first); each segment ACKs the previous echo, as a ping-pong peer does
 *   arp    ARP requests for our address
 *   icmp   ICMP echo requests with 56 bytes of data
 * and a memory mode (--mem N): N flows opened by handshakes with generated
 * 4-tuples, then the process RSS. Every verdict and counter is checked: any
 * unexpected drop or missing reply makes the run fail (exit 1).
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
#include <x86intrin.h>

#include "fp/cfg.h"
#include "fp/core.h"
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

static int
bench_init(struct bench *b, uint32_t max_flows, uint32_t buffer_size)
{
	memset(b, 0, sizeof(*b));
	fp_cfg_defaults(&b->cfg);
	b->cfg.tcp.max_flows = max_flows;
	b->cfg.tcp.buffer_size = buffer_size;
	b->tcp_mem_len = fp_tcp_mem_size(&b->cfg.tcp);
	if (b->tcp_mem_len == 0)
		return -EINVAL;
	/* Anonymous mmap: pages count in RSS only once lib/ touches them. */
	b->tcp_mem = mmap(NULL, b->tcp_mem_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	if (b->tcp_mem == MAP_FAILED)
		return -ENOMEM;
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
	uint64_t bad;   /**< packets whose verdict or reply was not what it should be */
	uint64_t extra; /**< frames lib/ sent through fp_tx_ops besides the in-place replies */
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

	if (json)
		printf("{\"case\":\"%s\",\"packets\":%" PRIu64 ",\"mpps\":%.3f,\"ns_per_pkt\":%.1f,"
		       "\"cycles_per_pkt\":%.1f,\"wall_mpps\":%.3f,\"tsc_mhz\":%.0f,"
		       "\"best_ns_per_pkt\":%.1f,\"extra_tx\":%" PRIu64 ",\"errors\":%" PRIu64
		       "}\n",
				r->name, r->pkts, mpps, ns, cyc, wall_mpps, b->tsc_per_us, best,
				r->extra, r->bad);
	else
		printf("%-26s %10" PRIu64 " pkts  %7.3f Mpps  %7.1f ns/pkt  %7.1f cycles/pkt  "
		       "(wall %7.3f Mpps, best pass %.1f ns)  extra tx %" PRIu64 "  errors %" PRIu64
		       "\n",
				r->name, r->pkts, mpps, ns, cyc, wall_mpps, best, r->extra, r->bad);
	fflush(stdout);
}

/* Time one pass over n prebuilt frames, in bursts. Verdicts other than TX are errors. */
static void
timed_pass(struct bench *b, uint8_t *frames, uint16_t stride, const uint16_t *lens, uint32_t n,
		uint32_t flags, struct result *r)
{
	uint64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), t0 = __rdtsc();

	for (uint32_t i = 0; i < n; i += BURST) {
		uint32_t end = i + BURST < n ? i + BURST : n;

		bench_clock(b);
		for (uint32_t k = i; k < end; k++) {
			struct fp_pkt p = {.data = frames + (size_t)k * stride,
					.len = lens[k],
					.room = stride,
					.flags = flags};

			r->bad += fp_input(&b->ctx, &p) != FP_VERDICT_TX;
		}
	}
	r->tsc += __rdtsc() - t0;
	c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	r->cpu_ns += c0;
	if (r->n_passes < MAX_PASSES)
		r->pass_ns[r->n_passes++] = (float)c0 / (float)n;
	r->pkts += n;
}

static int
run_tcp(struct bench *b, uint32_t first, uint32_t n_flows, uint32_t segs, uint16_t size,
		double seconds, uint32_t flags, const char *name, int json)
{
	uint32_t n = n_flows * segs;
	uint16_t stride = size + 54 <= STRIDE / 2 ? STRIDE : BIG_STRIDE;
	uint8_t *frames = malloc((size_t)n * stride);
	uint16_t *lens = malloc(n * sizeof(*lens));
	struct flow *fl = calloc(n_flows, sizeof(*fl));
	uint8_t payload[MAX_PAYLOAD];
	struct result r = {.name = name};
	uint64_t echoed0 = fp_stats_get(&b->stats, FP_CTR_TCP_BYTES_ECHOED);
	uint64_t extra0 = b->tx_extra;
	uint64_t deadline;

	if (frames == NULL || lens == NULL || fl == NULL)
		return -1;
	for (uint32_t i = 0; i < size; i++)
		payload[i] = (uint8_t)i;
	for (uint32_t i = 0; i < n_flows; i++) {
		flow_addr(&fl[i], first + i);
		if (flow_open(b, &fl[i]) < 0) {
			fprintf(stderr, "%s: handshake of flow %u failed\n", name, i);
			return -1;
		}
	}
	deadline = mono_ns() + (uint64_t)(seconds * 1e9);
	do {
		/* Round-robin over the flows, as interleaved arrivals; each segment ACKs the echo before. */
		for (uint32_t k = 0; k < n; k++) {
			struct flow *f = &fl[k % n_flows];
			struct pkt_spec s;

			flow_spec(&s, f, FP_TCP_ACK | FP_TCP_PSH);
			s.payload = payload;
			s.payload_len = size;
			lens[k] = (uint16_t)pkt_build_tcp(frames + (size_t)k * stride, stride, &s);
			f->cseq += size;
			f->sseq += size;
		}
		timed_pass(b, frames, stride, lens, n, flags, &r);
	} while (mono_ns() < deadline);
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
	if (fp_stats_get(&b->stats, FP_CTR_TCP_BYTES_ECHOED) - echoed0 != r.pkts * size) {
		fprintf(stderr, "%s: echoed %" PRIu64 " bytes, expected %" PRIu64 "\n", name,
				fp_stats_get(&b->stats, FP_CTR_TCP_BYTES_ECHOED) - echoed0,
				r.pkts * size);
		r.bad++;
	}
	r.extra = b->tx_extra - extra0;
	print_result(b, &r, json);
	free(frames);
	free(lens);
	free(fl);
	return r.bad ? -1 : 0;
}

/* ARP or ICMP: the same n frames every pass, restored from a pristine copy (untimed). */
static int
run_simple(struct bench *b, int icmp, double seconds, const char *name, int json)
{
	const uint32_t n = 4096;
	uint8_t *frames = malloc((size_t)n * STRIDE), *pristine = malloc((size_t)n * STRIDE);
	uint16_t *lens = malloc(n * sizeof(*lens));
	uint8_t payload[56];
	struct result r = {.name = name};
	uint64_t deadline;

	if (frames == NULL || pristine == NULL || lens == NULL)
		return -1;
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
	free(frames);
	free(pristine);
	free(lens);
	return r.bad ? -1 : 0;
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
run_mem(uint32_t n_flows, uint32_t buffer_size, int json)
{
	static struct bench b;
	struct fp_cfg_tcp c;
	size_t per_flow, big;
	long rss0, rss_init, rss_open, rss_echo;
	uint8_t payload[PAYLOAD] = {0};
	uint32_t *sseq, i;

	/* The generator's own state (4 bytes a flow) is touched before the baseline. */
	sseq = calloc(n_flows, sizeof(*sseq));
	if (sseq == NULL)
		return -1;
	memset(sseq, 0xff, n_flows * sizeof(*sseq));
	rss0 = rss_kb();
	if (bench_init(&b, n_flows, buffer_size) < 0) {
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
	for (i = 0; i < n_flows; i++) {
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
	}
	rss_echo = rss_kb();
	if (json)
		printf("{\"case\":\"mem\",\"flows\":%u,\"buffer_size\":%u,\"mem_size\":%zu,"
		       "\"bytes_per_flow\":%zu,\"state_per_flow\":%zu,\"rss_base_kb\":%ld,"
		       "\"rss_init_kb\":%ld,\"rss_open_kb\":%ld,\"rss_echo_kb\":%ld}\n",
				n_flows, buffer_size, b.tcp_mem_len, per_flow,
				per_flow - buffer_size, rss0, rss_init, rss_open, rss_echo);
	else
		printf("mem: %u flows (buffer_size %u): engine memory %zu bytes, %zu bytes/flow "
		       "(%zu state + %u buffer); RSS kB: %ld base, %ld after init, %ld flows open, "
		       "%ld after one echo each\n",
				n_flows, buffer_size, b.tcp_mem_len, per_flow,
				per_flow - buffer_size, buffer_size, rss0, rss_init, rss_open,
				rss_echo);
	free(sseq);
	return 0;
}

static void
usage(const char *prog)
{
	fprintf(stderr,
			"usage: %s [--case tcp|tcp-csum-ok|arp|icmp|all] [--flows N] [--size "
			"BYTES]\n"
			"          [--seconds S] [--json]\n"
			"       %s --mem N [--buffer-size B] [--json]\n",
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
			{NULL, 0, NULL, 0},
	};
	static struct bench b;
	uint32_t size = PAYLOAD;
	const char *which = "all";
	uint32_t flows = 64, mem_flows = 0, buffer_size = 1024;
	double seconds = 1;
	int json = 0, ch, rc = 0;
	char name[64];

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
		default:
			usage(argv[0]);
		}
	}
	if (mem_flows)
		return run_mem(mem_flows, buffer_size, json) < 0;
	if (flows == 0 || flows > 1000000 || seconds <= 0 || size == 0 || size > MAX_PAYLOAD)
		usage(argv[0]);
	/* The app's default flow table: max_flows 4096 (more for big runs: two TCP cases), 16 KiB buffers. */
	if (bench_init(&b, 2 * flows > 4096 ? 2 * flows : 4096, 16384) < 0) {
		fprintf(stderr, "engine init failed\n");
		return 1;
	}
	if (!strcmp(which, "all") || !strcmp(which, "tcp")) {
		snprintf(name, sizeof(name), "tcp-%uB-%uflows", size, flows);
		rc |= run_tcp(&b, 0, flows, 128, (uint16_t)size, seconds, 0, name, json);
	}
	if (!strcmp(which, "all") || !strcmp(which, "tcp-csum-ok")) {
		snprintf(name, sizeof(name), "tcp-%uB-%uflows-csumok", size, flows);
		rc |= run_tcp(&b, flows, flows, 128, (uint16_t)size, seconds,
				FP_PKT_IP4_CSUM_GOOD | FP_PKT_L4_CSUM_GOOD, name, json);
	}
	if (!strcmp(which, "all") || !strcmp(which, "arp"))
		rc |= run_simple(&b, 0, seconds, "arp-request", json);
	if (!strcmp(which, "all") || !strcmp(which, "icmp"))
		rc |= run_simple(&b, 1, seconds, "icmp-echo", json);
	return rc ? 1 : 0;
}
