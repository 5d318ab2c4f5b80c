/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_acl behind the acl stage. Each packet becomes a 20-byte key (protocol,
 * addresses, ports, TCP flags, in network order as rte_acl wants its input);
 * permit and deny rules live in category 0, count rules in category 1, so a
 * single classify pass answers "what is decided" and "what is counted".
 * A rule's priority is its position: the first rule in the file wins.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "fp/wire.h"

#include "stage_acl.h"

/* What rte_acl reads per packet; field order fixed by acl_fields[] below. */
struct acl_key {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src;      /* be32 */
	uint32_t dst;      /* be32 */
	uint16_t sport;    /* be16 */
	uint16_t dport;    /* be16 */
	uint8_t tcp_flags; /* with pad2: one 4-byte field, the first byte significant */
	uint8_t pad2[3];
};

enum {
	F_PROTO,
	F_SRC,
	F_DST,
	F_SPORT,
	F_DPORT,
	F_FLAGS,
	F_COUNT
};

/*
 * rte_acl reads input in 4-byte groups, and every group but the first (one
 * byte on its own: the trie's root consumes it) must hold 4 bytes of fields.
 * The ports share one; the TCP flags are the top byte of a 4-byte bitmask.
 */
static const struct rte_acl_field_def acl_fields[F_COUNT] = {
		{RTE_ACL_FIELD_TYPE_BITMASK, 1, F_PROTO, 0, offsetof(struct acl_key, proto)},
		{RTE_ACL_FIELD_TYPE_MASK, 4, F_SRC, 1, offsetof(struct acl_key, src)},
		{RTE_ACL_FIELD_TYPE_MASK, 4, F_DST, 2, offsetof(struct acl_key, dst)},
		{RTE_ACL_FIELD_TYPE_RANGE, 2, F_SPORT, 3, offsetof(struct acl_key, sport)},
		{RTE_ACL_FIELD_TYPE_RANGE, 2, F_DPORT, 3, offsetof(struct acl_key, dport)},
		{RTE_ACL_FIELD_TYPE_BITMASK, 4, F_FLAGS, 4, offsetof(struct acl_key, tcp_flags)},
};

RTE_ACL_RULE_DEF(acl_rte_rule, F_COUNT);

/* Categories rte_acl computes: 1, or a multiple of RTE_ACL_RESULTS_MULTIPLIER. */
#define CAT_DECIDE 0
#define CAT_COUNT  1

struct app_acl {
	struct rte_acl_ctx *ctx; /**< NULL when there is no rule at all */
	uint32_t categories;     /**< 1 without count rules */
	uint32_t n_rules;
	uint8_t default_deny;
	uint8_t *deny; /**< [rule]: 1 for a deny rule */
};

static void
rule_to_rte(const struct app_acl_rule *r, uint32_t index, uint32_t n, struct acl_rte_rule *out)
{
	memset(out, 0, sizeof(*out));
	out->data.category_mask = 1u << (r->action == APP_ACL_COUNT ? CAT_COUNT : CAT_DECIDE);
	/* Earlier rules win: priority falls with the index. */
	out->data.priority = (int32_t)(RTE_ACL_MAX_PRIORITY - (n > index ? index : n));
	out->data.userdata = index + 1;
	out->field[F_PROTO].value.u8 = r->proto_any ? 0 : r->proto;
	out->field[F_PROTO].mask_range.u8 = r->proto_any ? 0 : 0xff;
	/* Rule values are host order, the key network order: byte 0 is bits 31..24. */
	out->field[F_FLAGS].value.u32 = (uint32_t)r->flags << 24;
	out->field[F_FLAGS].mask_range.u32 = (uint32_t)r->flags_mask << 24;
	out->field[F_SRC].value.u32 = r->src;
	out->field[F_SRC].mask_range.u32 = r->src_len;
	out->field[F_DST].value.u32 = r->dst;
	out->field[F_DST].mask_range.u32 = r->dst_len;
	out->field[F_SPORT].value.u16 = r->sport_lo;
	out->field[F_SPORT].mask_range.u16 = r->sport_hi;
	out->field[F_DPORT].value.u16 = r->dport_lo;
	out->field[F_DPORT].mask_range.u16 = r->dport_hi;
}

struct app_acl *
app_acl_build(const struct app_acl_conf *conf, const char *name, int socket, char *err,
		size_t err_len)
{
	const struct app_acl_rules *rs = &conf->rules;
	struct rte_acl_param prm = {name, socket, RTE_ACL_RULE_SZ(F_COUNT), rs->n};
	struct rte_acl_config cfg;
	struct app_acl *acl;
	bool any_count = false;
	int rc;

	acl = rte_zmalloc_socket("fp_acl", sizeof(*acl), 0, socket);
	if (acl == NULL)
		goto out_nomem;
	acl->n_rules = rs->n;
	acl->default_deny = conf->default_deny;
	acl->categories = 1;
	if (rs->n == 0)
		return acl;
	acl->deny = rte_zmalloc_socket("fp_acl_deny", rs->n, 0, socket);
	if (acl->deny == NULL)
		goto out_nomem;
	acl->ctx = rte_acl_create(&prm);
	if (acl->ctx == NULL) {
		snprintf(err, err_len, "acl: cannot create context %s: %s", name,
				rte_strerror(rte_errno));
		goto out_free;
	}
	for (uint32_t i = 0; i < rs->n; i++) {
		struct acl_rte_rule r;

		rule_to_rte(&rs->v[i], i, rs->n, &r);
		acl->deny[i] = rs->v[i].action == APP_ACL_DENY;
		any_count |= rs->v[i].action == APP_ACL_COUNT;
		rc = rte_acl_add_rules(acl->ctx, (const struct rte_acl_rule *)&r, 1);
		if (rc < 0) {
			snprintf(err, err_len, "acl: rule at line %u refused: %s", rs->v[i].line,
					strerror(-rc));
			goto out_free;
		}
	}
	memset(&cfg, 0, sizeof(cfg));
	acl->categories = any_count ? RTE_ACL_RESULTS_MULTIPLIER : 1;
	cfg.num_categories = acl->categories;
	cfg.num_fields = F_COUNT;
	memcpy(cfg.defs, acl_fields, sizeof(acl_fields));
	rc = rte_acl_build(acl->ctx, &cfg);
	if (rc < 0) {
		snprintf(err, err_len, "acl: building %u rules failed: %s", rs->n, strerror(-rc));
		goto out_free;
	}
	return acl;

out_nomem:
	snprintf(err, err_len, "acl: out of memory for %u rules", rs->n);
out_free:
	app_acl_free(acl);
	return NULL;
}

void
app_acl_free(struct app_acl *acl)
{
	if (acl == NULL)
		return;
	rte_acl_free(acl->ctx);
	rte_free(acl->deny);
	rte_free(acl);
}

uint32_t
app_acl_n_rules(const struct app_acl *acl)
{
	return acl->n_rules;
}

static inline void
key_of(struct acl_key *k, const uint8_t *ip, uint16_t l4_len)
{
	const uint8_t *l4 = ip + FP_IP4_HLEN;

	k->proto = ip[FP_IP4_OFF_PROTO];
	k->tcp_flags = 0;
	memset(k->pad, 0, sizeof(k->pad));
	memset(k->pad2, 0, sizeof(k->pad2));
	memcpy(&k->src, ip + FP_IP4_OFF_SRC, 4);
	memcpy(&k->dst, ip + FP_IP4_OFF_DST, 4);
	/* Ports and flags only where the protocol has them and the bytes are there. */
	if ((k->proto == FP_IPPROTO_TCP || k->proto == 17) && l4_len >= 4) {
		memcpy(&k->sport, l4 + FP_TCP_OFF_SPORT, 2);
		memcpy(&k->dport, l4 + FP_TCP_OFF_DPORT, 2);
	} else {
		k->sport = k->dport = 0;
	}
	if (k->proto == FP_IPPROTO_TCP && l4_len > FP_TCP_OFF_FLAGS)
		k->tcp_flags = l4[FP_TCP_OFF_FLAGS];
}

void
app_acl_classify(const struct app_acl *acl, const uint8_t *const *ip4, const uint16_t *l4_len,
		uint16_t n, uint8_t *deny, uint32_t *count)
{
	struct acl_key keys[APP_ACL_BURST_MAX];
	const uint8_t *data[APP_ACL_BURST_MAX];
	uint32_t res[APP_ACL_BURST_MAX * RTE_ACL_RESULTS_MULTIPLIER];
	const uint32_t cats = acl->categories;

	if (acl->ctx == NULL) {
		memset(deny, acl->default_deny, n);
		memset(count, 0, n * sizeof(*count));
		return;
	}
	for (uint16_t i = 0; i < n; i++) {
		key_of(&keys[i], ip4[i], l4_len[i]);
		data[i] = (const uint8_t *)&keys[i];
	}
	rte_acl_classify(acl->ctx, data, res, n, cats);
	for (uint16_t i = 0; i < n; i++) {
		uint32_t d = res[i * cats + CAT_DECIDE];

		deny[i] = d == 0 ? acl->default_deny : acl->deny[d - 1];
		count[i] = cats > 1 ? res[i * cats + CAT_COUNT] : 0;
	}
}
