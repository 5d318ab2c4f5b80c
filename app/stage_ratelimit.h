/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ratelimit stage's meters: one rte_meter (srTCM, RFC 2697, or trTCM,
 * RFC 2698) per source address in a bounded set-associative table, or one
 * for everything the stage matches. One table per lcore and graph, built
 * off the fast path and written only by its lcore: no locks, no allocation
 * after build. A full bucket gives its least recently seen source's meter
 * to the newcomer, so a flood of spoofed sources cannot grow the table.
 */
#ifndef APP_STAGE_RATELIMIT_H
#define APP_STAGE_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"

#define APP_RL_WAYS 8 /**< sources per bucket */

struct app_rl;

/** What app_rl_check() says about one packet. */
enum app_rl_verdict {
	APP_RL_PASS, /**< under the rate (green or yellow) */
	APP_RL_DROP, /**< over it (red) */
};

/**
 * Build a table for a block's ratelimit stage.
 * @param hz  TSC ticks per second (rte_get_tsc_hz()), the meters' clock
 * @return the table, or NULL with err filled.
 * Context: any non-worker thread, after EAL init.
 */
struct app_rl *app_rl_create(
		const struct app_rl_conf *conf, uint64_t hz, int socket, char *err, size_t err_len);

void app_rl_free(struct app_rl *rl);

/**
 * Meter one packet of a source.
 * @param src   source address, host byte order (ignored with per = all)
 * @param len   IP bytes of the packet (ignored when the rate is in packets)
 * @param now   rte_rdtsc() (once per burst is fine)
 * Context: the owning lcore only.
 */
enum app_rl_verdict app_rl_check(struct app_rl *rl, uint32_t src, uint32_t len, uint64_t now);

/** Sources that took a meter from another (table full in their bucket). */
uint64_t app_rl_evictions(const struct app_rl *rl);

/** Meters in use. */
uint32_t app_rl_sources(const struct app_rl *rl);

/** Does the stage meter this packet (its match classes)? ip points at the IPv4 header. */
int app_rl_matches(const struct app_rl *rl, const uint8_t *ip, uint16_t l4_len);

#endif /* APP_STAGE_RATELIMIT_H */
