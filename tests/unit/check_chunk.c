/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/echo/chunk.c: the bounded chunk pool the echo bytes of
 * many flows share, and the per-flow chunk queues. The pool running dry must
 * shrink what flows may promise (their windows), store fewer bytes rather
 * than lose any, and recover as chunks come back; an idle queue holds none.
 */
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include <check.h>

#include "fp/chunk.h"
#include "fp/echo.h"
#include "pkt_build.h"

#define CAP 4096

static uint64_t pool_mem[(64 * 1024 + 1024 * 4) / 8];

static void
pool_new(struct fp_chunk_pool *p, uint32_t n, uint32_t size)
{
	ck_assert_uint_le(fp_chunk_pool_mem_size(n, size), sizeof(pool_mem));
	ck_assert_int_eq(fp_chunk_pool_init(p, pool_mem, sizeof(pool_mem), n, size), 0);
}

/* Bytes that differ from their neighbours, so a misplaced copy shows. */
static void
fill(uint8_t *d, size_t n, uint32_t mul, uint32_t add)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)(i * mul + add);
}

/* Every chunk is either free or in exactly one of the queues. */
static void
check_accounting(const struct fp_chunk_pool *p, const struct fp_chunk_q *qs, int nq)
{
	uint32_t held = 0, free_n = 0, c;

	for (int i = 0; i < nq; i++) {
		uint32_t k = 0;

		for (c = qs[i].head; c != FP_CHUNK_NONE; c = p->next[c])
			k++;
		ck_assert_uint_eq(k, qs[i].n_chunks);
		if (k)
			ck_assert_uint_eq(p->next[qs[i].tail], FP_CHUNK_NONE);
		held += k;
	}
	for (c = p->free_head; c != FP_CHUNK_NONE; c = p->next[c])
		free_n++;
	ck_assert_uint_eq(free_n, p->n_free);
	ck_assert_uint_eq(held + free_n, p->n);
}

START_TEST(test_chunk_pool_bad_args)
{
	struct fp_chunk_pool p;

	ck_assert_uint_eq(fp_chunk_pool_mem_size(0, 256), 0);
	ck_assert_uint_eq(fp_chunk_pool_mem_size(4, 100), 0);
	ck_assert_uint_eq(fp_chunk_pool_mem_size(4, 32), 0);
	ck_assert_uint_eq(fp_chunk_pool_mem_size(4, 256), 4 * 256 + 4 * 4);
	ck_assert_int_eq(fp_chunk_pool_init(&p, pool_mem, 100, 4, 256), -EINVAL);
	ck_assert_int_eq(fp_chunk_pool_init(
					 &p, (uint8_t *)pool_mem + 1, sizeof(pool_mem) - 8, 4, 256),
			-EINVAL);
	ck_assert_int_eq(fp_chunk_pool_init(&p, NULL, sizeof(pool_mem), 4, 256), -EINVAL);
}
END_TEST

/* A flow that echoed and was acknowledged holds no chunk; its window is whole again. */
START_TEST(test_chunk_idle_queue_holds_nothing)
{
	struct fp_chunk_pool p;
	struct fp_chunk_q q;
	uint8_t data[700], back[700];

	pool_new(&p, 16, 256);
	fp_chunk_q_init(&q);
	ck_assert_uint_eq(fp_chunk_q_space(&q, &p, CAP), 8 * 256); /* half of the free pool */
	fill(data, sizeof(data), 7, 0);
	ck_assert_uint_eq(fp_chunk_q_push(&q, &p, data, 64), 64);
	ck_assert_uint_eq(q.n_chunks, 1);
	ck_assert_uint_eq(fp_chunk_q_push(&q, &p, data + 64, 636), 636);
	ck_assert_uint_eq(q.n_chunks, 3);
	ck_assert_uint_eq(fp_chunk_q_copy(&q, &p, 0, back, 700), 700);
	ck_assert_mem_eq(back, data, 700);
	/* Acknowledged in pieces: each emptied chunk goes back at once. */
	fp_chunk_q_consume(&q, &p, 300);
	ck_assert_uint_eq(q.n_chunks, 2);
	ck_assert_uint_eq(p.n_free, 14);
	ck_assert_uint_eq(fp_chunk_q_copy(&q, &p, 0, back, 400), 400);
	ck_assert_mem_eq(back, data + 300, 400);
	fp_chunk_q_consume(&q, &p, 400);
	ck_assert_uint_eq(q.n_chunks, 0);
	ck_assert_uint_eq(p.n_free, 16);
	/* Consumed up to a chunk boundary exactly: that chunk goes back too. */
	ck_assert_uint_eq(fp_chunk_q_push(&q, &p, data, 512), 512);
	fp_chunk_q_consume(&q, &p, 256);
	ck_assert_uint_eq(q.n_chunks, 1);
	ck_assert_uint_eq(fp_chunk_q_copy(&q, &p, 0, back, 256), 256);
	ck_assert_mem_eq(back, data + 256, 256);
	fp_chunk_q_consume(&q, &p, 256);
	check_accounting(&p, &q, 1);
	ck_assert_uint_eq(p.n_free, 16);
}
END_TEST

/*
 * Pool exhaustion: one flow fills the pool; pushes then store less (never
 * lose stored bytes), every flow's window shrinks to what is left, and when
 * the peer's ACKs return chunks the windows grow back and storing resumes.
 */
START_TEST(test_chunk_pool_exhaustion)
{
	struct fp_chunk_pool p;
	struct fp_chunk_q q[2];
	uint8_t data[4096], back[4096];
	uint32_t stored = 0, n;

	pool_new(&p, 8, 256); /* 2 KiB in all, less than one flow's cap */
	fp_chunk_q_init(&q[0]);
	fp_chunk_q_init(&q[1]);
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ (i >> 8));
	/* The window promised first is half the pool; pushing past it still
	 * stores as long as chunks are free, then stores less. */
	ck_assert_uint_eq(fp_chunk_q_space(&q[0], &p, CAP), 4 * 256);
	while ((n = fp_chunk_q_push(&q[0], &p, data + stored, 300)) == 300)
		stored += n;
	stored += n;
	ck_assert_uint_eq(stored, 8 * 256);
	ck_assert_uint_eq(p.n_free, 0);
	ck_assert_uint_eq(fp_chunk_q_push(&q[0], &p, data, 10), 0);
	ck_assert_uint_eq(fp_chunk_q_push(&q[1], &p, data, 10), 0);
	ck_assert_uint_eq(fp_chunk_q_write_at(&q[1], &p, 100, data, 10), 0);
	/* Windows: nothing more can be promised by anyone. */
	ck_assert_uint_eq(fp_chunk_q_space(&q[0], &p, CAP), 0);
	ck_assert_uint_eq(fp_chunk_q_space(&q[1], &p, CAP), 0);
	/* No stored byte was lost or changed. */
	ck_assert_uint_eq(fp_chunk_q_copy(&q[0], &p, 0, back, sizeof(back)), stored);
	ck_assert_mem_eq(back, data, stored);
	check_accounting(&p, q, 2);
	/* The peer acknowledges 1000 bytes: three chunks come back, windows reopen. */
	fp_chunk_q_consume(&q[0], &p, 1000);
	ck_assert_uint_eq(p.n_free, 3);
	ck_assert_uint_eq(fp_chunk_q_space(&q[1], &p, CAP), 1 * 256);
	ck_assert_uint_eq(fp_chunk_q_space(&q[0], &p, CAP), 1 * 256);
	ck_assert_uint_eq(fp_chunk_q_push(&q[1], &p, data, 500), 500);
	ck_assert_uint_eq(fp_chunk_q_copy(&q[1], &p, 0, back, 500), 500);
	ck_assert_mem_eq(back, data, 500);
	ck_assert_uint_eq(fp_chunk_q_copy(&q[0], &p, 0, back, sizeof(back)), stored - 1000);
	ck_assert_mem_eq(back, data + 1000, stored - 1000);
	check_accounting(&p, q, 2);
	/* Everything acknowledged: the whole pool is free again. */
	fp_chunk_q_consume(&q[0], &p, UINT32_MAX);
	fp_chunk_q_consume(&q[1], &p, UINT32_MAX);
	ck_assert_uint_eq(p.n_free, 8);
	check_accounting(&p, q, 2);
}
END_TEST

/* Data ahead of a gap takes chunks too, is stored once the gap fills, and a
 * reset (the flow is gone) gives everything back. */
START_TEST(test_chunk_write_ahead_then_commit)
{
	struct fp_chunk_pool p;
	struct fp_chunk_q q;
	uint8_t data[1200], back[1200];

	pool_new(&p, 16, 256);
	fp_chunk_q_init(&q);
	fill(data, sizeof(data), 13, 1);
	ck_assert_uint_eq(fp_chunk_q_push(&q, &p, data, 100), 100);
	/* Bytes 600..1200 arrive before 100..600. */
	ck_assert_uint_eq(fp_chunk_q_write_at(&q, &p, 500, data + 600, 600), 600);
	ck_assert_uint_eq(fp_chunk_q_used(&q), 100);
	ck_assert_uint_eq(q.n_chunks, 5);
	/* Acknowledging the stored bytes keeps the chunks holding the later ones. */
	fp_chunk_q_consume(&q, &p, 100);
	ck_assert_uint_eq(q.n_chunks, 5);
	ck_assert_uint_eq(fp_chunk_q_write_at(&q, &p, 0, data + 100, 500), 500);
	ck_assert_uint_eq(fp_chunk_q_commit(&q, 5000), 1100); /* clamped to what was written */
	ck_assert_uint_eq(fp_chunk_q_copy(&q, &p, 0, back, 1100), 1100);
	ck_assert_mem_eq(back, data + 100, 1100);
	fp_chunk_q_reset(&q, &p);
	ck_assert_uint_eq(p.n_free, 16);
	ck_assert_uint_eq(q.n_chunks, 0);
	/* Too far ahead for what is free: no byte written, so no chunk taken. */
	pool_new(&p, 4, 256);
	ck_assert_uint_eq(fp_chunk_q_push(&q, &p, data, 100), 100);
	ck_assert_uint_eq(fp_chunk_q_write_at(&q, &p, 4 * 256, data, 10), 0);
	ck_assert_uint_eq(q.n_chunks, 1);
	ck_assert_uint_eq(p.n_free, 3);
	ck_assert_uint_eq(fp_chunk_q_write_at(&q, &p, 4 * 256 - 101, data, 10), 1);
	ck_assert_uint_eq(q.n_chunks, 4);
	check_accounting(&p, &q, 1);
}
END_TEST

/*
 * The append that fits in the tail chunk (one copy, inline) must respect what
 * lies past the stored bytes: bytes written ahead in the same chunk stay
 * written, and when later chunks hold them the tail chunk is not where the
 * stored bytes end, so the append takes the general way.
 */
START_TEST(test_chunk_push_tail_with_bytes_ahead)
{
	struct fp_chunk_pool p;
	struct fp_chunk_q q;
	uint8_t data[1024], back[1024];

	pool_new(&p, 16, 256);
	fp_chunk_q_init(&q);
	fill(data, sizeof(data), 29, 3);
	/* Bytes 40..60 arrive ahead, in the chunk the stored bytes end in. */
	ck_assert_uint_eq(fp_chunk_q_push(&q, &p, data, 10), 10);
	ck_assert_uint_eq(fp_chunk_q_write_at(&q, &p, 30, data + 40, 20), 20);
	ck_assert_uint_eq(q.n_chunks, 1);
	/* 10..20 appended before them: 40..60 are still there to commit. */
	ck_assert_uint_eq(fp_chunk_q_push(&q, &p, data + 10, 10), 10);
	ck_assert_uint_eq(fp_chunk_q_write_at(&q, &p, 0, data + 20, 20), 20);
	ck_assert_uint_eq(fp_chunk_q_commit(&q, 100), 40);
	ck_assert_uint_eq(fp_chunk_q_copy(&q, &p, 0, back, sizeof(back)), 60);
	ck_assert_mem_eq(back, data, 60);
	/* Bytes 600..700 arrive ahead, two chunks past the tail of the stored ones. */
	ck_assert_uint_eq(fp_chunk_q_write_at(&q, &p, 540, data + 600, 100), 100);
	ck_assert_uint_eq(q.n_chunks, 3);
	ck_assert_uint_eq(fp_chunk_q_push(&q, &p, data + 60, 40), 40);
	ck_assert_uint_eq(fp_chunk_q_push(&q, &p, data + 100, 500), 500);
	ck_assert_uint_eq(fp_chunk_q_commit(&q, 1000), 100);
	ck_assert_uint_eq(fp_chunk_q_copy(&q, &p, 0, back, sizeof(back)), 700);
	ck_assert_mem_eq(back, data, 700);
	check_accounting(&p, &q, 1);
	/* Acknowledged but for one byte: two chunks go back, the last one stays. */
	fp_chunk_q_consume(&q, &p, 699);
	ck_assert_uint_eq(q.n_chunks, 1);
	ck_assert_uint_eq(fp_chunk_q_copy(&q, &p, 0, back, sizeof(back)), 1);
	ck_assert_uint_eq(back[0], data[699]);
	/* And the append lands right after it, in the same chunk. */
	ck_assert_uint_eq(fp_chunk_q_push(&q, &p, data + 700, 60), 60);
	ck_assert_uint_eq(q.n_chunks, 1);
	ck_assert_uint_eq(fp_chunk_q_copy(&q, &p, 0, back, sizeof(back)), 61);
	ck_assert_mem_eq(back, data + 699, 61);
	fp_chunk_q_consume(&q, &p, 61);
	ck_assert_uint_eq(q.n_chunks, 0);
	check_accounting(&p, &q, 1);
	ck_assert_uint_eq(p.n_free, 16);
}
END_TEST

/*
 * Chunks of one chain that are neighbours in the pool are copied in one
 * piece; two flows appending in turn make chains whose chunks are not, and
 * those must still read back and write in order.
 */
START_TEST(test_chunk_chains_of_scattered_chunks)
{
	struct fp_chunk_pool p;
	struct fp_chunk_q q[2];
	uint8_t data[2][1100], back[1100];

	pool_new(&p, 16, 256);
	for (int i = 0; i < 2; i++) {
		fp_chunk_q_init(&q[i]);
		fill(data[i], sizeof(data[i]), 5, (uint32_t)i * 101);
	}
	/* Chains 0, 2 | 4, 5, 6 and 1, 3 | 7, 8, 9: runs with gaps between. */
	for (int i = 0; i < 2; i++)
		ck_assert_uint_eq(fp_chunk_q_push(&q[i], &p, data[i], 100), 100);
	for (int i = 0; i < 2; i++)
		ck_assert_uint_eq(fp_chunk_q_push(&q[i], &p, data[i] + 100, 400), 400);
	for (int i = 0; i < 2; i++)
		ck_assert_uint_eq(fp_chunk_q_write_at(&q[i], &p, 0, data[i] + 500, 600), 600);
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(fp_chunk_q_commit(&q[i], 600), 600);
		ck_assert_uint_eq(q[i].n_chunks, 5);
		ck_assert_uint_eq(fp_chunk_q_copy(&q[i], &p, 0, back, sizeof(back)), 1100);
		ck_assert_mem_eq(back, data[i], 1100);
		ck_assert_uint_eq(fp_chunk_q_copy(&q[i], &p, 150, back, 800), 800);
		ck_assert_mem_eq(back, data[i] + 150, 800);
	}
	check_accounting(&p, q, 2);
	for (int i = 0; i < 2; i++)
		fp_chunk_q_consume(&q[i], &p, UINT32_MAX);
	ck_assert_uint_eq(p.n_free, 16);
}
END_TEST

/*
 * Random operations on four queues sharing a small pool, against a plain
 * ring per queue as the reference: the bytes a queue says it stored are the
 * ones it gives back, at every offset, and no chunk is ever lost.
 */
START_TEST(test_chunk_random_against_ring)
{
	static uint8_t ring_mem[4][1 << 16];
	struct fp_echo_buf ref[4];
	struct fp_chunk_pool p;
	struct fp_chunk_q q[4];
	uint8_t data[2000], a[2000], b[2000];
	uint32_t ahead[4] = {0}; /* bytes written right past the stored ones */

	pool_new(&p, 40, 128);
	for (int i = 0; i < 4; i++) {
		fp_chunk_q_init(&q[i]);
		ck_assert_int_eq(fp_echo_buf_init(&ref[i], ring_mem[i], sizeof(ring_mem[i])), 0);
	}
	for (int step = 0; step < 50000; step++) {
		int i = (int)(test_rng() % 4);
		uint32_t op = test_rng() % 12, len = test_rng() % sizeof(data), got;

		/* Short appends too, the ones that fit in the tail chunk. */
		if (test_rng() % 2)
			len %= 150;
		if (op < 4) {
			for (uint32_t k = 0; k < len; k++)
				data[k] = (uint8_t)test_rng();
			got = fp_chunk_q_push(&q[i], &p, data, len);
			ck_assert_uint_le(got, len);
			ck_assert_uint_eq(fp_echo_buf_push(&ref[i], data, got), got);
			ahead[i] = ahead[i] > got ? ahead[i] - got : 0;
		} else if (op < 5) {
			/* Ahead of the stored bytes, never leaving a gap past them
			 * (TCP's out-of-order ranges say which bytes are there). */
			uint32_t off = test_rng() % (ahead[i] + 1);

			for (uint32_t k = 0; k < len; k++)
				data[k] = (uint8_t)test_rng();
			got = fp_chunk_q_write_at(&q[i], &p, off, data, len);
			ck_assert_uint_le(got, len);
			ck_assert_uint_eq(fp_echo_buf_write_at(&ref[i], off, data, got), got);
			if (got && off + got > ahead[i])
				ahead[i] = off + got;
		} else if (op < 6) {
			got = fp_chunk_q_commit(&q[i], len);
			ck_assert_uint_eq(got, len < ahead[i] ? len : ahead[i]);
			ck_assert_uint_eq(fp_echo_buf_commit(&ref[i], got), got);
			ahead[i] -= got;
		} else if (op < 9) {
			fp_chunk_q_consume(&q[i], &p, len);
			fp_echo_buf_consume(&ref[i], len);
		} else {
			uint32_t off = fp_echo_buf_used(&ref[i]) ?
					test_rng() % fp_echo_buf_used(&ref[i]) :
					0;

			got = fp_chunk_q_copy(&q[i], &p, off, a, len);
			ck_assert_uint_eq(got, fp_echo_buf_copy(&ref[i], off, b, len));
			ck_assert_mem_eq(a, b, got);
		}
		ck_assert_uint_eq(fp_chunk_q_used(&q[i]), fp_echo_buf_used(&ref[i]));
		ck_assert_uint_eq(q[i].hi - q[i].head_off - q[i].used, ahead[i]);
		/* An idle queue holds no chunk. */
		if (q[i].used == 0 && ahead[i] == 0)
			ck_assert_uint_eq(q[i].n_chunks, 0);
		/* What a queue may promise is always there to be taken. */
		ck_assert_uint_le(fp_chunk_q_space(&q[i], &p, CAP),
				(q[i].n_chunks + p.n_free) * 128u - q[i].head_off - q[i].used);
		if (step % 1000 == 0)
			check_accounting(&p, q, 4);
	}
	for (int i = 0; i < 4; i++)
		fp_chunk_q_reset(&q[i], &p);
	ck_assert_uint_eq(p.n_free, 40);
}
END_TEST

static Suite *
chunk_suite(void)
{
	Suite *s = suite_create("chunk");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_chunk_pool_bad_args);
	tcase_add_test(tc, test_chunk_idle_queue_holds_nothing);
	tcase_add_test(tc, test_chunk_pool_exhaustion);
	tcase_add_test(tc, test_chunk_write_ahead_then_commit);
	tcase_add_test(tc, test_chunk_push_tail_with_bytes_ahead);
	tcase_add_test(tc, test_chunk_chains_of_scattered_chunks);
	tcase_add_test(tc, test_chunk_random_against_ring);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(chunk_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
