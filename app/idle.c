/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Adaptive idle polling (idle.h): when to sleep and for how long. Called by
 * the worker loop once per iteration; the sleeping itself is the loop's.
 */
#include "idle.h"

void
app_idle_init(struct app_idle *st, uint8_t mode, uint64_t now_us)
{
	st->mode = mode;
	st->sleep_us = 0;
	st->busy_us = now_us;
	st->seq = 0;
	st->sleeps = 0;
	st->slept_us = 0;
}

void
app_idle_totals(const struct app_idle *st, uint64_t *sleeps, uint64_t *slept_us)
{
	uint32_t seq;

	do {
		seq = __atomic_load_n(&st->seq, __ATOMIC_ACQUIRE);
		*sleeps = __atomic_load_n(&st->sleeps, __ATOMIC_RELAXED);
		*slept_us = __atomic_load_n(&st->slept_us, __ATOMIC_RELAXED);
		/* The totals' loads stay before the second load of seq. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((seq & 1) || __atomic_load_n(&st->seq, __ATOMIC_RELAXED) != seq);
}

void
app_idle_set_mode(struct app_idle *st, uint8_t mode, uint64_t now_us)
{
	__atomic_store_n(&st->mode, mode, __ATOMIC_RELAXED);
	st->sleep_us = 0;
	st->busy_us = now_us;
}

uint32_t
app_idle__empty(struct app_idle *st, uint64_t now_us)
{
	uint32_t us;

	/* A clock that did not move on (or went back) is not idle time. */
	if (now_us < st->busy_us || now_us - st->busy_us < APP_IDLE_GRACE_US)
		return 0;
	us = st->sleep_us == 0 ? APP_IDLE_SLEEP_MIN_US : st->sleep_us * 2;
	if (us > APP_IDLE_SLEEP_MAX_US)
		us = APP_IDLE_SLEEP_MAX_US;
	st->sleep_us = us;
	/* Single writer: plain arithmetic, stored atomically for the readers,
	 * inside an odd seq (app_idle_totals()). */
	__atomic_store_n(&st->seq, st->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&st->sleeps, st->sleeps + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&st->slept_us, st->slept_us + us, __ATOMIC_RELAXED);
	__atomic_store_n(&st->seq, st->seq + 1, __ATOMIC_RELEASE);
	return us;
}
