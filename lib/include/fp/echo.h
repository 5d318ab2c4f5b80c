/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The echo service's byte store, shared by the DPDK TCP engine (as each flow's
 * send and retransmission buffer) and the lwIP firmware (bytes received but
 * not yet accepted by tcp_write). A ring over caller memory whose capacity is
 * a power of two; bytes are addressed by offset from the oldest byte, so a
 * retransmission can re-read data that is not yet acknowledged.
 */
#ifndef FP_ECHO_H
#define FP_ECHO_H

#include <stdint.h>

struct fp_echo_buf {
	uint8_t *mem;  /**< caller memory, cap bytes */
	uint32_t cap;  /**< capacity, power of two */
	uint32_t head; /**< free-running index of the oldest byte */
	uint32_t used; /**< bytes stored */
};

/** @return 0, or -EINVAL when cap is not a power of two. */
int fp_echo_buf_init(struct fp_echo_buf *b, uint8_t *mem, uint32_t cap);

static inline uint32_t
fp_echo_buf_used(const struct fp_echo_buf *b)
{
	return b->used;
}

/** @return the capacity in bytes (a power of two). */
static inline uint32_t
fp_echo_buf_cap(const struct fp_echo_buf *b)
{
	return b->cap;
}

static inline uint32_t
fp_echo_buf_space(const struct fp_echo_buf *b)
{
	return b->cap - b->used;
}

/** Append up to len bytes. @return bytes appended (less when full). */
uint32_t fp_echo_buf_push(struct fp_echo_buf *b, const uint8_t *data, uint32_t len);

/**
 * Copy len bytes starting off bytes after the oldest into dst.
 * @return bytes copied (less when fewer are stored past off).
 */
uint32_t fp_echo_buf_copy(const struct fp_echo_buf *b, uint32_t off, uint8_t *dst, uint32_t len);

/**
 * Contiguous view of stored bytes from off (for zero-copy writers such as
 * lwIP's tcp_write). @return bytes available at *ptr before the ring wraps.
 */
uint32_t fp_echo_buf_peek(const struct fp_echo_buf *b, uint32_t off, const uint8_t **ptr);

/**
 * Write len bytes into free space, off bytes past the stored ones, without
 * storing them (used() is unchanged): for data that arrives ahead of a gap,
 * such as an out-of-order TCP segment. fp_echo_buf_commit() stores them once
 * the gap before them is filled.
 * @return bytes written: len, or fewer when off + len exceeds the free space.
 */
uint32_t fp_echo_buf_write_at(
		struct fp_echo_buf *b, uint32_t off, const uint8_t *data, uint32_t len);

/**
 * Store n bytes already in place past the stored ones (by fp_echo_buf_write_at()).
 * @return bytes stored: n, or the free space when n exceeds it.
 */
uint32_t fp_echo_buf_commit(struct fp_echo_buf *b, uint32_t n);

/** Forget every stored byte (a new connection reuses the ring). */
static inline void
fp_echo_buf_reset(struct fp_echo_buf *b)
{
	b->head = 0;
	b->used = 0;
}

/** Drop the n oldest bytes (acknowledged or written). n is clamped to used. */
void fp_echo_buf_consume(struct fp_echo_buf *b, uint32_t n);

#endif /* FP_ECHO_H */
