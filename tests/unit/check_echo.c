/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/echo/echo_buf.c: the byte ring behind every TCP echo flow
 * (send and retransmission buffer, out-of-order data held past the tail) and
 * the lwIP firmware's echo queue. Checked against a plain byte-array model.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fp/echo.h"

#define CAP 16u

/* Byte i of a test stream: distinct for 251 bytes, so a misplaced copy shows. */
static uint8_t
pattern(uint32_t i)
{
	return (uint8_t)(i % 251u + 1u);
}

static void
fill(uint8_t *p, uint32_t start, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = pattern(start + i);
}

/* A ring of CAP bytes whose oldest byte sits at index head (mod CAP), empty. */
static void
ring_at(struct fp_echo_buf *b, uint8_t *mem, uint32_t head)
{
	uint8_t junk[CAP];

	ck_assert_int_eq(fp_echo_buf_init(b, mem, CAP), 0);
	memset(junk, 0xee, sizeof(junk));
	ck_assert_uint_eq(fp_echo_buf_push(b, junk, head), head);
	fp_echo_buf_consume(b, head);
	ck_assert_uint_eq(fp_echo_buf_used(b), 0);
	ck_assert_uint_eq(fp_echo_buf_space(b), CAP);
}

START_TEST(test_echo_init_rejects_non_pow2)
{
	struct fp_echo_buf b;
	uint8_t mem[64];
	static const uint32_t bad[] = {0, 3, 6, 12, 24, 48, 63};
	static const uint32_t good[] = {1, 2, 4, 32, 64};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(fp_echo_buf_init(&b, mem, bad[i]), -EINVAL);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_int_eq(fp_echo_buf_init(&b, mem, good[i]), 0);
		ck_assert_uint_eq(fp_echo_buf_used(&b), 0);
		ck_assert_uint_eq(fp_echo_buf_space(&b), good[i]);
	}
}
END_TEST

START_TEST(test_echo_push_copy_consume)
{
	struct fp_echo_buf b;
	uint8_t mem[CAP], in[CAP], out[CAP];

	ck_assert_int_eq(fp_echo_buf_init(&b, mem, CAP), 0);
	fill(in, 0, 10);
	ck_assert_uint_eq(fp_echo_buf_push(&b, in, 10), 10);
	ck_assert_uint_eq(fp_echo_buf_used(&b), 10);
	ck_assert_uint_eq(fp_echo_buf_space(&b), CAP - 10);

	/* copy re-reads without consuming, from any offset. */
	memset(out, 0, sizeof(out));
	ck_assert_uint_eq(fp_echo_buf_copy(&b, 0, out, 10), 10);
	ck_assert_mem_eq(out, in, 10);
	ck_assert_uint_eq(fp_echo_buf_copy(&b, 4, out, 3), 3);
	ck_assert_mem_eq(out, in + 4, 3);
	/* Asking past the stored bytes returns only what is there. */
	ck_assert_uint_eq(fp_echo_buf_copy(&b, 7, out, 8), 3);
	ck_assert_mem_eq(out, in + 7, 3);
	ck_assert_uint_eq(fp_echo_buf_copy(&b, 10, out, 1), 0);
	ck_assert_uint_eq(fp_echo_buf_used(&b), 10);

	fp_echo_buf_consume(&b, 4);
	ck_assert_uint_eq(fp_echo_buf_used(&b), 6);
	ck_assert_uint_eq(fp_echo_buf_copy(&b, 0, out, 6), 6);
	ck_assert_mem_eq(out, in + 4, 6);

	/* consume is clamped to what is stored. */
	fp_echo_buf_consume(&b, 100);
	ck_assert_uint_eq(fp_echo_buf_used(&b), 0);
	ck_assert_uint_eq(fp_echo_buf_space(&b), CAP);
	ck_assert_uint_eq(fp_echo_buf_copy(&b, 0, out, 1), 0);
}
END_TEST

START_TEST(test_echo_full_ring)
{
	struct fp_echo_buf b;
	uint8_t mem[CAP], in[CAP + 8], out[CAP];

	ck_assert_int_eq(fp_echo_buf_init(&b, mem, CAP), 0);
	fill(in, 0, CAP + 8);
	/* A push larger than the space is cut to it. */
	ck_assert_uint_eq(fp_echo_buf_push(&b, in, CAP + 8), CAP);
	ck_assert_uint_eq(fp_echo_buf_used(&b), CAP);
	ck_assert_uint_eq(fp_echo_buf_space(&b), 0);
	ck_assert_uint_eq(fp_echo_buf_push(&b, in, 1), 0);
	ck_assert_uint_eq(fp_echo_buf_write_at(&b, 0, in, 1), 0);
	ck_assert_uint_eq(fp_echo_buf_commit(&b, 1), 0);
	ck_assert_uint_eq(fp_echo_buf_used(&b), CAP);
	ck_assert_uint_eq(fp_echo_buf_copy(&b, 0, out, CAP), CAP);
	ck_assert_mem_eq(out, in, CAP);

	/* Freeing one byte makes room for exactly one, at the wrapped end. */
	fp_echo_buf_consume(&b, 1);
	ck_assert_uint_eq(fp_echo_buf_push(&b, in + CAP, 2), 1);
	ck_assert_uint_eq(fp_echo_buf_copy(&b, 0, out, CAP), CAP);
	ck_assert_mem_eq(out, in + 1, CAP);
}
END_TEST

/* Every head position x every length: push, peek and copy agree with the model. */
START_TEST(test_echo_wrap_every_offset)
{
	for (uint32_t head = 0; head < CAP; head++) {
		for (uint32_t len = 1; len <= CAP; len++) {
			struct fp_echo_buf b;
			uint8_t mem[CAP], in[CAP], out[CAP];
			uint32_t got = 0;

			ring_at(&b, mem, head);
			fill(in, head * 31 + len, len);
			ck_assert_uint_eq(fp_echo_buf_push(&b, in, len), len);
			ck_assert_uint_eq(fp_echo_buf_used(&b), len);

			/* peek: contiguous pieces that end at the ring's end, then resume. */
			while (got < len) {
				const uint8_t *p = NULL;
				uint32_t n = fp_echo_buf_peek(&b, got, &p);
				uint32_t to_end = CAP - ((head + got) % CAP);

				ck_assert_uint_gt(n, 0);
				ck_assert_uint_eq(n, len - got < to_end ? len - got : to_end);
				ck_assert_ptr_eq(p, mem + (head + got) % CAP);
				ck_assert_mem_eq(p, in + got, n);
				got += n;
			}
			{
				const uint8_t *p = NULL;

				ck_assert_uint_eq(fp_echo_buf_peek(&b, len, &p), 0);
			}
			/* copy from every offset, across the wrap. */
			for (uint32_t off = 0; off < len; off++) {
				memset(out, 0, sizeof(out));
				ck_assert_uint_eq(fp_echo_buf_copy(&b, off, out, CAP), len - off);
				ck_assert_mem_eq(out, in + off, len - off);
			}
			/* consume across the wrap keeps the rest in order. */
			fp_echo_buf_consume(&b, len / 2);
			ck_assert_uint_eq(fp_echo_buf_copy(&b, 0, out, CAP), len - len / 2);
			ck_assert_mem_eq(out, in + len / 2, len - len / 2);
		}
	}
}
END_TEST

/*
 * Out-of-order use, as lib/tcp does: bytes written past the tail are invisible
 * until the gap before them is pushed and they are committed. Every head, gap
 * and length.
 */
START_TEST(test_echo_write_at_commit)
{
	for (uint32_t head = 0; head < CAP; head++) {
		for (uint32_t gap = 1; gap < CAP; gap++) {
			for (uint32_t len = 1; gap + len <= CAP; len++) {
				struct fp_echo_buf b;
				uint8_t mem[CAP], in[CAP], out[CAP];

				ring_at(&b, mem, head);
				fill(in, head + gap * 7 + len, gap + len);
				ck_assert_uint_eq(
						fp_echo_buf_write_at(&b, gap, in + gap, len), len);
				ck_assert_uint_eq(fp_echo_buf_used(&b), 0);
				ck_assert_uint_eq(fp_echo_buf_space(&b), CAP);
				ck_assert_uint_eq(fp_echo_buf_copy(&b, 0, out, CAP), 0);

				/* The gap arrives: push it, then commit what was held. */
				ck_assert_uint_eq(fp_echo_buf_push(&b, in, gap), gap);
				ck_assert_uint_eq(fp_echo_buf_used(&b), gap);
				ck_assert_uint_eq(fp_echo_buf_commit(&b, len), len);
				ck_assert_uint_eq(fp_echo_buf_used(&b), gap + len);
				memset(out, 0, sizeof(out));
				ck_assert_uint_eq(fp_echo_buf_copy(&b, 0, out, CAP), gap + len);
				ck_assert_mem_eq(out, in, gap + len);
			}
		}
	}
}
END_TEST

START_TEST(test_echo_write_at_bounds)
{
	struct fp_echo_buf b;
	uint8_t mem[CAP], in[CAP], out[CAP];

	ring_at(&b, mem, 5);
	fill(in, 0, CAP);
	ck_assert_uint_eq(fp_echo_buf_push(&b, in, 4), 4);
	/* Free space is 12: offset 10 takes 2 of 5, offset 12 and beyond nothing. */
	memset(mem, 0xaa, sizeof(mem));
	fill(mem + 5, 0, 4); /* the stored bytes stay as pushed */
	ck_assert_uint_eq(fp_echo_buf_write_at(&b, 10, in + 4, 5), 2);
	ck_assert_uint_eq(fp_echo_buf_write_at(&b, 12, in, 1), 0);
	ck_assert_uint_eq(fp_echo_buf_write_at(&b, 100, in, 1), 0);
	/* Stored bytes are untouched by a write past them. */
	ck_assert_uint_eq(fp_echo_buf_copy(&b, 0, out, CAP), 4);
	ck_assert_mem_eq(out, in, 4);
	/* Only the untouched bytes around it kept their old value. */
	ck_assert_uint_eq(mem[(5 + 4 + 9) % CAP], 0xaa);
	ck_assert_uint_eq(mem[(5 + 4 + 10) % CAP], in[4]);
	ck_assert_uint_eq(mem[(5 + 4 + 11) % CAP], in[5]);

	/* commit is clamped to the free space. */
	ck_assert_uint_eq(fp_echo_buf_commit(&b, 100), CAP - 4);
	ck_assert_uint_eq(fp_echo_buf_used(&b), CAP);
	ck_assert_uint_eq(fp_echo_buf_space(&b), 0);
	ck_assert_uint_eq(fp_echo_buf_commit(&b, 1), 0);
}
END_TEST

/* Long run against a model: random pushes, consumes and re-reads over many wraps. */
START_TEST(test_echo_stream_model)
{
	struct fp_echo_buf b;
	uint8_t mem[CAP], in[CAP], out[CAP];
	uint32_t rng = 0x9e3779b9u, wr = 0, rd = 0;

	ck_assert_int_eq(fp_echo_buf_init(&b, mem, CAP), 0);
	for (int step = 0; step < 20000; step++) {
		uint32_t n, took;

		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		n = rng % (CAP + 1);
		if (rng & 0x10000) {
			fill(in, wr, n);
			took = fp_echo_buf_push(&b, in, n);
			ck_assert_uint_eq(took, n < CAP - (wr - rd) ? n : CAP - (wr - rd));
			wr += took;
		} else {
			took = fp_echo_buf_copy(&b, 0, out, n);
			ck_assert_uint_eq(took, n < wr - rd ? n : wr - rd);
			for (uint32_t i = 0; i < took; i++)
				ck_assert_uint_eq(out[i], pattern(rd + i));
			fp_echo_buf_consume(&b, took);
			rd += took;
		}
		ck_assert_uint_eq(fp_echo_buf_used(&b), wr - rd);
	}
}
END_TEST

static Suite *
echo_suite(void)
{
	Suite *s = suite_create("echo");
	TCase *tc = tcase_create("buf");

	tcase_add_test(tc, test_echo_init_rejects_non_pow2);
	tcase_add_test(tc, test_echo_push_copy_consume);
	tcase_add_test(tc, test_echo_full_ring);
	tcase_add_test(tc, test_echo_wrap_every_offset);
	tcase_add_test(tc, test_echo_write_at_commit);
	tcase_add_test(tc, test_echo_write_at_bounds);
	tcase_add_test(tc, test_echo_stream_model);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(echo_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
