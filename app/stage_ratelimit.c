/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_meter behind the ratelimit stage (stage_ratelimit.h). A rate in
 * packets/s is metered as "bytes" of one per packet: rte_meter only counts.
 * Buckets are APP_RL_WAYS sources wide, chosen by a multiplicative hash of
 * the address; a lookup touches one bucket (two cache lines of keys and
 * stamps) and then one meter.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_meter.h>

#include "fp/wire.h"

#include "stage_ratelimit.h"

union meter {
	struct rte_meter_srtcm sr;
	struct rte_meter_trtcm tr;
};

struct rl_bucket {
	uint32_t src[APP_RL_WAYS];  /**< host order; valid where used has the bit */
	uint64_t seen[APP_RL_WAYS]; /**< TSC of the last packet, for eviction */
	uint32_t used;              /**< bit per way */
};

struct app_rl {
	uint8_t trtcm;
	uint8_t packets; /**< rate in packets/s: every packet weighs 1 */
	uint8_t per_all;
	uint8_t match;
	uint32_t mask; /**< buckets - 1 */
	uint32_t sources;
	uint64_t evictions;
	struct rte_meter_srtcm_profile sr_prof;
	struct rte_meter_trtcm_profile tr_prof;
	struct rl_bucket *buckets;
	union meter *meters; /**< [bucket * WAYS + way], or one with per_all */
};

struct app_rl *
app_rl_create(const struct app_rl_conf *conf, uint64_t hz, int socket, char *err, size_t err_len)
{
	uint32_t n_buckets = conf->key == APP_RL_PER_ALL ? 1 : conf->table_size / APP_RL_WAYS;
	struct app_rl *rl;
	int rc;

	RTE_SET_USED(hz); /* rte_meter reads the TSC rate itself */
	rl = rte_zmalloc_socket("fp_rl", sizeof(*rl), RTE_CACHE_LINE_SIZE, socket);
	if (rl == NULL)
		goto out_nomem;
	rl->trtcm = conf->meter == APP_RL_TRTCM;
	rl->packets = conf->unit == APP_RL_PACKETS;
	rl->per_all = conf->key == APP_RL_PER_ALL;
	rl->match = conf->match;
	rl->mask = n_buckets - 1;
	if (rl->trtcm) {
		struct rte_meter_trtcm_params p = {
				conf->rate, conf->peak_rate, conf->burst, conf->peak_burst};

		rc = rte_meter_trtcm_profile_config(&rl->tr_prof, &p);
	} else {
		struct rte_meter_srtcm_params p = {conf->rate, conf->burst, conf->excess};

		rc = rte_meter_srtcm_profile_config(&rl->sr_prof, &p);
	}
	if (rc < 0) {
		snprintf(err, err_len, "ratelimit: rte_meter refused the rates: %s", strerror(-rc));
		goto out_free;
	}
	rl->buckets = rte_zmalloc_socket("fp_rl_buckets", n_buckets * sizeof(*rl->buckets),
			RTE_CACHE_LINE_SIZE, socket);
	rl->meters = rte_zmalloc_socket("fp_rl_meters",
			(size_t)n_buckets * APP_RL_WAYS * sizeof(*rl->meters), RTE_CACHE_LINE_SIZE,
			socket);
	if (rl->buckets == NULL || rl->meters == NULL)
		goto out_nomem;
	if (rl->per_all) {
		/* One meter, configured now; the table is not used. */
		if (rl->trtcm)
			rte_meter_trtcm_config(&rl->meters[0].tr, &rl->tr_prof);
		else
			rte_meter_srtcm_config(&rl->meters[0].sr, &rl->sr_prof);
		rl->sources = 1;
	}
	return rl;

out_nomem:
	snprintf(err, err_len, "ratelimit: out of memory for %u meters", conf->table_size);
out_free:
	app_rl_free(rl);
	return NULL;
}

void
app_rl_free(struct app_rl *rl)
{
	if (rl == NULL)
		return;
	rte_free(rl->meters);
	rte_free(rl->buckets);
	rte_free(rl);
}

uint64_t
app_rl_evictions(const struct app_rl *rl)
{
	return __atomic_load_n(&rl->evictions, __ATOMIC_RELAXED);
}

uint32_t
app_rl_sources(const struct app_rl *rl)
{
	return __atomic_load_n(&rl->sources, __ATOMIC_RELAXED);
}

int
app_rl_matches(const struct app_rl *rl, const uint8_t *ip, uint16_t l4_len)
{
	uint8_t proto = ip[FP_IP4_OFF_PROTO];
	uint8_t m = rl->match;

	if (m == APP_RL_MATCH_ALL)
		return 1;
	if (proto == FP_IPPROTO_ICMP)
		return (m & APP_RL_MATCH_ICMP) != 0;
	if (proto == 17)
		return (m & APP_RL_MATCH_UDP) != 0;
	if (proto != FP_IPPROTO_TCP)
		return (m & APP_RL_MATCH_OTHER) != 0;
	if (m & APP_RL_MATCH_TCP)
		return 1;
	if ((m & APP_RL_MATCH_TCP_SYN) && l4_len > FP_TCP_OFF_FLAGS) {
		uint8_t f = ip[FP_IP4_HLEN + FP_TCP_OFF_FLAGS];

		return (f & (FP_TCP_SYN | FP_TCP_ACK)) == FP_TCP_SYN;
	}
	return 0;
}

/* The meter of src: found, in a free way, or taken from the bucket's stalest source. */
static union meter *
meter_of(struct app_rl *rl, uint32_t src, uint64_t now)
{
	uint32_t b = (src * 2654435761u) >> 7 & rl->mask;
	struct rl_bucket *bk = &rl->buckets[b];
	unsigned way = 0, oldest = 0;
	union meter *m;

	for (unsigned w = 0; w < APP_RL_WAYS; w++) {
		if ((bk->used & (1u << w)) && bk->src[w] == src) {
			bk->seen[w] = now;
			return &rl->meters[b * APP_RL_WAYS + w];
		}
	}
	if (bk->used != (1u << APP_RL_WAYS) - 1) {
		way = (unsigned)__builtin_ctz(~bk->used);
		bk->used |= 1u << way;
		__atomic_store_n(&rl->sources, rl->sources + 1, __ATOMIC_RELAXED);
	} else {
		for (unsigned w = 1; w < APP_RL_WAYS; w++) {
			if (bk->seen[w] < bk->seen[oldest])
				oldest = w;
		}
		way = oldest;
		__atomic_store_n(&rl->evictions, rl->evictions + 1, __ATOMIC_RELAXED);
	}
	/* A new source starts with full buckets, as RFC 2697 and 2698 begin. */
	bk->src[way] = src;
	bk->seen[way] = now;
	m = &rl->meters[b * APP_RL_WAYS + way];
	/* _config() stamps the meter with a TSC read later than now: start it at now. */
	if (rl->trtcm) {
		rte_meter_trtcm_config(&m->tr, &rl->tr_prof);
		m->tr.time_tc = now;
		m->tr.time_tp = now;
	} else {
		rte_meter_srtcm_config(&m->sr, &rl->sr_prof);
		m->sr.time = now;
	}
	return m;
}

enum app_rl_verdict
app_rl_check(struct app_rl *rl, uint32_t src, uint32_t len, uint64_t now)
{
	union meter *m = rl->per_all ? &rl->meters[0] : meter_of(rl, src, now);
	uint32_t units = rl->packets ? 1 : len;
	enum rte_color c;

	if (rl->trtcm)
		c = rte_meter_trtcm_color_blind_check(&m->tr, &rl->tr_prof, now, units);
	else
		c = rte_meter_srtcm_color_blind_check(&m->sr, &rl->sr_prof, now, units);
	return c == RTE_COLOR_RED ? APP_RL_DROP : APP_RL_PASS;
}
