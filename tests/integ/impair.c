/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A userspace link impairment relay for the integration tests, standing in
 * for netem (this project's CI kernels are built without sch_netem). It
 * bridges two interfaces with AF_PACKET sockets and, per direction, drops,
 * duplicates and reorders frames with seeded pseudo-random choices:
 *
 *   client ns [fb-X] <-veth-> [fc-X] impair [fd-X] <-veth-> [fa-X] fastpath
 *
 * Reordering holds a frame back and sends it after the next one (or after
 * --hold-us when no next one comes). --delay-us puts every frame on a delay
 * line first (a peer that far away; a full line is loss). On SIGTERM/SIGINT
 * it prints what it did.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX 2048
#define LINE_MAX  512 /* frames on a delay line per direction */

struct held {
	uint8_t buf[FRAME_MAX];
	ssize_t len;     /**< 0 when nothing is held */
	uint64_t since;  /**< monotonic us when it was held */
};

/** Frames waiting for their time, in order (a FIFO: one delay for all). */
struct line {
	uint8_t buf[LINE_MAX][FRAME_MAX];
	ssize_t len[LINE_MAX];
	uint64_t due[LINE_MAX]; /**< monotonic us */
	unsigned head, n;
};

struct dir {
	int in, out;
	struct held held;
	struct line line;
	uint64_t frames, dropped, duplicated, reordered;
};

static volatile sig_atomic_t stop;
static double loss_p, dup_p, reorder_p;
static uint64_t hold_us = 1000;
static uint64_t delay_us;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* xorshift64*: reproducible from --seed, good enough for coin flips. */
static double
coin(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 0x2545f4914f6cdd1dull) >> 11) / (double)(1ull << 53);
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int
open_if(const char *name)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	int one = 1;
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0) {
		perror("impair: socket(AF_PACKET)");
		exit(1);
	}
	sll.sll_ifindex = (int)if_nametoindex(name);
	if (sll.sll_ifindex == 0) {
		fprintf(stderr, "impair: no interface %s\n", name);
		exit(1);
	}
	/* We only relay what arrives; our own transmissions must not loop back. */
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0 ||
			bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "impair: %s: %s\n", name, strerror(errno));
		exit(1);
	}
	return fd;
}

static void
emit(struct dir *d, const uint8_t *buf, ssize_t len)
{
	struct line *l = &d->line;
	unsigned tail;

	if (delay_us == 0) {
		/* A full socket buffer is loss, as on a real link. */
		(void)!send(d->out, buf, (size_t)len, MSG_DONTWAIT);
		return;
	}
	if (l->n == LINE_MAX) {
		d->dropped++;
		return;
	}
	tail = (l->head + l->n++) % LINE_MAX;
	memcpy(l->buf[tail], buf, (size_t)len);
	l->len[tail] = len;
	l->due[tail] = now_us() + delay_us;
}

/* Send what the delay line holds and is due. @return us until the next is due, or -1 */
static int64_t
line_flush(struct dir *d)
{
	struct line *l = &d->line;
	uint64_t now = now_us();

	while (l->n && l->due[l->head] <= now) {
		(void)!send(d->out, l->buf[l->head], (size_t)l->len[l->head], MSG_DONTWAIT);
		l->head = (l->head + 1) % LINE_MAX;
		l->n--;
	}
	return l->n ? (int64_t)(l->due[l->head] - now) : -1;
}

static void
release_held(struct dir *d)
{
	if (d->held.len) {
		emit(d, d->held.buf, d->held.len);
		d->held.len = 0;
	}
}

/* Relay one frame; returns 0 when the socket had none. */
static int
relay_one(struct dir *d)
{
	uint8_t buf[FRAME_MAX];
	ssize_t len = recv(d->in, buf, sizeof(buf), MSG_DONTWAIT);

	if (len <= 0)
		return 0;
	d->frames++;
	if (coin() < loss_p) {
		d->dropped++;
		return 1;
	}
	if (!d->held.len && coin() < reorder_p) {
		memcpy(d->held.buf, buf, (size_t)len);
		d->held.len = len;
		d->held.since = now_us();
		d->reordered++;
		return 1;
	}
	emit(d, buf, len);
	release_held(d); /* the held frame now arrives after a later one */
	if (coin() < dup_p) {
		emit(d, buf, len);
		d->duplicated++;
	}
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"loss", required_argument, NULL, 'l'},
		{"dup", required_argument, NULL, 'd'},
		{"reorder", required_argument, NULL, 'r'},
		{"hold-us", required_argument, NULL, 'h'},
		{"delay-us", required_argument, NULL, 'D'},
		{"seed", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	struct dir *dirs;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': loss_p = atof(optarg) / 100.0; break;
		case 'd': dup_p = atof(optarg) / 100.0; break;
		case 'r': reorder_p = atof(optarg) / 100.0; break;
		case 'h': hold_us = strtoull(optarg, NULL, 10); break;
		case 'D': delay_us = strtoull(optarg, NULL, 10); break;
		case 's': rng_state ^= strtoull(optarg, NULL, 10) * 0x100000001b3ull; break;
		default:
			fprintf(stderr, "usage: impair [--loss PCT] [--dup PCT] [--reorder PCT] "
					"[--hold-us N] [--delay-us N] [--seed N] IF_A IF_B\n");
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "impair: need two interfaces\n");
		return 2;
	}
	dirs = calloc(2, sizeof(*dirs)); /* the delay lines are too big for the stack */
	if (dirs == NULL) {
		perror("impair: calloc");
		return 1;
	}
	dirs[0].in = dirs[1].out = open_if(argv[optind]);
	dirs[1].in = dirs[0].out = open_if(argv[optind + 1]);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("impair: relaying %s <-> %s loss %.2f%% dup %.2f%% reorder %.2f%% delay %llu us\n",
			argv[optind], argv[optind + 1], loss_p * 100, dup_p * 100, reorder_p * 100,
			(unsigned long long)delay_us);
	fflush(stdout);

	while (!stop) {
		struct pollfd pfd[2] = {{.fd = dirs[0].in, .events = POLLIN},
				{.fd = dirs[1].in, .events = POLLIN}};
		int timeout = (dirs[0].held.len || dirs[1].held.len) ? 1 : 100;

		for (int i = 0; i < 2; i++) {
			int64_t wait = line_flush(&dirs[i]);

			if (wait >= 0 && wait / 1000 < timeout)
				timeout = (int)(wait / 1000);
		}
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (pfd[i].revents & POLLIN)
				for (int burst = 0; burst < 64 && relay_one(&dirs[i]); burst++)
					;
			if (dirs[i].held.len && now_us() - dirs[i].held.since >= hold_us)
				release_held(&dirs[i]);
			line_flush(&dirs[i]);
		}
	}
	for (int i = 0; i < 2; i++)
		printf("impair: %s->%s frames %llu dropped %llu duplicated %llu reordered %llu\n",
				argv[optind + i], argv[optind + 1 - i],
				(unsigned long long)dirs[i].frames, (unsigned long long)dirs[i].dropped,
				(unsigned long long)dirs[i].duplicated,
				(unsigned long long)dirs[i].reordered);
	free(dirs);
	return 0;
}
