/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a worker does between polls that found nothing ([dpdk] idle). In
 * poll mode it polls again at once. In adaptive mode, once nothing arrived
 * for APP_IDLE_GRACE_US, it sleeps between polls, from APP_IDLE_SLEEP_MIN_US
 * doubling up to APP_IDLE_SLEEP_MAX_US; the first packet brings back full
 * polling. Traffic with gaps shorter than the grace never sleeps, so a busy
 * worker pays nothing; an idle one wakes 10,000 times a second at most.
 *
 * The worker loop calls app_idle_next() once per iteration, after TX is
 * flushed and requests are served, with the number of frames the iteration
 * received, and sleeps for what it returns (lcore.c). Plain logic on the
 * worker's microsecond clock, no DPDK call: unit tests drive it with a fake
 * clock (tests/unit/check_idle.c). rte_power's PMD power management is not
 * used: see docs/OPERATING.md, "Idle polling".
 */
#ifndef APP_IDLE_H
#define APP_IDLE_H

#include <stdint.h>

#include "fp/cfg.h"

#define APP_IDLE_GRACE_US     1000 /**< empty polls for this long before the first sleep */
#define APP_IDLE_SLEEP_MIN_US 10   /**< the first sleep */
#define APP_IDLE_SLEEP_MAX_US 100  /**< the longest sleep: the worst wake-up delay added */
#define APP_IDLE_SLACK_NS     1000 /**< the worker thread's timer slack (prctl), ns */

/** One worker's idle state. Written by the worker only. */
struct app_idle {
	uint8_t mode;      /**< enum fp_cfg_idle (relaxed atomic: status reads it) */
	uint32_t sleep_us; /**< the last sleep, 0 while polling */
	uint64_t busy_us;  /**< clock of the last iteration that received, or of the mode change */
	/**
	 * Odd while the worker updates the two totals below: readers on other
	 * threads take them with app_idle_totals(), as one pair. Read apart,
	 * one could count a sleep the other did not yet, and the pair would
	 * claim a sleep longer than the cap. rte_seqcount's protocol; not
	 * rte_seqcount itself, so this file stays free of DPDK for check_idle.
	 */
	uint32_t seq;
	uint64_t sleeps;   /**< sleeps asked for */
	uint64_t slept_us; /**< their total length, us */
};

/** Start in mode (enum fp_cfg_idle) at now_us, polling. Context: the worker, or before launch. */
void app_idle_init(struct app_idle *st, uint8_t mode, uint64_t now_us);

/** The sleeps asked for and their total length, as one consistent pair. Context: any thread. */
void app_idle_totals(const struct app_idle *st, uint64_t *sleeps, uint64_t *slept_us);

/** Change mode between two iterations; back to full polling first. Context: the worker. */
void app_idle_set_mode(struct app_idle *st, uint8_t mode, uint64_t now_us);

/** The empty-iteration path of app_idle_next(). */
uint32_t app_idle__empty(struct app_idle *st, uint64_t now_us);

/**
 * After one loop iteration.
 * @param got     frames this iteration received, over all ports
 * @param now_us  the worker's clock (monotonic)
 * @return microseconds to sleep before the next poll, 0 to poll at once
 * Context: the worker.
 */
static inline uint32_t
app_idle_next(struct app_idle *st, unsigned got, uint64_t now_us)
{
	if (got != 0 || st->mode == FP_CFG_IDLE_POLL) {
		st->busy_us = now_us;
		st->sleep_us = 0;
		return 0;
	}
	return app_idle__empty(st, now_us);
}

#endif /* APP_IDLE_H */
