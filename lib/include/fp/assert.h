/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FP_ASSERT(cond): internal invariants of lib/ and of the adapters around it
 * (the fp_tx_ops contract, ring bounds), never packet contents. On in debug
 * and debugoptimized builds, which CI runs; compiled out when NDEBUG is set
 * (meson's b_ndebug=if-release: release builds), like lwIP's LWIP_ASSERT.
 * A broken invariant stops the program where it broke instead of being
 * quietly repaired. A target may define FP_ASSERT itself (its board's hook).
 */
#ifndef FP_ASSERT_H
#define FP_ASSERT_H

#ifndef FP_ASSERT
#include <assert.h>
#define FP_ASSERT(cond) assert(cond)
#endif

#endif /* FP_ASSERT_H */
