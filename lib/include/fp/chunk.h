/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Echo bytes from a bounded per-context pool of fixed-size chunks, instead of
 * one worst-case ring per flow: a flow holds chunks only while it holds bytes
 * (received and not yet acknowledged by the peer, or out of order past them)
 * and gives each back as soon as the bytes in it are consumed. The TCP
 * engine's flows store their echo data in an fp_chunk_q (the same operations
 * as fp_echo_buf: push, write past the tail, commit, copy at an offset,
 * consume); the pool is per context (one lcore), so nothing is shared.
 *
 * Backpressure: fp_chunk_q_space() is what a flow may still promise to store,
 * its per-flow cap (the configured buffer_size) or less when the pool runs
 * low, so advertised windows shrink as the pool empties and grow back as
 * chunks return. Bytes already stored are never dropped; a push that finds
 * the pool empty stores less and says so (the sender keeps what was not
 * acknowledged).
 */
#ifndef FP_CHUNK_H
#define FP_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#define FP_CHUNK_NONE UINT32_MAX /**< no chunk (end of a chain, empty queue) */

/** The pool: n chunks of size bytes, and a link per chunk (free list, chains). */
struct fp_chunk_pool {
	uint8_t *mem;       /**< n * size bytes */
	uint32_t *next;     /**< n links: the next chunk of a chain or of the free list */
	uint32_t size;      /**< bytes per chunk, a power of two */
	uint32_t shift;     /**< log2(size) */
	uint32_t n;         /**< chunks in all */
	uint32_t n_free;    /**< chunks on the free list */
	uint32_t free_head; /**< first free chunk, or FP_CHUNK_NONE */
};

/** One flow's bytes: a chain of chunks, oldest byte first. */
struct fp_chunk_q {
	uint32_t head;     /**< first chunk of the chain, or FP_CHUNK_NONE */
	uint32_t tail;     /**< last chunk of the chain */
	uint32_t head_off; /**< offset of the oldest byte in the head chunk */
	uint32_t used;     /**< bytes stored */
	uint32_t hi;       /**< bytes from the chain's start to the end of the last written byte */
	uint16_t n_chunks; /**< chunks in the chain */
};

/**
 * Bytes of caller memory a pool of n chunks of size bytes needs (chunks and links).
 * @return the size, or 0 when size is not a power of two in 64..65536 or n is 0
 */
size_t fp_chunk_pool_mem_size(uint32_t n, uint32_t size);

/**
 * Set up a pool in caller memory.
 * @param mem  at least fp_chunk_pool_mem_size(n, size) bytes, 8-byte aligned
 * @return 0, or -EINVAL (bad size, n, alignment or mem_len)
 */
int fp_chunk_pool_init(
		struct fp_chunk_pool *p, void *mem, size_t mem_len, uint32_t n, uint32_t size);

/** An empty queue (holds no chunk). */
void fp_chunk_q_init(struct fp_chunk_q *q);

static inline uint32_t
fp_chunk_q_used(const struct fp_chunk_q *q)
{
	return q->used;
}

/**
 * Bytes the queue may still promise to store (an advertised window): at most
 * cap - used, and, beyond the room left in the chunks it holds, at most half
 * of the pool's free chunks, so one flow never promises what the pool cannot
 * give and windows shrink as the pool empties.
 */
uint32_t fp_chunk_q_space(const struct fp_chunk_q *q, const struct fp_chunk_pool *p, uint32_t cap);

/**
 * Write len bytes off bytes past the stored ones without storing them (data
 * ahead of a gap), taking chunks as needed. @return bytes written: len, or
 * fewer when the pool ran out (nothing stored is touched)
 */
uint32_t fp_chunk_q_write_at(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t off,
		const uint8_t *data, uint32_t len);

/**
 * Store n bytes already written past the stored ones by fp_chunk_q_write_at().
 * @return bytes stored: n, or what was written past the stored bytes when n exceeds it
 */
uint32_t fp_chunk_q_commit(struct fp_chunk_q *q, uint32_t n);

/** Append up to len bytes. @return bytes appended (fewer when the pool ran out). */
uint32_t fp_chunk_q_push(
		struct fp_chunk_q *q, struct fp_chunk_pool *p, const uint8_t *data, uint32_t len);

/**
 * Copy len bytes starting off bytes after the oldest into dst.
 * @return bytes copied (fewer when fewer are stored past off)
 */
uint32_t fp_chunk_q_copy(const struct fp_chunk_q *q, const struct fp_chunk_pool *p, uint32_t off,
		uint8_t *dst, uint32_t len);

/**
 * Drop the n oldest bytes (acknowledged), clamped to used; chunks they
 * emptied go back to the pool, and all of them once nothing is left.
 */
void fp_chunk_q_consume(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t n);

/** Give every chunk back (the flow is gone, or its data past the stored bytes is). */
void fp_chunk_q_reset(struct fp_chunk_q *q, struct fp_chunk_pool *p);

#endif /* FP_CHUNK_H */
