/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UTF-8 validation and boundary-safe truncation (fp/utf8.h), shared by the
 * request parser (tlm_req.c), the JSON writer (tlm_json.c) and the app's
 * management replies. Plain byte arithmetic, no locale.
 */
#include "fp/utf8.h"

size_t
fp_utf8_seq_len(const uint8_t *p, size_t avail)
{
	uint8_t b = p[0];
	size_t n;
	uint32_t cp;

	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf) {
		n = 2;
		cp = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		cp = b & 0x0f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		cp = b & 0x07;
	} else {
		return 0; /* a continuation byte, or a lead byte RFC 3629 forbids */
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
			cp > 0x10ffff)
		return 0;
	return n;
}

size_t
fp_utf8_prefix(const char *s, size_t len, size_t max)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t pos = 0;

	if (len <= max)
		return len;
	while (pos < max) {
		size_t n = fp_utf8_seq_len(p + pos, len - pos);

		if (n == 0)
			n = 1; /* not UTF-8: one byte, one "character" */
		if (pos + n > max)
			break;
		pos += n;
	}
	return pos;
}

int
fp_utf8_valid(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t pos = 0;

	while (pos < len) {
		size_t n = fp_utf8_seq_len(p + pos, len - pos);

		if (n == 0)
			return 0;
		pos += n;
	}
	return 1;
}
