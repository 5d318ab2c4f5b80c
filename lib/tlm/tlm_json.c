/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Streaming JSON writer into a caller buffer (fp/tlm.h). Used by the stats
 * document builder here and by the management plane's replies; keeps no heap
 * and no libc formatting, so the firmware can use it as is.
 */
#include <errno.h>
#include <string.h>

#include "fp/tlm.h"
#include "fp/utf8.h"

#include "tlm_priv.h"

void
fp_tlm_json_init(struct fp_tlm_json *j, char *buf, size_t cap)
{
	memset(j, 0, sizeof(*j));
	j->buf = buf;
	j->cap = cap;
	if (cap == 0)
		j->err = -ENOSPC;
	else
		buf[0] = '\0';
}

void
fp__tlm_put(char *buf, size_t cap, size_t *len, int *err, const char *s, size_t n)
{
	if (*err)
		return;
	/* one byte stays free for the NUL written by finish */
	if (n >= cap - *len) {
		*err = -ENOSPC;
		return;
	}
	memcpy(buf + *len, s, n);
	*len += n;
}

size_t
fp__tlm_u64_digits(char *tmp, uint64_t v)
{
	size_t i = FP__TLM_U64_DIGITS;

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return i;
}

static void
put(struct fp_tlm_json *j, const char *s, size_t n)
{
	fp__tlm_put(j->buf, j->cap, &j->len, &j->err, s, n);
}

static void
putc1(struct fp_tlm_json *j, char c)
{
	put(j, &c, 1);
}

/* Comma bookkeeping before any value or key. */
static void
sep(struct fp_tlm_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->nonempty & (1u << j->depth))
		putc1(j, ',');
	j->nonempty |= 1u << j->depth;
}

static void
open_(struct fp_tlm_json *j, char c)
{
	sep(j);
	if (j->depth + 1 >= FP_TLM_JSON_MAX_DEPTH) {
		if (!j->err)
			j->err = -EINVAL;
		return;
	}
	putc1(j, c);
	j->depth++;
	j->nonempty &= ~(1u << j->depth);
}

static void
close_(struct fp_tlm_json *j, char c)
{
	if (j->depth == 0 || j->after_key) {
		if (!j->err)
			j->err = -EINVAL;
		return;
	}
	putc1(j, c);
	j->depth--;
}

void
fp_tlm_json_obj_begin(struct fp_tlm_json *j)
{
	open_(j, '{');
}

void
fp_tlm_json_obj_end(struct fp_tlm_json *j)
{
	close_(j, '}');
}

void
fp_tlm_json_arr_begin(struct fp_tlm_json *j)
{
	open_(j, '[');
}

void
fp_tlm_json_arr_end(struct fp_tlm_json *j)
{
	close_(j, ']');
}

static void
put_escaped(struct fp_tlm_json *j, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0; /* start of the pending run of bytes that need no escape */

	putc1(j, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];
		size_t elen = 2;

		if (c >= 0x80) {
			size_t seq = fp_utf8_seq_len((const uint8_t *)s + i, n - i);

			if (seq > 0) {
				i += seq - 1;
				continue;
			}
			/* RFC 8259 8.1: JSON text is UTF-8; a stray byte becomes U+FFFD */
			put(j, s + run, i - run);
			run = i + 1;
			put(j, "\\ufffd", 6);
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(j, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"':
			esc[1] = '"';
			break;
		case '\\':
			esc[1] = '\\';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
			break;
		}
		put(j, esc, elen);
	}
	put(j, s + run, n - run);
	putc1(j, '"');
}

void
fp_tlm_json_key(struct fp_tlm_json *j, const char *key)
{
	if (j->after_key || j->depth == 0) {
		if (!j->err)
			j->err = -EINVAL;
		return;
	}
	sep(j);
	put_escaped(j, key, strlen(key));
	putc1(j, ':');
	j->after_key = 1;
}

void
fp_tlm_json_strn(struct fp_tlm_json *j, const char *s, size_t n)
{
	sep(j);
	put_escaped(j, s, n);
}

void
fp_tlm_json_str(struct fp_tlm_json *j, const char *s)
{
	fp_tlm_json_strn(j, s, strlen(s));
}

void
fp_tlm_json_u64(struct fp_tlm_json *j, uint64_t v)
{
	char tmp[FP__TLM_U64_DIGITS];
	size_t i = fp__tlm_u64_digits(tmp, v);

	sep(j);
	put(j, tmp + i, sizeof(tmp) - i);
}

void
fp_tlm_json_i64(struct fp_tlm_json *j, int64_t v)
{
	if (v >= 0) {
		fp_tlm_json_u64(j, (uint64_t)v);
		return;
	}
	/* the magnitude of INT64_MIN only fits unsigned */
	char tmp[FP__TLM_U64_DIGITS];
	size_t i = fp__tlm_u64_digits(tmp, (uint64_t)0 - (uint64_t)v);

	sep(j);
	put(j, "-", 1);
	put(j, tmp + i, sizeof(tmp) - i);
}

void
fp_tlm_json_bool(struct fp_tlm_json *j, int v)
{
	sep(j);
	if (v)
		put(j, "true", 4);
	else
		put(j, "false", 5);
}

void
fp_tlm_json_null(struct fp_tlm_json *j)
{
	sep(j);
	put(j, "null", 4);
}

void
fp_tlm_json_kv_str(struct fp_tlm_json *j, const char *key, const char *s)
{
	fp_tlm_json_key(j, key);
	fp_tlm_json_str(j, s);
}

void
fp_tlm_json_kv_u64(struct fp_tlm_json *j, const char *key, uint64_t v)
{
	fp_tlm_json_key(j, key);
	fp_tlm_json_u64(j, v);
}

void
fp_tlm_json_kv_i64(struct fp_tlm_json *j, const char *key, int64_t v)
{
	fp_tlm_json_key(j, key);
	fp_tlm_json_i64(j, v);
}

void
fp_tlm_json_kv_bool(struct fp_tlm_json *j, const char *key, int v)
{
	fp_tlm_json_key(j, key);
	fp_tlm_json_bool(j, v);
}

int
fp_tlm_json_finish(struct fp_tlm_json *j)
{
	if (!j->err && (j->depth != 0 || j->after_key))
		j->err = -EINVAL;
	if (j->err) {
		if (j->cap)
			j->buf[0] = '\0';
		return j->err;
	}
	j->buf[j->len] = '\0';
	return (int)j->len;
}
