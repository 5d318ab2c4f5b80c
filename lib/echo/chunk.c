/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The chunk pool and the per-flow chunk queues over it; see fp/chunk.h.
 * Chunks are linked by index (one uint32_t each, apart from the bytes, so a
 * chunk's whole size is payload), the free list is a stack (the chunk freed
 * last, still warm in the cache, is the next one taken), and a queue keeps
 * its tail so the common case, appending and re-reading the newest bytes,
 * never walks the chain.
 */
#include <errno.h>
#include <string.h>

#include "fp/chunk.h"

size_t
fp_chunk_pool_mem_size(uint32_t n, uint32_t size)
{
	if (n == 0 || size < 64 || size > 65536 || (size & (size - 1)) != 0)
		return 0;
	return (size_t)n * size + (size_t)n * sizeof(uint32_t);
}

int
fp_chunk_pool_init(struct fp_chunk_pool *p, void *mem, size_t mem_len, uint32_t n, uint32_t size)
{
	size_t need = fp_chunk_pool_mem_size(n, size);
	uint32_t i;

	if (need == 0 || mem == NULL || mem_len < need || ((uintptr_t)mem & 7) != 0)
		return -EINVAL;
	p->mem = mem;
	p->next = (uint32_t *)(void *)(p->mem + (size_t)n * size);
	p->size = size;
	for (p->shift = 0; (1u << p->shift) < size; p->shift++)
		;
	p->n = n;
	p->n_free = n;
	for (i = 0; i < n; i++)
		p->next[i] = i + 1 < n ? i + 1 : FP_CHUNK_NONE;
	p->free_head = 0;
	return 0;
}

void
fp_chunk_q_init(struct fp_chunk_q *q)
{
	q->head = q->tail = FP_CHUNK_NONE;
	q->head_off = q->used = q->hi = 0;
	q->n_chunks = 0;
}

static inline uint32_t
q_room(const struct fp_chunk_q *q, const struct fp_chunk_pool *p)
{
	return (uint32_t)q->n_chunks << p->shift;
}

uint32_t
fp_chunk_q_space(const struct fp_chunk_q *q, const struct fp_chunk_pool *p, uint32_t cap)
{
	uint32_t left = cap > q->used ? cap - q->used : 0;
	uint32_t spare = q_room(q, p) - (q->head_off + q->used);
	/* At most half of what is free, so the last chunks are shared, not promised to one. */
	uint64_t share = (uint64_t)(p->n_free / 2) << p->shift;
	uint64_t can = spare + share;

	return can < left ? (uint32_t)can : left;
}

/* Make the chain cover end bytes from its start. @return bytes it covers now */
static uint32_t
q_grow(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t end)
{
	while (q_room(q, p) < end && p->free_head != FP_CHUNK_NONE && q->n_chunks < UINT16_MAX) {
		uint32_t c = p->free_head;

		p->free_head = p->next[c];
		p->n_free--;
		p->next[c] = FP_CHUNK_NONE;
		if (q->tail == FP_CHUNK_NONE)
			q->head = c;
		else
			p->next[q->tail] = c;
		q->tail = c;
		q->n_chunks++;
	}
	return q_room(q, p);
}

/* The chunk holding byte pos of the chain (pos < q_room()). */
static inline uint32_t
q_chunk_at(const struct fp_chunk_q *q, const struct fp_chunk_pool *p, uint32_t pos)
{
	uint32_t k = pos >> p->shift, c = q->head;

	if (k + 1 == q->n_chunks)
		return q->tail;
	while (k--)
		c = p->next[c];
	return c;
}

uint32_t
fp_chunk_q_write_at(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t off,
		const uint8_t *data, uint32_t len)
{
	uint32_t pos = q->head_off + q->used + off, room, done = 0, c;

	if (len == 0)
		return 0;
	room = q_grow(q, p, pos + len);
	if (pos >= room)
		return 0;
	if (len > room - pos)
		len = room - pos;
	c = q_chunk_at(q, p, pos);
	while (done < len) {
		uint32_t at = (pos + done) & (p->size - 1);
		uint32_t n = p->size - at < len - done ? p->size - at : len - done;

		memcpy(p->mem + ((size_t)c << p->shift) + at, data + done, n);
		done += n;
		c = p->next[c];
	}
	if (pos + len > q->hi)
		q->hi = pos + len;
	return len;
}

uint32_t
fp_chunk_q_commit(struct fp_chunk_q *q, uint32_t n)
{
	uint32_t avail = q->hi - (q->head_off + q->used);

	if (n > avail)
		n = avail;
	q->used += n;
	return n;
}

uint32_t
fp_chunk_q_push(struct fp_chunk_q *q, struct fp_chunk_pool *p, const uint8_t *data, uint32_t len)
{
	return fp_chunk_q_commit(q, fp_chunk_q_write_at(q, p, 0, data, len));
}

uint32_t
fp_chunk_q_copy(const struct fp_chunk_q *q, const struct fp_chunk_pool *p, uint32_t off,
		uint8_t *dst, uint32_t len)
{
	uint32_t pos = q->head_off + off, done = 0, c;

	if (off >= q->used)
		return 0;
	if (len > q->used - off)
		len = q->used - off;
	c = q_chunk_at(q, p, pos);
	while (done < len) {
		uint32_t at = (pos + done) & (p->size - 1);
		uint32_t n = p->size - at < len - done ? p->size - at : len - done;

		memcpy(dst + done, p->mem + ((size_t)c << p->shift) + at, n);
		done += n;
		c = p->next[c];
	}
	return len;
}

/* Give the head chunk back to the pool. */
static void
q_pop(struct fp_chunk_q *q, struct fp_chunk_pool *p)
{
	uint32_t c = q->head;

	q->head = p->next[c];
	p->next[c] = p->free_head;
	p->free_head = c;
	p->n_free++;
	if (--q->n_chunks == 0)
		q->head = q->tail = FP_CHUNK_NONE;
}

void
fp_chunk_q_consume(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t n)
{
	if (n > q->used)
		n = q->used;
	q->head_off += n;
	q->used -= n;
	while (q->n_chunks && q->head_off >= p->size) {
		q_pop(q, p);
		q->head_off -= p->size;
		q->hi -= p->size;
	}
	/* Nothing stored and nothing written past it: hold no chunk at all. */
	if (q->used == 0 && q->hi <= q->head_off)
		fp_chunk_q_reset(q, p);
}

void
fp_chunk_q_reset(struct fp_chunk_q *q, struct fp_chunk_pool *p)
{
	while (q->n_chunks)
		q_pop(q, p);
	fp_chunk_q_init(q);
}
