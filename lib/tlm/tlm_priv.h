/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/tlm: the bounded append and the number formatting that both
 * text writers, the JSON writer (tlm_json.c) and the Prometheus writer
 * (prom.c), build on. No heap, no libc formatting (the firmware uses them).
 */
#ifndef FP_TLM_PRIV_H
#define FP_TLM_PRIV_H

#include <stddef.h>
#include <stdint.h>

/** Longest decimal form of a uint64_t, bytes. */
#define FP__TLM_U64_DIGITS 20

/**
 * Append n bytes of s to buf (cap bytes, *len used), keeping one byte free
 * for the NUL a writer's finish adds. The first overflow sets *err to
 * -ENOSPC; once *err is set, nothing more is written.
 */
void fp__tlm_put(char *buf, size_t cap, size_t *len, int *err, const char *s, size_t n);

/**
 * Write v in decimal at the end of tmp (FP__TLM_U64_DIGITS bytes, no NUL).
 * @return the index in tmp of the first digit
 */
size_t fp__tlm_u64_digits(char *tmp, uint64_t v);

#endif /* FP_TLM_PRIV_H */
