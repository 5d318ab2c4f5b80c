/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ACL rules as text: one rule per line, in a rules file or inline in a
 * pipeline file (`acl.rule = ...`). Parsed once, before anything starts and
 * again on reload, never on the packet path; stage_acl.c turns the list into
 * an rte_acl context. No DPDK calls, so every error is unit-tested.
 *
 *   ACTION [src PREFIX] [dst PREFIX] [proto tcp|udp|icmp|N]
 *          [sport P[-Q]] [dport P[-Q]] [flags F[,F...]]
 *   ACTION  permit | deny | count
 *   PREFIX  a.b.c.d[/len] (len 0..32, no host bits set) or any
 *   F       fin syn rst psh ack urg ece cwr; !F = must be clear
 * Rules are tried in order; the first permit/deny that matches decides (the
 * stage's default action when none does). A count rule decides nothing: the
 * first count rule that matches is counted, and the decision goes on.
 */
#ifndef APP_ACL_RULE_H
#define APP_ACL_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "fp/text.h"

#define APP_ACL_RULES_MAX     100000u    /**< rules per stage */
#define APP_ACL_FILE_MAX      (8u << 20) /**< bytes of one rules file */
#define APP_ACL_RULE_TEXT_MAX 255        /**< bytes of one rule line */

enum app_acl_action {
	APP_ACL_PERMIT,
	APP_ACL_DENY,
	APP_ACL_COUNT,
};

/** TCP flag bits as on the wire (byte 13 of the TCP header). */
enum app_acl_tcp_flag {
	APP_TCP_FIN = 0x01,
	APP_TCP_SYN = 0x02,
	APP_TCP_RST = 0x04,
	APP_TCP_PSH = 0x08,
	APP_TCP_ACK = 0x10,
	APP_TCP_URG = 0x20,
	APP_TCP_ECE = 0x40,
	APP_TCP_CWR = 0x80,
};

/** One rule; every field in host byte order. */
struct app_acl_rule {
	uint32_t src;       /**< source network */
	uint32_t dst;       /**< destination network */
	uint8_t src_len;    /**< source prefix length, 0 = any */
	uint8_t dst_len;    /**< destination prefix length, 0 = any */
	uint8_t action;     /**< enum app_acl_action */
	uint8_t proto;      /**< IP protocol, when proto_any == 0 */
	uint8_t proto_any;  /**< 1: any protocol */
	uint8_t flags;      /**< TCP flags that must be set (within flags_mask) */
	uint8_t flags_mask; /**< TCP flags the rule looks at, 0 = any */
	uint16_t sport_lo;  /**< source port range, inclusive */
	uint16_t sport_hi;
	uint16_t dport_lo; /**< destination port range, inclusive */
	uint16_t dport_hi;
	uint32_t line; /**< line of the rule in its file, for messages */
};

/** A growable rule list (malloc); owned by whoever holds it, freed with app_acl_rules_free(). */
struct app_acl_rules {
	struct app_acl_rule *v;
	uint32_t n;
	uint32_t cap;
};

/**
 * Parse one rule. text is modified (tokens are cut in place).
 * @return 0, or -EINVAL after fp_text_fail(src, ...)
 */
int app_acl_rule_parse(const struct fp_text_src *src, char *text, struct app_acl_rule *out);

/** Append a rule. @return 0, -ENOSPC past APP_ACL_RULES_MAX, -ENOMEM. */
int app_acl_rules_add(struct app_acl_rules *rs, const struct app_acl_rule *r);

/**
 * Append every rule of a rules file ('#' comments and blank lines allowed).
 * @return 0, or -ENOENT/-EIO/-EFBIG/-EINVAL/-ENOSPC/-ENOMEM with err filled
 *         ("path:line: problem" for a bad rule).
 */
int app_acl_rules_load(struct app_acl_rules *rs, const char *path, char *err, size_t err_len);

void app_acl_rules_free(struct app_acl_rules *rs);

/** Write a rule back as text (the syntax above). @return length, or -ENOSPC. */
int app_acl_rule_format(const struct app_acl_rule *r, char *buf, size_t len);

/** "permit", "deny", "count". */
const char *app_acl_action_name(enum app_acl_action a);

#endif /* APP_ACL_RULE_H */
