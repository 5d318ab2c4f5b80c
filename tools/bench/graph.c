/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker graph against the fixed path, in one process (no kernel, no
 * NIC): EAL without hugepages, ring ports, the unit tests' graph harness
 * (tests/graph/graph_harness.c). For each case a burst of 32 prebuilt frames
 * goes onto the RX ring, then one timed call runs either the fixed path
 * (rx_burst -> fp_input() -> tx_burst, as the worker loop before the graph)
 * or one rte_graph_walk(); the replies are drained untimed. Bursts alternate
 * fixed and graph (ABAB); each mode's figure is the median burst of a round,
 * and the median of the rounds (a shared machine preempts some bursts). Cases:
 *   icmp      64-byte ICMP echo requests, the default pipeline (rx runs the stages inline)
 *   tcp       64-byte TCP data segments over 64 established echo flows
 *   tcp-10k   the same over 10,000 flows (the flow table far outgrows the caches)
 *   icmp-nodes, tcp-nodes  the same with rx.deliver = nodes (a node per stage)
 *   acl-N     ICMP through an acl stage of N rules (none matching) before echo
 *   ratelimit ICMP from 1024 sources through a per-source ratelimit (none over)
 * Output: one JSON line per case with cycles/packet for both modes and per
 * graph node (cycles in process() / packets, from rte_graph_cluster_stats),
 * and what a reload to the case's pipeline costs (build time, heap).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_graph_worker.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "fp/stats.h"
#include "fp/tcp.h"
#include "fp/wire.h"

#include "graph_harness.h"
#include "pkt_build.h"

#define BURST     32
#define MAX_ROUND 64
#define MAX_FLOWS 10000
#define FIRST_PORT 20000
#define PEER_IP   0x0a010102u /* 10.1.1.2 */

static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x02};

struct flow {
	uint16_t cport;
	uint32_t cseq;
	uint32_t sseq;
};

struct bench_case {
	const char *name;
	const char *pipeline; /* NULL: built at run time (acl-N) */
	unsigned rules;       /* acl-N */
	unsigned flows; /* TCP echo flows the segments go over; 0: ICMP */
	int sources;    /* distinct source addresses */
	int fixed;   /* has a fixed-path baseline */
};

static struct flow flows[MAX_FLOWS];
static unsigned pkts_per_round = 32768;
static unsigned rounds = 9;

static size_t
build_icmp(uint8_t *fr, uint32_t src)
{
	static const uint8_t payload[22] = "fastpath-graph-bench!";
	struct pkt_spec s;

	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, peer_mac, 6);
	memcpy(s.dst_mac, gh_our_mac[0], 6);
	s.src_ip = src;
	s.dst_ip = GH_OUR_IP;
	s.icmp_type = FP_ICMP_ECHO_REQ;
	s.icmp_id = 1;
	s.payload = payload;
	s.payload_len = sizeof(payload); /* 14 + 20 + 8 + 22 = 64 bytes */
	return pkt_build_icmp(fr, 128, &s);
}

static size_t
build_tcp(uint8_t *fr, const struct flow *f, uint8_t flags, const char *data)
{
	struct pkt_spec s;

	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, peer_mac, 6);
	memcpy(s.dst_mac, gh_our_mac[0], 6);
	s.src_ip = PEER_IP;
	s.dst_ip = GH_OUR_IP;
	s.sport = f->cport;
	s.dport = 7;
	s.seq = f->cseq;
	s.ack = f->sseq;
	s.flags = flags;
	s.win = 65535;
	s.payload = (const uint8_t *)data;
	s.payload_len = data ? (uint16_t)strlen(data) : 0;
	return pkt_build_tcp(fr, 128, &s);
}

/* Read the server's frames: follow each flow's sequence number, free the rest. */
static void
drain_tcp(void)
{
	uint8_t buf[2048];
	uint16_t len;

	while ((len = gh_take(0, buf, sizeof(buf))) > 0) {
		const uint8_t *ip = buf + FP_ETH_HLEN, *t = ip + FP_IP4_HLEN;
		uint16_t dport, ip_len;
		unsigned hlen;

		if (len < FP_ETH_HLEN + FP_IP4_HLEN + FP_TCP_HLEN || ip[FP_IP4_OFF_PROTO] != 6)
			continue;
		dport = fp_load_be16(t + FP_TCP_OFF_DPORT);
		ip_len = fp_load_be16(ip + FP_IP4_OFF_TOTLEN);
		hlen = (unsigned)(t[FP_TCP_OFF_DOFF] >> 4) * 4;
		if (dport >= FIRST_PORT && dport < FIRST_PORT + MAX_FLOWS) {
			struct flow *f = &flows[dport - FIRST_PORT];
			uint32_t seq = fp_load_be32(t + FP_TCP_OFF_SEQ);
			uint32_t dlen = ip_len - FP_IP4_HLEN - hlen;

			if (t[FP_TCP_OFF_FLAGS] & FP_TCP_SYN)
				f->sseq = seq + 1;
			else if (dlen > 0 && (int32_t)(seq + dlen - f->sseq) > 0)
				f->sseq = seq + dlen;
		}
	}
}

static void
drain_all(void)
{
	uint8_t buf[2048];

	for (unsigned p = 0; p < GH_PORTS; p++)
		while (gh_take(p, buf, sizeof(buf)) > 0)
			;
}

/* Open n echo connections through whatever path h runs, a burst at a time. */
static void
open_flows(struct gh *h, unsigned n)
{
	uint8_t fr[128];

	for (unsigned first = 0; first < n; first += BURST) {
		unsigned last = first + BURST < n ? first + BURST : n;

		for (unsigned i = first; i < last; i++) {
			flows[i] = (struct flow){(uint16_t)(FIRST_PORT + i), 1000, 0};
			gh_inject(0, fr, (uint16_t)build_tcp(fr, &flows[i], FP_TCP_SYN, NULL));
		}
		gh_walk(h);
		drain_tcp();
		for (unsigned i = first; i < last; i++) {
			flows[i].cseq++;
			gh_inject(0, fr, (uint16_t)build_tcp(fr, &flows[i], FP_TCP_ACK, NULL));
		}
		gh_walk(h);
		drain_tcp();
	}
}

/* One burst onto the RX ring. */
static void
inject_burst(const struct bench_case *c, unsigned *next)
{
	uint8_t fr[128];

	for (unsigned i = 0; i < BURST; i++, (*next)++) {
		size_t len;

		if (c->flows) {
			/* Flows in a scattered order, as RSS-spread flows arrive: a
			 * stride prime to the flow count defeats the CPU's
			 * sequential prefetcher. */
			struct flow *f = &flows[(*next * 7919u) % c->flows];

			len = build_tcp(fr, f, FP_TCP_ACK | FP_TCP_PSH, "0123456789");
			f->cseq += 10;
		} else {
			len = build_icmp(fr,
					PEER_IP + (uint32_t)(*next % (unsigned)c->sources) * 256);
		}
		gh_inject(0, fr, (uint16_t)len);
	}
}

/* One burst in one mode: inject (untimed), process (timed), drain (untimed). */
static uint64_t
one_burst(struct gh *h, const struct bench_case *c, int graph, unsigned *next)
{
	uint64_t t0, dt;

	inject_burst(c, next);
	t0 = rte_rdtsc_precise();
	if (graph) {
		rte_graph_walk(app_graph_rte(h->g));
		app_tx_flush_all(&h->tx);
	} else
		gh_fixed_poll(h);
	dt = rte_rdtsc_precise() - t0;
	if (c->flows)
		drain_tcp();
	else
		drain_all();
	return dt;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median burst: a burst the scheduler interrupted is an outlier, not a trend. */
static double
median_u64(uint64_t *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return (double)v[n / 2];
}

static double
median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * What a reload costs: parse the text and build a second set in the idle
 * slot, as a reload does while the running one serves; time and heap growth.
 */
static void
reload_cost(struct gh *h, const char *text, double *ms, double *kib)
{
	double t[5];

	*kib = 0;
	for (unsigned r = 0; r < 5; r++) {
		struct app_pipeline *pl = malloc(sizeof(*pl));
		struct app_engine *engs[1] = {&h->eng};
		struct rte_malloc_socket_stats before, after;
		struct app_graph_set *gs;
		char err[256];
		uint64_t t0 = rte_rdtsc();

		rte_malloc_get_socket_stats(0, &before);
		if (app_pipeline_parse(pl, "bench.pipeline", text, strlen(text), err, sizeof(err)) <
						0 ||
				(gs = app_graph_set_build(pl, engs, 1,
						 1 - app_graph_set_slot(h->gs), 1000 + r, err,
						 sizeof(err))) == NULL) {
			fprintf(stderr, "bench-graph: reload: %s\n", err);
			exit(1);
		}
		t[r] = (double)(rte_rdtsc() - t0) * 1e3 / (double)rte_get_tsc_hz();
		rte_malloc_get_socket_stats(0, &after);
		*kib = (double)(after.heap_allocsz_bytes - before.heap_allocsz_bytes) / 1024;
		app_graph_set_free(gs);
	}
	*ms = median(t, 5);
}

/* "rx" is also the node that runs the stages inline ("rx+arp+icmp+tcp_echo"). */
static int
stage_is(const char *stage, const char *want)
{
	size_t n = strlen(want);

	return strncmp(stage, want, n) == 0 && (stage[n] == '\0' || stage[n] == '+');
}

/* Rules files live in /tmp while their case runs (a reload reads them again). */
#define RULES_PATH_TEMPLATE "/tmp/bench-graph-rules.XXXXXX"

/*
 * A pipeline whose acl stage reads a file of the given number of rules,
 * written to path (room for RULES_PATH_TEMPLATE; the caller removes it).
 * @return the pipeline text (malloc'd), or NULL when the file could not be made
 */
static char *
acl_pipeline(unsigned rules, char *path)
{
	char *text = malloc(512);
	FILE *f = NULL;
	int fd;

	strcpy(path, RULES_PATH_TEMPLATE);
	fd = mkstemp(path);
	if (fd >= 0)
		f = fdopen(fd, "w");
	if (f == NULL || text == NULL) {
		fprintf(stderr, "bench-graph: %s: %s\n", path, strerror(errno));
		if (fd >= 0) {
			f != NULL ? fclose(f) : close(fd);
			unlink(path);
		}
		path[0] = '\0';
		free(text);
		return NULL;
	}
	/* Rules that look like a blocklist: /24s that the traffic never comes from. */
	for (unsigned i = 0; i < rules; i++)
		fprintf(f, "deny src 100.%u.%u.0/24 proto %s\n", i / 256 % 256, i % 256,
				i % 2 ? "icmp" : "tcp");
	fclose(f);
	snprintf(text, 512, "[lcores all]\nstages = rx arp acl icmp tcp_echo tx\nacl.rules = %s\n",
			path);
	return text;
}

/* A case's pipeline text freed, and its rules file, if it had one, removed. */
static void
pipeline_free(char *text, const char *rules_path)
{
	free(text);
	if (rules_path[0] != '\0')
		unlink(rules_path);
}

static int
run_case(const struct bench_case *c, unsigned lcore)
{
	static const char *const show[] = {"rx", "acl", "ratelimit", "icmp", "tcp_echo", "tx"};
	double fixed[MAX_ROUND], graph[MAX_ROUND];
	double node_rounds[sizeof(show) / sizeof(show[0])][MAX_ROUND];
	uint64_t *fx = malloc(sizeof(uint64_t) * (pkts_per_round / BURST));
	uint64_t *gr = malloc(sizeof(uint64_t) * (pkts_per_round / BURST));
	char err[512];
	char rules_path[sizeof(RULES_PATH_TEMPLATE)] = "";
	char *text = c->pipeline ? strdup(c->pipeline) : acl_pipeline(c->rules, rules_path);
	struct gh h;
	uint64_t drops;
	double reload_ms, reload_kib;
	double node_cpp[sizeof(show) / sizeof(show[0])];
	int rc = -1;

	if (text == NULL || fx == NULL || gr == NULL) {
		fprintf(stderr, "bench-graph %s: out of memory or no rules file\n", c->name);
		goto out;
	}
	if (gh_open_tcp(&h, lcore, text, c->flows > GH_MAX_FLOWS ? c->flows : GH_MAX_FLOWS, err,
			    sizeof(err)) < 0) {
		fprintf(stderr, "bench-graph %s: %s\n", c->name, err);
		goto out;
	}
	if (c->flows) {
		open_flows(&h, c->flows);
		if (fp_tcp_flow_count(h.ctx.tcp) != c->flows) {
			fprintf(stderr, "bench-graph %s: %u of %u flows open\n", c->name,
					fp_tcp_flow_count(h.ctx.tcp), c->flows);
			goto close;
		}
	}
	/* Warm up both paths. */
	for (unsigned i = 0, next = 0; i < 256; i++) {
		one_burst(&h, c, 1, &next);
		if (c->fixed)
			one_burst(&h, c, 0, &next);
	}
	/* Rounds of bursts, fixed and graph alternating burst by burst (ABAB). */
	for (unsigned r = 0; r < rounds; r++) {
		unsigned bursts = pkts_per_round / BURST, next = 0;
		struct fp_tlm_node st0[APP_GRAPH_NODES_MAX], st1[APP_GRAPH_NODES_MAX];
		int n0 = app_graph_stats(h.g, st0, APP_GRAPH_NODES_MAX), n1;

		for (unsigned i = 0; i < bursts; i++) {
			if (c->fixed)
				fx[i] = one_burst(&h, c, 0, &next);
			gr[i] = one_burst(&h, c, 1, &next);
		}
		n1 = app_graph_stats(h.g, st1, APP_GRAPH_NODES_MAX);
		if (c->fixed)
			fixed[r] = median_u64(fx, bursts) / BURST;
		graph[r] = median_u64(gr, bursts) / BURST;
		/* Each node's cycles per packet over this round. */
		for (size_t s = 0; s < sizeof(show) / sizeof(show[0]); s++) {
			node_rounds[s][r] = -1;
			for (int i = 0; i < n1 && i < n0; i++) {
				uint64_t pk = st1[i].packets - st0[i].packets;

				if (stage_is(st1[i].stage, show[s]) && pk > 0)
					node_rounds[s][r] =
							(double)(st1[i].cycles - st0[i].cycles) /
							pk;
			}
		}
	}
	for (size_t s = 0; s < sizeof(show) / sizeof(show[0]); s++)
		node_cpp[s] = node_rounds[s][0] < 0 ? -1 : median(node_rounds[s], rounds);
	reload_cost(&h, text, &reload_ms, &reload_kib);
	drops = 0;
	for (unsigned i = FP_CTR_DROP_ETH_TRUNCATED; i < FP_CTR_COUNT; i++)
		drops += fp_stats_get(&h.stats, (enum fp_counter)i);

	printf("{\"bench\": \"graph\", \"case\": \"%s\", \"rounds\": %u, \"pkts_per_round\": %u, "
	       "\"graph_cycles_per_pkt\": %.1f",
			c->name, rounds, pkts_per_round, median(graph, rounds));
	if (c->fixed) {
		double f = median(fixed, rounds), g = median(graph, rounds);

		printf(", \"fixed_cycles_per_pkt\": %.1f, \"graph_over_fixed\": %.3f", f, g / f);
	}
	printf(", \"nodes\": {");
	for (size_t s = 0, first = 1; s < sizeof(show) / sizeof(show[0]); s++) {
		if (node_cpp[s] < 0)
			continue;
		printf("%s\"%s\": %.1f", first ? "" : ", ", show[s], node_cpp[s]);
		first = 0;
	}
	printf("}, \"reload_ms\": %.2f, \"reload_heap_kib\": %.0f", reload_ms, reload_kib);
	printf(", \"drops\": %lu, \"errors\": %d}\n", (unsigned long)drops, drops != 0);
	fflush(stdout);
	rc = drops != 0 ? -1 : 0;
close:
	gh_close(&h);
out:
	pipeline_free(text, rules_path);
	free(fx);
	free(gr);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct bench_case cases[] = {
			{"icmp", "[lcores all]\nstages = rx arp icmp tcp_echo tx\n", 0, 0, 1, 1},
			{"tcp", "[lcores all]\nstages = rx arp icmp tcp_echo tx\n", 0, 64, 1, 1},
			{"tcp-10k", "[lcores all]\nstages = rx arp icmp tcp_echo tx\n", 0, 10000, 1, 1},
			{"icmp-nodes",
					"[lcores all]\nstages = rx arp icmp tcp_echo tx\n"
					"rx.deliver = nodes\n",
					0, 0, 1, 1},
			{"tcp-nodes",
					"[lcores all]\nstages = rx arp icmp tcp_echo tx\n"
					"rx.deliver = nodes\n",
					0, 64, 1, 1},
			{"acl-1", NULL, 1, 0, 1, 0},
			{"acl-1k", NULL, 1000, 0, 1, 0},
			{"acl-10k", NULL, 10000, 0, 1, 0},
			{"ratelimit",
					"[lcores all]\nstages = rx arp ratelimit icmp tcp_echo tx\n"
					"ratelimit.rate = 1G packets/s\nratelimit.burst = 1G\n"
					"ratelimit.table_size = 4096\n",
					0, 0, 1024, 0},
	};
	const char *only = NULL;
	int opt, fails = 0;

	while ((opt = getopt(argc, argv, "c:p:r:h")) != -1) {
		switch (opt) {
		case 'c':
			only = optarg;
			break;
		case 'p':
			pkts_per_round = (unsigned)atoi(optarg);
			break;
		case 'r':
			rounds = (unsigned)atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-c CASE] [-p PACKETS_PER_ROUND] [-r ROUNDS]\n",
					argv[0]);
			return 2;
		}
	}
	if (rounds == 0 || rounds > MAX_ROUND || pkts_per_round < BURST) {
		fprintf(stderr, "bench-graph: rounds 1..%d, packets >= %d\n", MAX_ROUND, BURST);
		return 2;
	}
	if (gh_eal_init() < 0)
		return 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (only != NULL && strcmp(only, cases[i].name) != 0)
			continue;
		fails += run_case(&cases[i], (unsigned)(1 + i)) < 0;
	}
	return fails ? 1 : 0;
}
