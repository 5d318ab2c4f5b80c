/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/idle.c: adaptive idle polling on a fake clock. Poll mode never sleeps;
 * adaptive mode polls through the grace period, then sleeps in doubling
 * steps up to the cap, and the first frame ends the back-off at once.
 */
#include <pthread.h>
#include <stdlib.h>

#include <check.h>

#include "idle.h"

#define T0 5000000ull /* clock at start, us */

static struct app_idle st;

/* Empty iterations from now_us on, each taking loop_us plus what it slept. */
static uint64_t
run_empty(uint64_t now_us, unsigned n, uint64_t loop_us, uint32_t *last)
{
	for (unsigned i = 0; i < n; i++) {
		*last = app_idle_next(&st, 0, now_us);
		ck_assert_uint_le(*last, APP_IDLE_SLEEP_MAX_US);
		now_us += loop_us + *last;
	}
	return now_us;
}

START_TEST(test_idle_poll_never_sleeps)
{
	uint32_t last = 1;

	app_idle_init(&st, FP_CFG_IDLE_POLL, T0);
	run_empty(T0, 100000, 1, &last);
	ck_assert_uint_eq(last, 0);
	/* An hour without a frame. */
	ck_assert_uint_eq(app_idle_next(&st, 0, T0 + 3600000000ull), 0);
	ck_assert_uint_eq(st.sleeps, 0);
}
END_TEST

START_TEST(test_idle_adaptive_grace_then_doubling)
{
	static const uint32_t steps[] = {10, 20, 40, 80, 100, 100, 100};
	uint64_t now = T0;

	app_idle_init(&st, FP_CFG_IDLE_ADAPTIVE, T0);
	/* Frames, then nothing: full polling until the grace has passed. */
	ck_assert_uint_eq(app_idle_next(&st, 32, now), 0);
	for (; now < T0 + APP_IDLE_GRACE_US; now++)
		ck_assert_uint_eq(app_idle_next(&st, 0, now), 0);
	ck_assert_uint_eq(st.sleeps, 0);
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		ck_assert_uint_eq(app_idle_next(&st, 0, now), steps[i]);
		now += steps[i] + 1;
	}
	ck_assert_uint_eq(st.sleeps, 7);
	ck_assert_uint_eq(st.slept_us, 10 + 20 + 40 + 80 + 300);
}
END_TEST

START_TEST(test_idle_first_frame_ends_backoff)
{
	uint32_t last;
	uint64_t now;

	app_idle_init(&st, FP_CFG_IDLE_ADAPTIVE, T0);
	now = run_empty(T0, 5000, 1, &last);
	ck_assert_uint_eq(last, APP_IDLE_SLEEP_MAX_US);
	/* One frame: poll at once, and a whole grace period before sleeping again. */
	ck_assert_uint_eq(app_idle_next(&st, 1, now), 0);
	ck_assert_uint_eq(app_idle_next(&st, 0, now + 1), 0);
	ck_assert_uint_eq(app_idle_next(&st, 0, now + APP_IDLE_GRACE_US - 1), 0);
	/* And it starts again from the shortest sleep. */
	ck_assert_uint_eq(app_idle_next(&st, 0, now + APP_IDLE_GRACE_US), APP_IDLE_SLEEP_MIN_US);
}
END_TEST

/* Frames closer together than the grace (a ping-pong under load) never sleep. */
START_TEST(test_idle_steady_traffic_never_sleeps)
{
	uint64_t now = T0;

	app_idle_init(&st, FP_CFG_IDLE_ADAPTIVE, T0);
	for (unsigned i = 0; i < 200000; i++, now++)
		ck_assert_uint_eq(app_idle_next(&st, (i % (APP_IDLE_GRACE_US - 1)) == 0, now), 0);
	ck_assert_uint_eq(st.sleeps, 0);
}
END_TEST

/* Once backed off, an idle worker wakes once per APP_IDLE_SLEEP_MAX_US. */
START_TEST(test_idle_wakeups_per_second)
{
	uint32_t last;
	uint64_t start, now;

	app_idle_init(&st, FP_CFG_IDLE_ADAPTIVE, T0);
	now = run_empty(T0, 2000, 1, &last);
	start = st.sleeps;
	/* A second of idle loops that take no time themselves. */
	for (uint64_t end = now + 1000000; now < end;) {
		last = app_idle_next(&st, 0, now);
		ck_assert_uint_eq(last, APP_IDLE_SLEEP_MAX_US);
		now += last;
	}
	ck_assert_uint_eq(st.sleeps - start, 1000000 / APP_IDLE_SLEEP_MAX_US);
}
END_TEST

START_TEST(test_idle_mode_switch)
{
	uint32_t last;
	uint64_t now;

	app_idle_init(&st, FP_CFG_IDLE_ADAPTIVE, T0);
	now = run_empty(T0, 3000, 1, &last);
	ck_assert_uint_gt(last, 0);
	app_idle_set_mode(&st, FP_CFG_IDLE_POLL, now);
	run_empty(now, 3000, 1, &last);
	ck_assert_uint_eq(last, 0);
	/* Back to adaptive: the grace counts from the switch. */
	app_idle_set_mode(&st, FP_CFG_IDLE_ADAPTIVE, now);
	ck_assert_uint_eq(app_idle_next(&st, 0, now + APP_IDLE_GRACE_US - 1), 0);
	ck_assert_uint_eq(app_idle_next(&st, 0, now + APP_IDLE_GRACE_US), APP_IDLE_SLEEP_MIN_US);
}
END_TEST

START_TEST(test_idle_clock_backwards)
{
	app_idle_init(&st, FP_CFG_IDLE_ADAPTIVE, T0);
	ck_assert_uint_eq(app_idle_next(&st, 0, T0 - 5000), 0);
	ck_assert_uint_eq(app_idle_next(&st, 0, 0), 0);
	ck_assert_uint_eq(st.sleeps, 0);
}
END_TEST

/* What n sleeps from full polling add up to: 10, 20, 40, 80, then 100 each. */
static uint64_t
slept_after(uint64_t n)
{
	static const uint64_t first[] = {0, 10, 30, 70, 150};

	return n < 5 ? first[n] : 150 + 100 * (n - 4);
}

static int writer_done;
static uint64_t writer_sleeps, reader_reads;

/* The worker's side: nothing but sleeps, on a clock that moves past the
 * grace, until the reader has read often enough while it ran (a loaded
 * machine may not run the reader at all during a fixed count). */
static void *
sleep_forever(void *arg)
{
	uint64_t now = T0 + APP_IDLE_GRACE_US, i;

	(void)arg;
	for (i = 0; i < 2000000 || __atomic_load_n(&reader_reads, __ATOMIC_RELAXED) < 10000; i++)
		now += app_idle_next(&st, 0, now) + 1;
	writer_sleeps = i;
	__atomic_store_n(&writer_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* A reader on another thread gets the two totals as one pair, never one
 * that counts a sleep the other does not (which would read as a sleep
 * longer than the cap in fpctl status). */
START_TEST(test_idle_totals_are_one_pair)
{
	pthread_t writer;
	uint64_t sleeps, slept_us, reads = 0;

	app_idle_init(&st, FP_CFG_IDLE_ADAPTIVE, T0);
	__atomic_store_n(&writer_done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&reader_reads, 0, __ATOMIC_RELAXED);
	ck_assert_int_eq(pthread_create(&writer, NULL, sleep_forever, NULL), 0);
	while (!__atomic_load_n(&writer_done, __ATOMIC_ACQUIRE)) {
		app_idle_totals(&st, &sleeps, &slept_us);
		ck_assert_msg(slept_us == slept_after(sleeps),
				"read %llu sleeps with %llu us, which is %llu us of them",
				(unsigned long long)sleeps, (unsigned long long)slept_us,
				(unsigned long long)slept_after(sleeps));
		__atomic_store_n(&reader_reads, ++reads, __ATOMIC_RELAXED);
	}
	ck_assert_int_eq(pthread_join(writer, NULL), 0);
	app_idle_totals(&st, &sleeps, &slept_us);
	ck_assert_uint_eq(sleeps, writer_sleeps);
	ck_assert_uint_ge(sleeps, 2000000);
	ck_assert_uint_eq(slept_us, slept_after(sleeps));
	ck_assert_uint_ge(reads, 10000);
}
END_TEST

static Suite *
idle_suite(void)
{
	Suite *s = suite_create("idle");
	TCase *tc = tcase_create("idle");

	tcase_add_test(tc, test_idle_poll_never_sleeps);
	tcase_add_test(tc, test_idle_adaptive_grace_then_doubling);
	tcase_add_test(tc, test_idle_first_frame_ends_backoff);
	tcase_add_test(tc, test_idle_steady_traffic_never_sleeps);
	tcase_add_test(tc, test_idle_wakeups_per_second);
	tcase_add_test(tc, test_idle_mode_switch);
	tcase_add_test(tc, test_idle_clock_backwards);
	tcase_add_test(tc, test_idle_totals_are_one_pair);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(idle_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
