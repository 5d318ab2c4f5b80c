/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ACL rule text -> struct app_acl_rule (syntax in acl_rule.h). Called by the
 * pipeline parser for `acl.rule =` lines and `acl.rules =` files; the result
 * goes to stage_acl.c, which builds the rte_acl context. Text only.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl_rule.h"
#include "text_file.h"

static const struct {
	const char *name;
	uint8_t bit;
} tcp_flags[] = {
		{"fin", APP_TCP_FIN},
		{"syn", APP_TCP_SYN},
		{"rst", APP_TCP_RST},
		{"psh", APP_TCP_PSH},
		{"ack", APP_TCP_ACK},
		{"urg", APP_TCP_URG},
		{"ece", APP_TCP_ECE},
		{"cwr", APP_TCP_CWR},
};

static const char *const action_names[] = {
		[APP_ACL_PERMIT] = "permit",
		[APP_ACL_DENY] = "deny",
		[APP_ACL_COUNT] = "count",
};

const char *
app_acl_action_name(enum app_acl_action a)
{
	return (unsigned)a < sizeof(action_names) / sizeof(action_names[0]) ? action_names[a] : "?";
}

/* Next blank-separated token, NUL-terminated in place; NULL at the end or a comment. */
static char *
next_token(char **s)
{
	char *p = fp_text_skip_blank(*s), *tok;

	if (fp_text_at_end(p))
		return NULL;
	tok = p;
	while (*p != '\0' && !fp_text_blank(*p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*s = p;
	return tok;
}

/* Strict dotted quad, host byte order. */
static int
parse_ip4(const char **s, uint32_t *out)
{
	const char *p = *s;
	uint32_t ip = 0;

	for (int i = 0; i < 4; i++) {
		const char *start = p;
		uint32_t part;

		if (fp_text_parse_uint(&p, 255, &part) < 0 || p - start > 3)
			return -EINVAL;
		ip = ip << 8 | part;
		if (i < 3 && *p++ != '.')
			return -EINVAL;
	}
	*s = p;
	*out = ip;
	return 0;
}

static int
parse_prefix(const struct fp_text_src *src, const char *what, const char *tok, uint32_t *net,
		uint8_t *len)
{
	const char *s = tok;
	uint32_t ip, plen = 32;

	if (strcmp(tok, "any") == 0) {
		*net = 0;
		*len = 0;
		return 0;
	}
	if (parse_ip4(&s, &ip) < 0 || (*s == '/' && (s++, fp_text_parse_uint(&s, 32, &plen) < 0)) ||
			*s != '\0') {
		fp_text_fail(src, "bad %s prefix '%s' (want a.b.c.d/len or any)", what, tok);
		return -EINVAL;
	}
	if (plen < 32 && (ip & (UINT32_MAX >> plen)) != 0) {
		fp_text_fail(src, "%s prefix '%s' has host bits set", what, tok);
		return -EINVAL;
	}
	*net = ip;
	*len = (uint8_t)plen;
	return 0;
}

static int
parse_ports(const struct fp_text_src *src, const char *what, const char *tok, uint16_t *lo,
		uint16_t *hi)
{
	const char *s = tok;
	uint32_t a, b;

	if (fp_text_parse_uint(&s, 65535, &a) < 0)
		goto bad;
	b = a;
	if (*s == '-' && (s++, fp_text_parse_uint(&s, 65535, &b) < 0))
		goto bad;
	if (*s != '\0' || b < a)
		goto bad;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
bad:
	fp_text_fail(src, "bad %s '%s' (want a port 0..65535 or a range like 1024-2047)", what,
			tok);
	return -EINVAL;
}

static int
parse_proto(const struct fp_text_src *src, const char *tok, struct app_acl_rule *r)
{
	const char *s = tok;
	uint32_t v;

	if (strcmp(tok, "tcp") == 0)
		v = 6;
	else if (strcmp(tok, "udp") == 0)
		v = 17;
	else if (strcmp(tok, "icmp") == 0)
		v = 1;
	else if (fp_text_parse_uint(&s, 255, &v) < 0 || *s != '\0') {
		fp_text_fail(src, "bad proto '%s' (want tcp, udp, icmp or 0..255)", tok);
		return -EINVAL;
	}
	r->proto = (uint8_t)v;
	r->proto_any = 0;
	return 0;
}

static int
parse_flags(const struct fp_text_src *src, char *tok, struct app_acl_rule *r)
{
	char *save = NULL;

	for (char *f = strtok_r(tok, ",", &save); f != NULL; f = strtok_r(NULL, ",", &save)) {
		bool clear = *f == '!';
		size_t i;

		for (i = 0; i < sizeof(tcp_flags) / sizeof(tcp_flags[0]); i++) {
			if (strcmp(f + clear, tcp_flags[i].name) == 0)
				break;
		}
		if (i == sizeof(tcp_flags) / sizeof(tcp_flags[0])) {
			fp_text_fail(src,
					"unknown TCP flag '%s' (want fin syn rst psh ack urg ece "
					"cwr, ! for clear, comma-separated)",
					f);
			return -EINVAL;
		}
		if (r->flags_mask & tcp_flags[i].bit) {
			fp_text_fail(src, "TCP flag '%s' named twice", f + clear);
			return -EINVAL;
		}
		r->flags_mask |= tcp_flags[i].bit;
		if (!clear)
			r->flags |= tcp_flags[i].bit;
	}
	if (r->flags_mask == 0) {
		fp_text_fail(src, "empty TCP flag list");
		return -EINVAL;
	}
	return 0;
}

int
app_acl_rule_parse(const struct fp_text_src *src, char *text, struct app_acl_rule *out)
{
	struct app_acl_rule r;
	uint32_t seen = 0;
	char *s = text, *tok;
	size_t a;

	memset(&r, 0, sizeof(r));
	r.proto_any = 1;
	r.sport_hi = 65535;
	r.dport_hi = 65535;
	r.line = src->line;

	tok = next_token(&s);
	if (tok == NULL) {
		fp_text_fail(src, "empty rule (want permit, deny or count, then matches)");
		return -EINVAL;
	}
	for (a = 0; a < sizeof(action_names) / sizeof(action_names[0]); a++) {
		if (strcmp(tok, action_names[a]) == 0)
			break;
	}
	if (a == sizeof(action_names) / sizeof(action_names[0])) {
		fp_text_fail(src, "unknown action '%s' (want permit, deny or count)", tok);
		return -EINVAL;
	}
	r.action = (uint8_t)a;

	while ((tok = next_token(&s)) != NULL) {
		static const char *const keys[] = {
				"src", "dst", "proto", "sport", "dport", "flags"};
		char *val;
		size_t k;
		int rc;

		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (strcmp(tok, keys[k]) == 0)
				break;
		}
		if (k == sizeof(keys) / sizeof(keys[0])) {
			fp_text_fail(src,
					"unknown match '%s' (want src, dst, proto, sport, dport, "
					"flags)",
					tok);
			return -EINVAL;
		}
		if (seen & (1u << k)) {
			fp_text_fail(src, "match '%s' given twice", tok);
			return -EINVAL;
		}
		seen |= 1u << k;
		val = next_token(&s);
		if (val == NULL) {
			fp_text_fail(src, "match '%s' needs a value", tok);
			return -EINVAL;
		}
		switch (k) {
		case 0:
			rc = parse_prefix(src, "src", val, &r.src, &r.src_len);
			break;
		case 1:
			rc = parse_prefix(src, "dst", val, &r.dst, &r.dst_len);
			break;
		case 2:
			rc = parse_proto(src, val, &r);
			break;
		case 3:
			rc = parse_ports(src, "sport", val, &r.sport_lo, &r.sport_hi);
			break;
		case 4:
			rc = parse_ports(src, "dport", val, &r.dport_lo, &r.dport_hi);
			break;
		default:
			rc = parse_flags(src, val, &r);
			break;
		}
		if (rc < 0)
			return rc;
	}
	/* Ports and flags mean nothing without a protocol that has them. */
	if ((seen & (3u << 3)) && (r.proto_any || (r.proto != 6 && r.proto != 17))) {
		fp_text_fail(src, "sport/dport need proto tcp or udp");
		return -EINVAL;
	}
	if ((seen & (1u << 5)) && (r.proto_any || r.proto != 6)) {
		fp_text_fail(src, "flags need proto tcp");
		return -EINVAL;
	}
	*out = r;
	return 0;
}

int
app_acl_rules_add(struct app_acl_rules *rs, const struct app_acl_rule *r)
{
	if (rs->n == APP_ACL_RULES_MAX)
		return -ENOSPC;
	if (rs->n == rs->cap) {
		uint32_t cap = rs->cap ? rs->cap * 2 : 16;
		struct app_acl_rule *v;

		if (cap > APP_ACL_RULES_MAX)
			cap = APP_ACL_RULES_MAX;
		v = realloc(rs->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = *r;
	return 0;
}

void
app_acl_rules_free(struct app_acl_rules *rs)
{
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

static int
parse_text(struct app_acl_rules *rs, const char *path, const char *text, size_t len, char *err,
		size_t err_len)
{
	struct fp_text_src src = {path, 0, err, err_len};
	struct fp_text_lines it;
	char line[APP_ACL_RULE_TEXT_MAX + 1];
	int rc;

	fp_text_lines_init(&it, text, len);
	while ((rc = fp_text_next_line(&it, &src, line, APP_ACL_RULE_TEXT_MAX)) > 0) {
		struct app_acl_rule r;
		char *s = fp_text_skip_blank(line);

		if (fp_text_at_end(s))
			continue;
		if (app_acl_rule_parse(&src, s, &r) < 0)
			return -EINVAL;
		rc = app_acl_rules_add(rs, &r);
		if (rc < 0) {
			fp_text_fail(&src, "%s",
					rc == -ENOSPC ? "too many rules (max 100000)" :
							"out of memory");
			return rc;
		}
	}
	if (rc < 0) {
		fp_text_fail(&src, "line too long (max %u bytes) or not text",
				APP_ACL_RULE_TEXT_MAX);
		return -EINVAL;
	}
	return 0;
}

int
app_acl_rules_load(struct app_acl_rules *rs, const char *path, char *err, size_t err_len)
{
	char *buf;
	size_t n;
	int rc = app_read_file(path, APP_ACL_FILE_MAX, &buf, &n, err, err_len);

	if (rc < 0)
		return rc;
	rc = parse_text(rs, path, buf, n, err, err_len);
	free(buf);
	return rc;
}

static int
fmt_prefix(char *buf, size_t len, const char *key, uint32_t ip, uint8_t plen)
{
	if (plen == 0)
		return 0;
	return snprintf(buf, len, " %s %u.%u.%u.%u/%u", key, ip >> 24, (ip >> 16) & 0xff,
			(ip >> 8) & 0xff, ip & 0xff, plen);
}

static int
fmt_ports(char *buf, size_t len, const char *key, uint16_t lo, uint16_t hi)
{
	if (lo == 0 && hi == 65535)
		return 0;
	if (lo == hi)
		return snprintf(buf, len, " %s %u", key, lo);
	return snprintf(buf, len, " %s %u-%u", key, lo, hi);
}

int
app_acl_rule_format(const struct app_acl_rule *r, char *buf, size_t len)
{
	size_t pos = 0;
	int n;

#define APPEND(expr)                                 \
	do {                                         \
		n = (expr);                          \
		if (n < 0 || (size_t)n >= len - pos) \
			return -ENOSPC;              \
		pos += (size_t)n;                    \
	} while (0)

	if (len == 0)
		return -ENOSPC;
	APPEND(snprintf(buf, len, "%s", app_acl_action_name(r->action)));
	APPEND(fmt_prefix(buf + pos, len - pos, "src", r->src, r->src_len));
	APPEND(fmt_prefix(buf + pos, len - pos, "dst", r->dst, r->dst_len));
	if (!r->proto_any)
		APPEND(snprintf(buf + pos, len - pos, " proto %u", r->proto));
	APPEND(fmt_ports(buf + pos, len - pos, "sport", r->sport_lo, r->sport_hi));
	APPEND(fmt_ports(buf + pos, len - pos, "dport", r->dport_lo, r->dport_hi));
	if (r->flags_mask != 0) {
		const char *sep = " flags ";

		for (size_t i = 0; i < sizeof(tcp_flags) / sizeof(tcp_flags[0]); i++) {
			if (!(r->flags_mask & tcp_flags[i].bit))
				continue;
			APPEND(snprintf(buf + pos, len - pos, "%s%s%s", sep,
					(r->flags & tcp_flags[i].bit) ? "" : "!",
					tcp_flags[i].name));
			sep = ",";
		}
	}
#undef APPEND
	return (int)pos;
}
