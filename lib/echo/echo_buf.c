/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Byte ring for the echo service; see fp/echo.h. Free-running indices masked
 * by cap-1, so wrap-around costs one AND and no branch on the common path.
 */
#include <errno.h>
#include <string.h>

#include "fp/echo.h"

int
fp_echo_buf_init(struct fp_echo_buf *b, uint8_t *mem, uint32_t cap)
{
	if (cap == 0 || (cap & (cap - 1)) != 0)
		return -EINVAL;
	b->mem = mem;
	b->cap = cap;
	b->head = 0;
	b->used = 0;
	return 0;
}

uint32_t
fp_echo_buf_write_at(struct fp_echo_buf *b, uint32_t off, const uint8_t *data, uint32_t len)
{
	uint32_t space = fp_echo_buf_space(b);
	uint32_t n, at, first;

	if (off >= space)
		return 0;
	n = len < space - off ? len : space - off;
	at = (b->head + b->used + off) & (b->cap - 1);
	first = b->cap - at < n ? b->cap - at : n;
	memcpy(b->mem + at, data, first);
	memcpy(b->mem, data + first, n - first);
	return n;
}

uint32_t
fp_echo_buf_commit(struct fp_echo_buf *b, uint32_t n)
{
	if (n > fp_echo_buf_space(b))
		n = fp_echo_buf_space(b);
	b->used += n;
	return n;
}

uint32_t
fp_echo_buf_push(struct fp_echo_buf *b, const uint8_t *data, uint32_t len)
{
	return fp_echo_buf_commit(b, fp_echo_buf_write_at(b, 0, data, len));
}

uint32_t
fp_echo_buf_peek(const struct fp_echo_buf *b, uint32_t off, const uint8_t **ptr)
{
	uint32_t at, n;

	if (off >= b->used)
		return 0;
	at = (b->head + off) & (b->cap - 1);
	n = b->used - off;
	*ptr = b->mem + at;
	return b->cap - at < n ? b->cap - at : n;
}

uint32_t
fp_echo_buf_copy(const struct fp_echo_buf *b, uint32_t off, uint8_t *dst, uint32_t len)
{
	uint32_t done = 0;

	while (done < len) {
		const uint8_t *src;
		uint32_t n = fp_echo_buf_peek(b, off + done, &src);

		if (n == 0)
			break;
		if (n > len - done)
			n = len - done;
		memcpy(dst + done, src, n);
		done += n;
	}
	return done;
}

void
fp_echo_buf_consume(struct fp_echo_buf *b, uint32_t n)
{
	if (n > b->used)
		n = b->used;
	b->head += n;
	b->used -= n;
}
