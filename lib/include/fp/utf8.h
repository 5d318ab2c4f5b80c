/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * UTF-8 (RFC 3629) helpers for text that leaves the appliance in JSON: the
 * request parser validates with them, the JSON writer replaces what is not
 * UTF-8, and the management plane cuts user strings on a character boundary
 * so a shortened message is still valid text.
 */
#ifndef FP_UTF8_H
#define FP_UTF8_H

#include <stddef.h>
#include <stdint.h>

/**
 * Length of the well-formed UTF-8 sequence at p (RFC 3629 section 4: no
 * overlong forms, no UTF-16 surrogates, nothing above U+10FFFF).
 * @param avail  bytes readable at p (at least 1)
 * @return 1..4, or 0 when the bytes at p are not a complete valid sequence
 */
size_t fp_utf8_seq_len(const uint8_t *p, size_t avail);

/**
 * The longest prefix of s (len bytes) of at most max bytes that does not end
 * inside a multi-byte character. A byte that is not part of a valid sequence
 * counts as one character, so the result is at least min(len, max) - 3.
 * @return the prefix length in bytes
 */
size_t fp_utf8_prefix(const char *s, size_t len, size_t max);

/** @return non-zero when all len bytes of s are well-formed UTF-8 */
int fp_utf8_valid(const char *s, size_t len);

#endif /* FP_UTF8_H */
