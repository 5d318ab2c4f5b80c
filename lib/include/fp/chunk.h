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
#include <string.h>

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
static inline void
fp_chunk_q_init(struct fp_chunk_q *q)
{
	q->head = q->tail = FP_CHUNK_NONE;
	q->head_off = q->used = q->hi = 0;
	q->n_chunks = 0;
}

static inline uint32_t
fp_chunk_q_used(const struct fp_chunk_q *q)
{
	return q->used;
}

/*
 * The operations every echoed segment makes (space, push, consume, reset)
 * are inline below: they run a few times per packet from the TCP engine's
 * own files, and their common cases are a handful of instructions, less
 * than the call. The general cases stay in chunk.c.
 */

/** Bytes the chunks of q's chain cover, from the chain's start. */
static inline uint32_t
fp__chunk_q_room(const struct fp_chunk_q *q, const struct fp_chunk_pool *p)
{
	return (uint32_t)q->n_chunks << p->shift;
}

/** Hang the n chunks linked from first to last, off the free stack, on the end of q's chain. */
static inline void
fp__chunk_q_link(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t first, uint32_t last,
		uint32_t n)
{
	p->next[last] = FP_CHUNK_NONE;
	if (q->tail == FP_CHUNK_NONE)
		q->head = first;
	else
		p->next[q->tail] = first;
	q->tail = last;
	q->n_chunks = (uint16_t)(q->n_chunks + n);
}

/** Move the pool's first free chunk to the end of q's chain (the pool has one). */
static inline void
fp__chunk_q_take(struct fp_chunk_q *q, struct fp_chunk_pool *p)
{
	uint32_t c = p->free_head;

	p->free_head = p->next[c];
	p->n_free--;
	fp__chunk_q_link(q, p, c, c, 1);
}

/**
 * Bytes the queue may still promise to store (an advertised window): at most
 * cap - used, and, beyond the room left in the chunks it holds, at most half
 * of the pool's free chunks, so one flow never promises what the pool cannot
 * give and windows shrink as the pool empties.
 */
static inline uint32_t
fp_chunk_q_space(const struct fp_chunk_q *q, const struct fp_chunk_pool *p, uint32_t cap)
{
	uint32_t left = cap > q->used ? cap - q->used : 0;
	uint32_t spare = fp__chunk_q_room(q, p) - (q->head_off + q->used);
	/* At most half of what is free, so the last chunks are shared, not promised to one. */
	uint64_t share = (uint64_t)(p->n_free / 2) << p->shift;
	uint64_t can = spare + share;

	return can < left ? (uint32_t)can : left;
}

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
static inline uint32_t
fp_chunk_q_commit(struct fp_chunk_q *q, uint32_t n)
{
	uint32_t avail = q->hi - (q->head_off + q->used);

	if (n > avail)
		n = avail;
	q->used += n;
	return n;
}

/*
 * Where len bytes go when they fit in the tail chunk right after the stored
 * ones, taking a fresh chunk for an empty queue; NULL when they do not (then
 * fp_chunk_q_write_at() takes the general way). An echoed segment usually
 * fits: one copy, no walk.
 */
static inline uint8_t *
fp__chunk_q_tail_at(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t len)
{
	uint32_t left;

	if (len == 0 || len > p->size)
		return NULL;
	if (q->n_chunks == 0) {
		if (p->free_head == FP_CHUNK_NONE)
			return NULL;
		fp__chunk_q_take(q, p);
		return p->mem + ((size_t)q->tail << p->shift);
	}
	/* Room past the stored bytes, in the tail chunk only when it is at most a chunk. */
	left = fp__chunk_q_room(q, p) - (q->head_off + q->used);
	if (len > left || left > p->size)
		return NULL;
	return p->mem + ((size_t)q->tail << p->shift) + (p->size - left);
}

/** Append up to len bytes. @return bytes appended (fewer when the pool ran out). */
static inline uint32_t
fp_chunk_q_push(
		struct fp_chunk_q *q, struct fp_chunk_pool *p, const uint8_t *data, uint32_t len)
{
	uint8_t *at = fp__chunk_q_tail_at(q, p, len);
	uint32_t end;

	if (at == NULL)
		return fp_chunk_q_commit(q, fp_chunk_q_write_at(q, p, 0, data, len));
	memcpy(at, data, len);
	q->used += len;
	end = q->head_off + q->used;
	if (end > q->hi)
		q->hi = end;
	return len;
}

/**
 * Copy len bytes starting off bytes after the oldest into dst.
 * @return bytes copied (fewer when fewer are stored past off)
 */
uint32_t fp_chunk_q_copy(const struct fp_chunk_q *q, const struct fp_chunk_pool *p, uint32_t off,
		uint8_t *dst, uint32_t len);

/** Put the n chunks linked from first to last onto the free stack, in that order. */
static inline void
fp__chunk_free_run(struct fp_chunk_pool *p, uint32_t first, uint32_t last, uint32_t n)
{
	p->next[last] = p->free_head;
	p->free_head = first;
	p->n_free += n;
}

/** Give every chunk back (the flow is gone, or its data past the stored bytes is). */
static inline void
fp_chunk_q_reset(struct fp_chunk_q *q, struct fp_chunk_pool *p)
{
	/* The chain is already linked: it goes back whole, not a chunk at a time. */
	if (q->n_chunks != 0)
		fp__chunk_free_run(p, q->head, q->tail, q->n_chunks);
	fp_chunk_q_init(q);
}

/** fp_chunk_q_consume() in general (chunk.c). */
void fp__chunk_q_consume(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t n);

/**
 * Drop the n oldest bytes (acknowledged), clamped to used; chunks they
 * emptied go back to the pool, and all of them once nothing is left.
 */
static inline void
fp_chunk_q_consume(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t n)
{
	/* An echo acknowledged in full, the common case: the whole chain goes back. */
	if (n >= q->used && q->hi == q->head_off + q->used)
		fp_chunk_q_reset(q, p);
	else
		fp__chunk_q_consume(q, p, n);
}

#endif /* FP_CHUNK_H */
