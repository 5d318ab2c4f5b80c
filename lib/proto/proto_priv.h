/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the receive path's .c files in lib/proto/ (input.c,
 * arp.c, ip4.c, icmp.c). Not installed, not part of the public API.
 */
#ifndef FP_PROTO_PRIV_H
#define FP_PROTO_PRIV_H

#include "fp/core.h"
#include "fp/stats.h"

/* Count one drop reason and return the matching verdict: every drop exit uses it. */
static inline enum fp_verdict
fp__drop(struct fp_ctx *ctx, enum fp_counter why)
{
	return fp_ctx_drop(ctx, why);
}

#endif /* FP_PROTO_PRIV_H */
