/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/tcp/: SipHash-2-4 (Aumasson and Bernstein, 2012), the keyed
 * PRF behind the engine's secrets: it makes ISNs and SYN cookies
 * (syncookie.c) and expands the flow hash's key (tuple_hash.h).
 */
#ifndef FP_TCP_SIPHASH_H
#define FP_TCP_SIPHASH_H

#include <stdint.h>

/** SipHash-2-4 of len bytes. */
uint64_t fp__tcp_siphash(const uint64_t k[2], const uint8_t *m, uint32_t len);

#endif /* FP_TCP_SIPHASH_H */
