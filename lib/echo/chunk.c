/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The chunk pool and the per-flow chunk queues over it; see fp/chunk.h.
 * Chunks are linked by index (one uint32_t each, apart from the bytes, so a
 * chunk's whole size is payload), the free list is a stack (the chunks freed
 * last, still warm in the cache, are the next ones taken) that chains come
 * off and go back onto in one piece, in order, and a queue keeps its tail so
 * appending never walks the chain: it starts at the tail. The common cases
 * themselves are inline in fp/chunk.h.
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

/*
 * Make the chain cover end bytes from its start, as far as the pool allows,
 * but take nothing when it cannot reach byte pos: those chunks would hold no
 * byte. @return bytes it covers now. The first k free chunks are already
 * linked, so they move onto the chain as one piece.
 */
static uint32_t
q_grow(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t pos, uint32_t end)
{
	uint32_t room = fp__chunk_q_room(q, p), want, first, last;

	if (room >= end || p->n_free == 0)
		return room;
	want = (uint32_t)(((uint64_t)end - room + p->size - 1) >> p->shift);
	if (want > p->n_free)
		want = p->n_free;
	if (want > UINT16_MAX - (uint32_t)q->n_chunks)
		want = UINT16_MAX - (uint32_t)q->n_chunks;
	if (want == 0 || room + ((uint64_t)want << p->shift) <= pos)
		return room;
	first = last = p->free_head;
	for (uint32_t i = 1; i < want; i++)
		last = p->next[last];
	p->free_head = p->next[last];
	p->n_free -= want;
	fp__chunk_q_link(q, p, first, last, want);
	return fp__chunk_q_room(q, p);
}

/* The chunk k links past chunk c. */
static inline uint32_t
chunk_walk(const struct fp_chunk_pool *p, uint32_t c, uint32_t k)
{
	while (k--)
		c = p->next[c];
	return c;
}

/* The chunk holding byte pos of the chain (pos < q_room()). */
static inline uint32_t
q_chunk_at(const struct fp_chunk_q *q, const struct fp_chunk_pool *p, uint32_t pos)
{
	uint32_t k = pos >> p->shift;

	if (k + 1 == q->n_chunks)
		return q->tail;
	return chunk_walk(p, q->head, k);
}

/*
 * The next contiguous run of the chain's bytes, at most left of them, from
 * offset *at of chunk *c; moves *c and *at past it. Chunks that sit next to
 * each other in the pool make one run: chains are taken off the free stack
 * and go back onto it whole and in order, so a segment that spans chunks is
 * often one copy, not one per chunk.
 */
static inline uint32_t
q_run(const struct fp_chunk_pool *p, uint32_t *c, uint32_t *at, uint32_t left, uint8_t **ptr)
{
	uint32_t n = p->size - *at;

	*ptr = p->mem + ((size_t)*c << p->shift) + *at;
	while (n < left && p->next[*c] == *c + 1) {
		(*c)++;
		n += p->size;
	}
	*c = p->next[*c];
	*at = 0;
	return n < left ? n : left;
}

uint32_t
fp_chunk_q_write_at(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t off,
		const uint8_t *data, uint32_t len)
{
	uint32_t pos = q->head_off + q->used + off, k = pos >> p->shift, base = 0;
	uint32_t room, done, c, at, from = FP_CHUNK_NONE;

	if (len == 0)
		return 0;
	/* New bytes land in or past the tail chunk, so walk to them from there,
	 * not from the head: a segment larger than a chunk grows the chain on
	 * every write, and the walk from the head would cross the whole window. */
	if (q->n_chunks > 1 && k >= q->n_chunks - 1u) {
		base = q->n_chunks - 1u;
		from = q->tail;
	}
	room = q_grow(q, p, pos, pos + len);
	if (pos >= room)
		return 0;
	if (len > room - pos)
		len = room - pos;
	c = chunk_walk(p, base ? from : q->head, k - base);
	at = pos & (p->size - 1);
	for (done = 0; done < len;) {
		uint8_t *run;
		uint32_t n = q_run(p, &c, &at, len - done, &run);

		memcpy(run, data + done, n);
		done += n;
	}
	if (pos + len > q->hi)
		q->hi = pos + len;
	return len;
}

uint32_t
fp_chunk_q_copy(const struct fp_chunk_q *q, const struct fp_chunk_pool *p, uint32_t off,
		uint8_t *dst, uint32_t len)
{
	uint32_t pos = q->head_off + off, done, c, at;

	if (off >= q->used)
		return 0;
	if (len > q->used - off)
		len = q->used - off;
	c = q_chunk_at(q, p, pos);
	at = pos & (p->size - 1);
	for (done = 0; done < len;) {
		uint8_t *run;
		uint32_t n = q_run(p, &c, &at, len - done, &run);

		memcpy(dst + done, run, n);
		done += n;
	}
	return len;
}

void
fp__chunk_q_consume(struct fp_chunk_q *q, struct fp_chunk_pool *p, uint32_t n)
{
	uint32_t k, last, rest;

	if (n > q->used)
		n = q->used;
	q->head_off += n;
	q->used -= n;
	/* Nothing stored and nothing written past it: hold no chunk at all. */
	if (q->used == 0 && q->hi <= q->head_off) {
		fp_chunk_q_reset(q, p);
		return;
	}
	/* The k chunks now wholly behind the oldest byte (fewer than the chain
	 * holds, since bytes stay) go back as one piece, in chain order. */
	k = q->head_off >> p->shift;
	if (k == 0)
		return;
	last = q->head;
	for (uint32_t i = 1; i < k; i++)
		last = p->next[last];
	rest = p->next[last];
	fp__chunk_free_run(p, q->head, last, k);
	q->head = rest;
	q->n_chunks = (uint16_t)(q->n_chunks - k);
	q->head_off -= k << p->shift;
	q->hi -= k << p->shift;
}
