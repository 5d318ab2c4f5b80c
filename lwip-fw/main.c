/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host build of the firmware: lwIP (Debian's liblwip) over a Linux tap
 * device, driven the way a NO_SYS board drives it: one thread, one loop that
 * polls the netif (fw_tap_poll -> fw_netif_input -> ethernet_input) and runs
 * sys_check_timeouts(). lwIP's tcpip thread is never started, so every raw
 * API call happens on this thread. The echo service, counters and telemetry
 * are the code a board runs from cortex-m/board_main.c.
 *
 *   fastpath-fw [-c FILE] [-i TAP] [-a ADDR/LEN] [-g GW] [-p PORT]...
 *               [-n MAX_FLOWS] [-b BUFFER_SIZE] [-s STATS_MS] [-o STATS_FILE]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

#include "fp/cfg.h"
#include "fp/stats.h"
#include "fp/text.h"
#include "fp/tlm.h"

#include "fw_echo.h"
#include "fw_mqtt.h"
#include "fw_netif.h"
#include "fw_tap.h"

#define FW_TLM_BUF 8192

struct fw_host {
	struct fp_cfg cfg;
	struct fw_tap tap;         /**< tap driver state (netif->state) */
	uint32_t gw;               /**< default gateway, host order, 0 = none */
	uint32_t stats_ms;         /**< period of the stats line on stdout, 0 = off */
	char node[FP_CFG_STR_MAX]; /**< [mqtt] node, or the host name with MQTT on */
	int mqtt_on;               /**< [mqtt] enabled: publish every interval_ms */
	struct fw_mqtt mqtt;       /**< lwIP's MQTT client, driven by lwIP's timers */
	uint64_t next_mqtt_ms;  /**< monotonic time of the next MQTT document */
	const char *stats_file; /**< latest stats document, rewritten atomically */
	struct netif netif;
	struct fp_stats stats;
	struct fw_echo echo;
	uint64_t start_ms;
	uint64_t seq;           /**< documents to stdout / the stats file */
	uint64_t mqtt_seq;      /**< documents for MQTT: a gap = a document dropped */
	uint64_t next_stats_ms; /**< monotonic time of the next periodic document */
};

static uint64_t
fw_clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
fw_usage(FILE *f)
{
	static const char *const lines[] = {
			"usage: fastpath-fw [-c FILE] [-i TAP] [-a ADDR/LEN] [-g GW] [-p PORT]...",
			"                   [-n MAX_FLOWS] [-b BUFFER_SIZE] [-s STATS_MS] [-o "
			"STATS_FILE]",
			"  -c FILE         configuration file (cfg/fastpath.conf format). Used:",
			"                  [port 0] address, mtu; [tcp] listen, max_flows, "
			"buffer_size,",
			"                  idle_timeout_s; [mqtt] enabled, host (an address), "
			"port, node,",
			"                  topic_prefix, client_id, interval_ms, keepalive_s, "
			"username,",
			"                  password, qos (no TLS)",
			"  -i TAP          tap interface to attach to or create (default fwtap0);",
			"                  configure its kernel side with ip(8)",
			"  -a ADDR/LEN     our IPv4 address (overrides [port 0] address)",
			"  -g GW           default gateway",
			"  -p PORT         echo port, repeatable (overrides [tcp] listen)",
			"  -n MAX_FLOWS    connections served at once; more are reset",
			"  -b BUFFER_SIZE  echo bytes buffered per connection, power of two",
			"  -s STATS_MS     print the stats document every STATS_MS ms (0 = off)",
			"  -o STATS_FILE   keep the latest stats document in STATS_FILE",
			"Signals: SIGUSR1 prints the stats document now; SIGTERM/SIGINT stop.",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		fprintf(f, "%s\n", lines[i]);
}

/* A whole decimal argument, as the config file spells numbers (fp/text.h). */
static int
fw_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	if (fp_text_parse_uint(&s, max, out) != 0 || *s != '\0')
		return -EINVAL;
	return 0;
}

/* "a.b.c.d" or, when prefix_len is given, "a.b.c.d/len": the config's address syntax. */
static int
fw_parse_ip4(const char *s, uint32_t *ip, uint8_t *prefix_len)
{
	uint32_t addr, len = 32;

	if (fp_text_parse_ip4(&s, &addr) != 0)
		return -EINVAL;
	if (*s == '/' && prefix_len != NULL && fw_parse_u32(s + 1, 32, &len) == 0)
		s = "";
	if (*s != '\0')
		return -EINVAL;
	*ip = addr;
	if (prefix_len != NULL)
		*prefix_len = (uint8_t)len;
	return 0;
}

static int
fw_parse_args(struct fw_host *h, int argc, char **argv)
{
	const char *cfg_path = NULL;
	int opt, n_ports = 0;
	uint16_t ports[FP_CFG_MAX_LISTEN];
	uint32_t v;
	char err[256];

	/* First pass: the config file, so the other options override it. */
	while ((opt = getopt(argc, argv, "c:i:a:g:p:n:b:s:o:h")) != -1) {
		if (opt == 'c')
			cfg_path = optarg;
		else if (opt == 'h') {
			fw_usage(stdout);
			exit(0);
		} else if (opt == '?') {
			fw_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "fastpath-fw: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (cfg_path != NULL) {
		if (fp_cfg_load(&h->cfg, cfg_path, err, sizeof(err)) != 0) {
			fprintf(stderr, "fastpath-fw: %s\n", err);
			return -EINVAL;
		}
	} else {
		fp_cfg_defaults(&h->cfg);
	}

	optind = 1;
	while ((opt = getopt(argc, argv, "c:i:a:g:p:n:b:s:o:h")) != -1) {
		switch (opt) {
		case 'i':
			h->tap.name = optarg;
			break;
		case 'a':
			if (fw_parse_ip4(optarg, &h->cfg.ports[0].ip4,
					    &h->cfg.ports[0].prefix_len)) {
				fprintf(stderr, "fastpath-fw: -a: bad address '%s'\n", optarg);
				return -EINVAL;
			}
			if (h->cfg.n_ports == 0)
				h->cfg.n_ports = 1;
			break;
		case 'g':
			if (fw_parse_ip4(optarg, &h->gw, NULL)) {
				fprintf(stderr, "fastpath-fw: -g: bad address '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 'p':
			if (fw_parse_u32(optarg, 65535, &v) || v == 0 ||
					n_ports == FP_CFG_MAX_LISTEN) {
				fprintf(stderr, "fastpath-fw: -p: bad or too many ports '%s'\n",
						optarg);
				return -EINVAL;
			}
			ports[n_ports++] = (uint16_t)v;
			break;
		case 'n':
			if (fw_parse_u32(optarg, 1u << 20, &v) || v == 0) {
				fprintf(stderr, "fastpath-fw: -n: bad max_flows '%s'\n", optarg);
				return -EINVAL;
			}
			h->cfg.tcp.max_flows = v;
			break;
		case 'b':
			if (fw_parse_u32(optarg, 1u << 24, &v) || v == 0 || (v & (v - 1)) != 0) {
				fprintf(stderr,
						"fastpath-fw: -b: buffer size must be a power of "
						"two\n");
				return -EINVAL;
			}
			h->cfg.tcp.buffer_size = v;
			break;
		case 's':
			if (fw_parse_u32(optarg, 86400000u, &h->stats_ms)) {
				fprintf(stderr, "fastpath-fw: -s: bad period '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 'o':
			h->stats_file = optarg;
			break;
		default:
			break;
		}
	}
	if (n_ports > 0) {
		memcpy(h->cfg.tcp.listen, ports, sizeof(ports[0]) * (size_t)n_ports);
		h->cfg.tcp.n_listen = (uint8_t)n_ports;
	}
	if (h->cfg.n_ports == 0 || h->cfg.ports[0].ip4 == 0) {
		fprintf(stderr, "fastpath-fw: no address: give -a ADDR/LEN or [port 0] address\n");
		return -EINVAL;
	}
	return 0;
}

/* Encode the shared stats document (lib/tlm). */
static int
fw_stats_encode(struct fw_host *h, uint64_t seq, char *buf, size_t len)
{
	struct fp_tlm_ctx ctx = {.id = 0, .stats = &h->stats};
	struct fp_tlm_doc doc = {
			.node = h->node[0] != '\0' ? h->node : NULL,
			.target = "lwip",
			.version = FP_VERSION,
			.uptime_ms = fw_clock_ms(CLOCK_MONOTONIC) - h->start_ms,
			.time_ms = fw_clock_ms(CLOCK_REALTIME),
			.seq = seq,
			.ctxs = &ctx,
			.n_ctxs = 1,
			.per_ctx = 0,
	};

	return fp_tlm_stats_encode(&doc, buf, len);
}

/*
 * A document to MQTT (numbered in its own sequence), and one to stdout and
 * the stats file.
 */
static void
fw_stats_publish(struct fw_host *h, int to_stdout, int to_mqtt)
{
	static char buf[FW_TLM_BUF];
	char tmp[FP_CFG_PATH_MAX + 8];
	FILE *f;
	int n;

	if (to_mqtt) {
		n = fw_stats_encode(h, h->mqtt_seq++, buf, sizeof(buf));
		if (n > 0)
			fw_mqtt_publish_stats(&h->mqtt, buf, (size_t)n);
	}
	if (!to_stdout && h->stats_file == NULL)
		return;
	n = fw_stats_encode(h, h->seq++, buf, sizeof(buf));
	if (n < 0) {
		fprintf(stderr, "fastpath-fw: stats document does not fit %d bytes\n", FW_TLM_BUF);
		return;
	}
	if (to_stdout) {
		printf("%s\n", buf);
		fflush(stdout);
	}
	if (h->stats_file == NULL)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", h->stats_file);
	f = fopen(tmp, "w");
	if (f == NULL || fprintf(f, "%s\n", buf) < 0 || fclose(f) != 0 ||
			rename(tmp, h->stats_file) != 0)
		fprintf(stderr, "fastpath-fw: writing %s: %s\n", h->stats_file, strerror(errno));
}

/* "name value" lines after a "total" line, like the appliance's exit summary. */
static void
fw_summary(const struct fp_stats *st)
{
	printf("total\n");
	for (unsigned i = 0; i < FP_CTR_COUNT; i++)
		printf("%s %" PRIu64 "\n", fp_stats_name((enum fp_counter)i),
				fp_stats_get(st, (enum fp_counter)i));
	printf("flows_open %" PRIu32 "\n", fp_stats_get_flows_open(st));
	fflush(stdout);
}

/* Bring up lwIP, the netif and the echo service. */
static int
fw_host_start(struct fw_host *h, struct fw_conn *conns, uint8_t *bufmem)
{
	const struct fp_cfg_port *port = &h->cfg.ports[0];
	ip4_addr_t ip, mask, gw;
	uint32_t m = port->prefix_len ? 0xffffffffu << (32 - port->prefix_len) : 0;
	int rc;

	ip4_addr_set_u32(&ip, lwip_htonl(port->ip4));
	ip4_addr_set_u32(&mask, lwip_htonl(m));
	ip4_addr_set_u32(&gw, lwip_htonl(h->gw));
	lwip_init();
	if (netif_add(&h->netif, &ip, &mask, &gw, &h->tap, fw_tap_netif_init, fw_netif_input) ==
			NULL) {
		fprintf(stderr, "fastpath-fw: cannot attach to tap %s\n", h->tap.name);
		return -ENODEV;
	}
	if (port->mtu < h->netif.mtu)
		h->netif.mtu = port->mtu; /* the tap driver's frames stop at 1500 */
	fw_netif_attach(&h->netif, &h->stats);
	netif_set_default(&h->netif);
	netif_set_up(&h->netif);
	rc = fw_echo_init(&h->echo, conns, bufmem, &h->cfg.tcp, &h->stats);
	if (rc == 0)
		rc = fw_echo_start(&h->echo, &h->cfg.tcp, IP4_ADDR_ANY);
	if (rc != 0)
		fprintf(stderr, "fastpath-fw: echo service: %s\n", strerror(-rc));
	return rc;
}

static uint32_t
fw_min_left(uint32_t ms, uint64_t now, uint64_t at)
{
	uint64_t left = at > now ? at - now : 0;

	return left < ms ? (uint32_t)left : ms;
}

/* Poll timeout: until lwIP's next timer or the next stats document. */
static int
fw_poll_timeout(struct fw_host *h)
{
	uint64_t now = fw_clock_ms(CLOCK_MONOTONIC);
	uint32_t ms = sys_timeouts_sleeptime();

	if (h->stats_ms != 0)
		ms = fw_min_left(ms, now, h->next_stats_ms);
	if (h->mqtt_on)
		ms = fw_min_left(ms, now, h->next_mqtt_ms);
	return ms > 1000 ? 1000 : (int)ms;
}

/* Periodic work of the main loop: stats documents (MQTT runs on lwIP's timers). */
static void
fw_periodic(struct fw_host *h)
{
	uint64_t now = fw_clock_ms(CLOCK_MONOTONIC);
	int to_stdout = 0, to_mqtt = 0;

	if (h->mqtt_on && now >= h->next_mqtt_ms) {
		h->next_mqtt_ms += h->cfg.mqtt.interval_ms;
		to_mqtt = 1;
	}
	if (h->stats_ms != 0 && now >= h->next_stats_ms) {
		h->next_stats_ms += h->stats_ms;
		to_stdout = 1;
	}
	if (to_stdout || to_mqtt)
		fw_stats_publish(h, to_stdout, to_mqtt);
}

/* The main loop. @return 0 after SIGTERM/SIGINT, -1 on a tap error. */
static int
fw_host_loop(struct fw_host *h, int sigfd)
{
	struct pollfd pfd[2] = {
			{.fd = h->tap.fd, .events = POLLIN},
			{.fd = sigfd, .events = POLLIN},
	};

	h->next_stats_ms = fw_clock_ms(CLOCK_MONOTONIC) + h->stats_ms;
	h->next_mqtt_ms = fw_clock_ms(CLOCK_MONOTONIC) + h->cfg.mqtt.interval_ms;
	for (;;) {
		if (poll(pfd, 2, fw_poll_timeout(h)) < 0 && errno != EINTR)
			return -1;
		if (pfd[0].revents != 0 && fw_tap_poll(&h->netif, 64) < 0) {
			fprintf(stderr, "fastpath-fw: tap read: %s\n", strerror(errno));
			return -1;
		}
		sys_check_timeouts();
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo != SIGUSR1)
					return 0;
				fw_stats_publish(h, 1, 0);
			}
		}
		fw_periodic(h);
	}
}

int
main(int argc, char **argv)
{
	static struct fw_host host;
	struct fw_host *h = &host;
	struct fw_conn *conns;
	uint8_t *bufmem;
	uint32_t ring; /* echo ring bytes per flow */
	sigset_t sigs;
	char ip[FP_IP4_STR_LEN];
	int sigfd, rc;

	h->tap.name = "fwtap0";
	h->tap.fd = -1;
	if (fw_parse_args(h, argc, argv) != 0)
		return 2;

	/* The pool: the one allocation, before any packet (lib/ rule). */
	conns = calloc(h->cfg.tcp.max_flows, sizeof(*conns));
	ring = fw_echo_buf_size(&h->cfg.tcp);
	bufmem = calloc(h->cfg.tcp.max_flows, ring);
	if (conns == NULL || bufmem == NULL) {
		fprintf(stderr,
				"fastpath-fw: cannot allocate %" PRIu32 " flows x %" PRIu32
				" bytes\n",
				h->cfg.tcp.max_flows, ring);
		return 1;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGUSR1);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sigfd < 0) {
		fprintf(stderr, "fastpath-fw: signalfd: %s\n", strerror(errno));
		return 1;
	}
	/* lwIP's LWIP_RAND() is rand(): initial sequence numbers, ports. */
	srand((unsigned)(fw_clock_ms(CLOCK_REALTIME) ^ ((uint64_t)getpid() << 16)));

	if (h->cfg.mqtt.node[0] != '\0')
		memcpy(h->node, h->cfg.mqtt.node, sizeof(h->node)); /* same size, terminated */
	else if (h->cfg.mqtt.enabled && gethostname(h->node, sizeof(h->node) - 1) != 0)
		snprintf(h->node, sizeof(h->node), "fastpath-fw");
	h->start_ms = fw_clock_ms(CLOCK_MONOTONIC);
	if (fw_host_start(h, conns, bufmem) != 0)
		return 1;
	if (h->cfg.mqtt.enabled) {
		char err[128];

		if (fw_mqtt_start(&h->mqtt, &h->cfg.mqtt, h->node, err, sizeof(err)) != 0) {
			fprintf(stderr, "fastpath-fw: %s\n", err);
			return 1;
		}
		h->mqtt_on = 1;
	}
	printf("fastpath-fw: lwIP %s on %s, %s/%u, echo on %u port(s), max_flows %" PRIu32
	       ", buffer %" PRIu32 "\n",
			LWIP_VERSION_STRING, h->tap.name,
			fp_text_format_ip4(h->cfg.ports[0].ip4, ip), h->cfg.ports[0].prefix_len,
			h->cfg.tcp.n_listen, h->cfg.tcp.max_flows, ring);
	fflush(stdout);

	rc = fw_host_loop(h, sigfd);

	fw_echo_stop(&h->echo);
	fw_stats_publish(h, 1, h->mqtt_on);
	fw_summary(&h->stats);
	if (h->mqtt_on) {
		fw_mqtt_stop(&h->mqtt);
		printf("mqtt: connects %" PRIu64 " published %" PRIu64 " dropped %" PRIu64 "\n",
				h->mqtt.connects, h->mqtt.published, h->mqtt.dropped);
	}
	printf("fastpath-fw: stopped\n");
	fflush(stdout);
	netif_remove(&h->netif);
	close(h->tap.fd);
	free(bufmem);
	free(conns);
	return rc == 0 ? 0 : 1;
}
