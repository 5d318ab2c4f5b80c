/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration text <-> struct fp_cfg (fp/cfg.h). Read once at start by the
 * app (main.c, before any port starts) and the firmware; written back by
 * fp_cfg_format() for the management "config get" command. Line based, no
 * heap: fp_cfg_load() streams the file through a fixed line buffer.
 * Every key lives in one table below, which drives parsing and formatting
 * and says which keys a running appliance may change (fp_cfg_set(), the
 * management "config set" command, through the same value checks).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fp/cfg.h"
#include "fp/text.h"
#include "fp/tlm.h"

#define CFG_LINE_MAX 512 /* bytes per line, newline excluded */
#define CFG_SOCK_MAX 107 /* sun_path holds 108 bytes with the NUL */
#define CFG_SHOW_MAX 40  /* bytes of a bad value quoted in a message */

enum key_type {
	KEY_U8,
	KEY_U16,
	KEY_U32,
	KEY_BOOL,
	KEY_STR,
	KEY_ADDR,   /* a.b.c.d/len into fp_cfg_port ip4 + prefix_len */
	KEY_LISTEN, /* port list into fp_cfg_tcp listen[] + n_listen */
	KEY_ENUM,   /* one of the key's names[] into a uint8_t index */
	KEY_CMDS,   /* management command names into a uint32_t mask (fp/tlm.h) */
	KEY_HOSTPORT, /* a.b.c.d:port into fp_cfg_metrics ip4 + port; empty = off */
};

enum key_flag {
	KEY_POW2 = 1u << 0, /* value must be a power of two */
	/* fp_cfg_set() may change it while the appliance runs. The app applies
	 * every live key (app/settings.c); anything else waits for a restart. */
	KEY_LIVE = 1u << 1,
};

struct key {
	const char *name;
	enum key_type type;
	size_t off;  /* offset in the section struct */
	size_t size; /* KEY_STR: array size */
	uint32_t min, max;
	unsigned flags;
	const char *const *names; /* KEY_ENUM: the values' names, NULL-terminated */
};

enum sect {
	SECT_TCP,
	SECT_DPDK,
	SECT_MGMT,
	SECT_MQTT,
	SECT_LOG,
	SECT_METRICS,
	SECT_PORT, /* SECT_PORT + n for [port n] */
	SECT_SLOTS = SECT_PORT + FP_MAX_IFACES,
};

/* clang-format off: one key per line reads better than the formatter's layout */
#define U(sec, field, t, lo, hi)                                           \
	{                                                                  \
#field, t, offsetof(struct sec, field), 0, lo, hi, 0, NULL \
	}
/* U() for a live key (KEY_LIVE). */
#define L(sec, field, t, lo, hi)                                                  \
	{                                                                         \
#field, t, offsetof(struct sec, field), 0, lo, hi, KEY_LIVE, NULL \
	}
#define E(sec, field, flags, names)                                                  \
	{                                                                            \
#field, KEY_ENUM, offsetof(struct sec, field), 0, 0, 0, flags, names \
	}
#define KEY_END                                   \
	{                                         \
		NULL, KEY_U8, 0, 0, 0, 0, 0, NULL \
	}
#define S(sec, field, hi)                                                                          \
	{                                                                                          \
#field, KEY_STR, offsetof(struct sec, field), sizeof(((struct sec *)0)->field), 0, \
				hi, 0, NULL                                                        \
	}

static const char *const syncook_names[] = {"off", "on", "auto", NULL};
static const char *const idle_names[] = {"poll", "adaptive", NULL};
/* enum fp_cfg_log_level's order */
static const char *const level_names[] = {"default", "emerg", "alert", "crit", "err", "warning",
		"notice", "info", "debug", NULL};

static const struct key port_keys[] = {
		{"address", KEY_ADDR, 0, 0, 1, 32, 0, NULL},
		U(fp_cfg_port, mtu, KEY_U16, 576, 9000),
		KEY_END,
};

static const struct key tcp_keys[] = {
		{"listen", KEY_LISTEN, 0, 0, 1, 65535, KEY_LIVE, NULL},
		L(fp_cfg_tcp, mss, KEY_U16, 88, 8960),
		U(fp_cfg_tcp, max_flows, KEY_U32, 1, 1u << 20),
		{"buffer_size", KEY_U32, offsetof(struct fp_cfg_tcp, buffer_size), 0, 1024,
				1u << 24, KEY_POW2, NULL},
		U(fp_cfg_tcp, active_flows, KEY_U32, 0, 1u << 20),
		U(fp_cfg_tcp, echo_pool_kb, KEY_U32, 0, 1u << 24),
		E(fp_cfg_tcp, syn_cookies, KEY_LIVE, syncook_names),
		L(fp_cfg_tcp, idle_timeout_s, KEY_U32, 1, 86400),
		/* At least RFC 6298's 1 s minimum RTO: TIME_WAIT must still be
		 * there for the peer's first retransmitted FIN. */
		L(fp_cfg_tcp, time_wait_ms, KEY_U32, 1000, 240000),
		L(fp_cfg_tcp, rto_initial_ms, KEY_U32, 1, 600000),
		L(fp_cfg_tcp, rto_min_ms, KEY_U32, 1, 600000),
		L(fp_cfg_tcp, rto_max_ms, KEY_U32, 1, 600000),
		KEY_END,
};

static const struct key dpdk_keys[] = {
		U(fp_cfg_dpdk, mbufs, KEY_U32, 255, 1u << 24),
		U(fp_cfg_dpdk, mbuf_cache, KEY_U32, 0, 512),
		U(fp_cfg_dpdk, rx_desc, KEY_U16, 32, 16384),
		U(fp_cfg_dpdk, tx_desc, KEY_U16, 32, 16384),
		S(fp_cfg_dpdk, pipeline, 0),
		E(fp_cfg_dpdk, idle, KEY_LIVE, idle_names),
		KEY_END,
};

static const struct key mgmt_keys[] = {
		S(fp_cfg_mgmt, socket, CFG_SOCK_MAX),
		S(fp_cfg_mgmt, group, 0),
		KEY_END,
};

static const struct key mqtt_keys[] = {
		U(fp_cfg_mqtt, enabled, KEY_BOOL, 0, 1),
		S(fp_cfg_mqtt, host, 0),
		U(fp_cfg_mqtt, port, KEY_U16, 1, 65535),
		S(fp_cfg_mqtt, client_id, 0),
		S(fp_cfg_mqtt, node, 0),
		S(fp_cfg_mqtt, topic_prefix, 0),
		U(fp_cfg_mqtt, qos, KEY_U8, 0, 2),
		L(fp_cfg_mqtt, interval_ms, KEY_U32, 100, 86400000),
		U(fp_cfg_mqtt, keepalive_s, KEY_U16, 5, 65535),
		S(fp_cfg_mqtt, username, 0),
		S(fp_cfg_mqtt, password, 0),
		S(fp_cfg_mqtt, tls_ca, 0),
		S(fp_cfg_mqtt, tls_cert, 0),
		S(fp_cfg_mqtt, tls_key, 0),
		U(fp_cfg_mqtt, commands, KEY_BOOL, 0, 1),
		{"commands_allow", KEY_CMDS, offsetof(struct fp_cfg_mqtt, commands_allow), 0, 0, 0,
				0, NULL},
		KEY_END,
};

static const struct key log_keys[] = {
		E(fp_cfg_log, level, KEY_LIVE, level_names),
		KEY_END,
};

static const struct key metrics_keys[] = {
		{"listen", KEY_HOSTPORT, 0, 0, 1, 65535, 0, NULL},
		KEY_END,
};

#undef U
#undef L
#undef E
#undef S
#undef KEY_END
/* clang-format on */

static const char *const sect_names[] = {"tcp", "dpdk", "mgmt", "mqtt", "log", "metrics", "port"};

static const struct key *const sect_keys[] = {
		tcp_keys, dpdk_keys, mgmt_keys, mqtt_keys, log_keys, metrics_keys, port_keys};

/* Why a section's keys that are not live wait for a restart. */
static const char *const sect_restart[] = {
		"it sizes the TCP engine's memory, allocated at start",
		"DPDK sets it up at start (mbuf pool, queues, pipeline)",
		"the management socket is set up at start",
		"the broker connection is set up at start",
		NULL,
		"the metrics endpoint is set up at start",
		"the port is set up at start",
};

/* One parse, across calls of parse_line(). */
struct parser {
	struct fp_cfg *cfg;
	struct fp_text_src src;            /* file name, line, error buffer */
	int slot;                          /* enum sect, -1 before the first header */
	unsigned sect_line[SECT_SLOTS];    /* header line, 0 = not seen */
	uint32_t seen[SECT_SLOTS];         /* bit i: key i of the section was set */
	unsigned key_line[SECT_SLOTS][32]; /* as many keys as seen[] has bits */
	unsigned max_port_line;            /* header line of the highest [port N] */
};

static int
sect_of_slot(int slot)
{
	return slot >= SECT_PORT ? SECT_PORT : slot;
}

/* Where a section's struct sits in struct fp_cfg: one switch for both views below. */
static size_t
slot_offset(int slot)
{
	switch (sect_of_slot(slot)) {
	case SECT_TCP:
		return offsetof(struct fp_cfg, tcp);
	case SECT_DPDK:
		return offsetof(struct fp_cfg, dpdk);
	case SECT_MGMT:
		return offsetof(struct fp_cfg, mgmt);
	case SECT_MQTT:
		return offsetof(struct fp_cfg, mqtt);
	case SECT_LOG:
		return offsetof(struct fp_cfg, log);
	case SECT_METRICS:
		return offsetof(struct fp_cfg, metrics);
	default:
		return offsetof(struct fp_cfg, ports) +
				(size_t)(slot - SECT_PORT) * sizeof(struct fp_cfg_port);
	}
}

static void *
slot_base(struct fp_cfg *cfg, int slot)
{
	return (char *)cfg + slot_offset(slot);
}

/* The same offsets, read-only view, without casting const away. */
static const void *
slot_cbase(const struct fp_cfg *cfg, int slot)
{
	return (const char *)cfg + slot_offset(slot);
}

/*
 * A whole string of decimal digits. @return 0, -EINVAL not a number,
 * -ERANGE above UINT32_MAX.
 */
static int
parse_u32(const char *s, uint32_t *out)
{
	uint32_t v;
	int rc = fp_text_parse_uint(&s, UINT32_MAX, &v);

	if (rc < 0)
		return rc;
	if (*s != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

/* A number within the key's min..max. @return 0, or -EINVAL after fp_text_fail(). */
static int
parse_ranged(struct parser *ps, const struct key *k, const char *val, uint32_t *out)
{
	int rc = parse_u32(val, out);

	if (rc == -EINVAL) {
		fp_text_fail(&ps->src, "%s: '%.*s' is not a number", k->name, CFG_SHOW_MAX, val);
		return -EINVAL;
	}
	if (rc == -ERANGE || *out < k->min || *out > k->max) {
		fp_text_fail(&ps->src, "%s: %.*s out of range (%" PRIu32 "..%" PRIu32 ")", k->name,
				CFG_SHOW_MAX, val, k->min, k->max);
		return -EINVAL;
	}
	return 0;
}

static int
set_number(struct parser *ps, const struct key *k, void *field, const char *val)
{
	uint32_t v;

	if (parse_ranged(ps, k, val, &v) < 0)
		return -EINVAL;
	if ((k->flags & KEY_POW2) && (v & (v - 1)) != 0) {
		fp_text_fail(&ps->src, "%s: %" PRIu32 " is not a power of two", k->name, v);
		return -EINVAL;
	}
	switch (k->type) {
	case KEY_U8:
		*(uint8_t *)field = (uint8_t)v;
		break;
	case KEY_U16:
		*(uint16_t *)field = (uint16_t)v;
		break;
	default:
		*(uint32_t *)field = v;
		break;
	}
	return 0;
}

static int
set_bool(struct parser *ps, const struct key *k, uint8_t *field, const char *val)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(val, yes[i]) == 0) {
			*field = 1;
			return 0;
		}
		if (strcmp(val, no[i]) == 0) {
			*field = 0;
			return 0;
		}
	}
	fp_text_fail(&ps->src, "%s: '%.*s' is not a boolean (yes/no)", k->name, CFG_SHOW_MAX, val);
	return -EINVAL;
}

static int
set_enum(struct parser *ps, const struct key *k, uint8_t *field, const char *val)
{
	char known[96];
	size_t n = 0;

	for (uint8_t i = 0; k->names[i] != NULL; i++) {
		if (strcmp(val, k->names[i]) == 0) {
			*field = i;
			return 0;
		}
	}
	known[0] = '\0';
	for (unsigned i = 0; k->names[i] != NULL && n < sizeof(known); i++)
		n += (size_t)snprintf(
				known + n, sizeof(known) - n, "%s%s", i ? ", " : "", k->names[i]);
	fp_text_fail(&ps->src, "%s: '%.*s' is not one of %s", k->name, CFG_SHOW_MAX, val, known);
	return -EINVAL;
}

static int
set_addr(struct parser *ps, const struct key *k, struct fp_cfg_port *port, char *val)
{
	char *slash = strchr(val, '/');
	const char *addr = val;
	uint32_t ip, len;

	if (slash == NULL) {
		fp_text_fail(&ps->src, "%s: bad address '%.*s' (want a.b.c.d/len)", k->name,
				CFG_SHOW_MAX, val);
		return -EINVAL;
	}
	*slash = '\0';
	if (fp_text_parse_ip4(&addr, &ip) < 0 || *addr != '\0' || ip == 0 || ip == UINT32_MAX ||
			(ip >> 28) == 0xe) {
		fp_text_fail(&ps->src, "%s: bad address '%.*s' (want a.b.c.d/len)", k->name,
				CFG_SHOW_MAX, val);
		return -EINVAL;
	}
	if (parse_u32(slash + 1, &len) < 0 || len < k->min || len > k->max) {
		fp_text_fail(&ps->src,
				"%s: bad prefix length '%.*s' (want %" PRIu32 "..%" PRIu32 ")",
				k->name, CFG_SHOW_MAX, slash + 1, k->min, k->max);
		return -EINVAL;
	}
	port->ip4 = ip;
	port->prefix_len = (uint8_t)len;
	return 0;
}

/*
 * The next item of a list with commas and/or blanks between items, which
 * runs to the end of the line or a comment. @return the item (its length in
 * *len, *s moved past it), or NULL at the end of the list.
 */
static char *
next_item(char **s, size_t *len)
{
	char *p = *s, *item;

	while (fp_text_blank(*p) || *p == ',')
		p++;
	if (fp_text_at_end(p))
		return NULL;
	item = p;
	while (*p != '\0' && !fp_text_blank(*p) && *p != ',')
		p++;
	*len = (size_t)(p - item);
	*s = p;
	return item;
}

/* "a.b.c.d:port" (0.0.0.0 = every local address), or empty for "off". */
static int
set_hostport(struct parser *ps, const struct key *k, struct fp_cfg_metrics *m, char *val)
{
	char *colon = strrchr(val, ':');
	const char *addr = val;
	uint32_t ip, port;

	if (*val == '\0') {
		m->ip4 = 0;
		m->port = 0;
		return 0;
	}
	if (colon == NULL) {
		fp_text_fail(&ps->src, "%s: '%.*s' has no port (want a.b.c.d:port)", k->name,
				CFG_SHOW_MAX, val);
		return -EINVAL;
	}
	*colon = '\0';
	if (fp_text_parse_ip4(&addr, &ip) < 0 || *addr != '\0' || ip == UINT32_MAX ||
			(ip >> 28) == 0xe) {
		fp_text_fail(&ps->src, "%s: bad address '%.*s' (want a.b.c.d:port)", k->name,
				CFG_SHOW_MAX, val);
		return -EINVAL;
	}
	if (parse_u32(colon + 1, &port) < 0 || port < k->min || port > k->max) {
		fp_text_fail(&ps->src, "%s: bad port '%.*s' (want %" PRIu32 "..%" PRIu32 ")",
				k->name, CFG_SHOW_MAX, colon + 1, k->min, k->max);
		return -EINVAL;
	}
	m->ip4 = ip;
	m->port = (uint16_t)port;
	return 0;
}

/* "7, 9 5001": commas and/or blanks between ports. val runs to the end of the line. */
static int
set_listen(struct parser *ps, const struct key *k, struct fp_cfg_tcp *tcp, char *val)
{
	uint16_t ports[FP_CFG_MAX_LISTEN];
	uint8_t n = 0;
	char *s = val;

	for (;;) {
		char *tok;
		char save;
		size_t len;
		uint32_t v;

		tok = next_item(&s, &len);
		if (tok == NULL)
			break;
		save = *s;
		*s = '\0';
		if (parse_ranged(ps, k, tok, &v) < 0)
			return -EINVAL;
		for (uint8_t i = 0; i < n; i++) {
			if (ports[i] == v) {
				fp_text_fail(&ps->src, "%s: port %" PRIu32 " listed twice", k->name,
						v);
				return -EINVAL;
			}
		}
		if (n == FP_CFG_MAX_LISTEN) {
			fp_text_fail(&ps->src, "%s: too many ports (max %d)", k->name,
					FP_CFG_MAX_LISTEN);
			return -EINVAL;
		}
		ports[n++] = (uint16_t)v;
		*s = save;
	}
	if (n == 0) {
		fp_text_fail(&ps->src, "%s: missing value", k->name);
		return -EINVAL;
	}
	memset(tcp->listen, 0, sizeof(tcp->listen));
	memcpy(tcp->listen, ports, n * sizeof(ports[0]));
	tcp->n_listen = n;
	return 0;
}

/* "status, stats flows": command names, commas and/or blanks between them. */
static int
set_cmds(struct parser *ps, const struct key *k, uint32_t *mask, char *val)
{
	uint32_t m = 0;
	char *s = val;

	for (;;) {
		size_t len;
		char *tok = next_item(&s, &len);
		int id;

		if (tok == NULL)
			break;
		id = fp_tlm_cmd_find(tok, len);
		if (id < 0) {
			char known[128];
			size_t n = 0;

			for (int i = 0; i < FP_TLM_CMD_COUNT && n < sizeof(known); i++)
				n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s",
						i ? ", " : "", fp_tlm_cmd_name((enum fp_tlm_cmd)i));
			fp_text_fail(&ps->src, "%s: unknown command '%.*s' (want %s)", k->name,
					(int)(len < CFG_SHOW_MAX ? len : CFG_SHOW_MAX), tok, known);
			return -EINVAL;
		}
		if (m & (1u << id)) {
			fp_text_fail(&ps->src, "%s: %s listed twice", k->name,
					fp_tlm_cmd_name((enum fp_tlm_cmd)id));
			return -EINVAL;
		}
		m |= 1u << id;
	}
	if (m == 0) {
		fp_text_fail(&ps->src, "%s: missing value (commands = no turns the topic off)",
				k->name);
		return -EINVAL;
	}
	*mask = m;
	return 0;
}

/*
 * Split off one value: a "quoted string" (\" and \\ escapes) or a run of
 * non-blank bytes. Only blanks or a comment may follow it.
 * @return the value (NUL-terminated in place), or NULL after fail().
 */
static char *
take_value(struct parser *ps, const struct key *k, char *s)
{
	char *val, *end;

	if (*s == '"') {
		char *w = s + 1;

		val = w;
		for (end = s + 1; *end != '"'; end++) {
			if (*end == '\0') {
				fp_text_fail(&ps->src, "%s: unterminated string", k->name);
				return NULL;
			}
			if (*end == '\\' && (end[1] == '"' || end[1] == '\\'))
				end++;
			*w++ = *end;
		}
		*w = '\0';
		end++;
	} else {
		val = s;
		end = s;
		while (*end != '\0' && !fp_text_blank(*end))
			end++;
		if (*end != '\0')
			*end++ = '\0';
		/* "key = # comment" and "key =" both mean an empty value. */
		if (*val == '#') {
			*val = '\0';
			return val;
		}
	}
	end = fp_text_skip_blank(end);
	if (!fp_text_at_end(end)) {
		fp_text_fail(&ps->src, "%s: trailing junk '%.*s'", k->name, CFG_SHOW_MAX, end);
		return NULL;
	}
	return val;
}

static int
set_value(struct parser *ps, const struct key *k, void *base, char *s)
{
	char *val;

	if (k->type == KEY_LISTEN)
		return set_listen(ps, k, base, s);
	if (k->type == KEY_CMDS)
		return set_cmds(ps, k, (uint32_t *)((char *)base + k->off), s);

	val = take_value(ps, k, s);
	if (val == NULL)
		return -EINVAL;
	if (k->type != KEY_STR && k->type != KEY_HOSTPORT && *val == '\0') {
		fp_text_fail(&ps->src, "%s: missing value", k->name);
		return -EINVAL;
	}

	switch (k->type) {
	case KEY_U8:
	case KEY_U16:
	case KEY_U32:
		return set_number(ps, k, (char *)base + k->off, val);
	case KEY_BOOL:
		return set_bool(ps, k, (uint8_t *)base + k->off, val);
	case KEY_ENUM:
		return set_enum(ps, k, (uint8_t *)base + k->off, val);
	case KEY_ADDR:
		return set_addr(ps, k, base, val);
	case KEY_HOSTPORT:
		return set_hostport(ps, k, base, val);
	case KEY_STR: {
		size_t len = strlen(val);
		size_t max = k->max != 0 ? k->max : k->size - 1;

		if (len > max) {
			fp_text_fail(&ps->src, "%s: value too long (max %zu bytes)", k->name, max);
			return -EINVAL;
		}
		/* a stray CR (or any control byte) would not survive "config get" */
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)val[i];

			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				fp_text_fail(&ps->src, "%s: control character 0x%02x in the value",
						k->name, c);
				return -EINVAL;
			}
		}
		memset((char *)base + k->off, 0, k->size);
		memcpy((char *)base + k->off, val, len);
		return 0;
	}
	case KEY_LISTEN:
	case KEY_CMDS:
		break;
	}
	return -EINVAL;
}

static const char *
slot_label(int slot, char *buf, size_t len)
{
	if (slot >= SECT_PORT)
		snprintf(buf, len, "port %d", slot - SECT_PORT);
	else
		snprintf(buf, len, "%s", sect_names[slot]);
	return buf;
}

/* "[tcp]", "[port 1]": s points after '['. */
static int
parse_header(struct parser *ps, char *s)
{
	char label[16];
	int slot = -1;

	s = fp_text_bracket(&ps->src, s, "section header", CFG_SHOW_MAX);
	if (s == NULL)
		return -EINVAL;

	for (int i = 0; i < SECT_PORT; i++) {
		if (strcmp(s, sect_names[i]) == 0)
			slot = i;
	}
	if (slot < 0 && strncmp(s, "port", 4) == 0 && fp_text_blank(s[4])) {
		char *num = fp_text_skip_blank(s + 4);
		uint32_t n;

		if (parse_u32(num, &n) < 0 || n >= FP_MAX_IFACES) {
			fp_text_fail(&ps->src, "bad port number '%.*s' (want 0..%d)", CFG_SHOW_MAX,
					num, FP_MAX_IFACES - 1);
			return -EINVAL;
		}
		slot = SECT_PORT + (int)n;
		if (ps->cfg->n_ports < n + 1)
			ps->cfg->n_ports = (uint8_t)(n + 1);
		if (ps->src.line > ps->max_port_line && n + 1 == ps->cfg->n_ports)
			ps->max_port_line = ps->src.line;
	}
	if (slot < 0) {
		fp_text_fail(&ps->src, "unknown section [%.*s]", CFG_SHOW_MAX, s);
		return -EINVAL;
	}
	if (ps->sect_line[slot] != 0) {
		fp_text_fail(&ps->src, "duplicate section [%s] (first at line %u)",
				slot_label(slot, label, sizeof(label)), ps->sect_line[slot]);
		return -EINVAL;
	}
	ps->sect_line[slot] = ps->src.line;
	ps->slot = slot;
	return 0;
}

/* "key = value": s points at the key's first byte. */
static int
parse_assign(struct parser *ps, char *s)
{
	const struct key *keys;
	char *name = s, *p = s;
	char label[16];
	unsigned i;

	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
		p++;
	if (p == name) {
		fp_text_fail(&ps->src, "expected 'key = value' or '[section]'");
		return -EINVAL;
	}
	s = fp_text_skip_blank(p);
	if (*s != '=') {
		*p = '\0';
		fp_text_fail(&ps->src, "missing '=' after '%.*s'", CFG_SHOW_MAX, name);
		return -EINVAL;
	}
	*p = '\0';
	s = fp_text_skip_blank(s + 1);
	if (ps->slot < 0) {
		fp_text_fail(&ps->src, "'%.*s' outside a section", CFG_SHOW_MAX, name);
		return -EINVAL;
	}
	keys = sect_keys[sect_of_slot(ps->slot)];
	for (i = 0; keys[i].name != NULL; i++) {
		if (strcmp(keys[i].name, name) == 0)
			break;
	}
	if (keys[i].name == NULL) {
		fp_text_fail(&ps->src, "unknown key '%.*s' in [%s]", CFG_SHOW_MAX, name,
				slot_label(ps->slot, label, sizeof(label)));
		return -EINVAL;
	}
	if (ps->seen[ps->slot] & (1u << i)) {
		fp_text_fail(&ps->src, "duplicate key '%s' in [%s] (first at line %u)", name,
				slot_label(ps->slot, label, sizeof(label)),
				ps->key_line[ps->slot][i]);
		return -EINVAL;
	}
	ps->seen[ps->slot] |= 1u << i;
	ps->key_line[ps->slot][i] = ps->src.line;
	return set_value(ps, &keys[i], slot_base(ps->cfg, ps->slot), s);
}

/* One line without its newline; may be modified in place. */
static int
parse_line(struct parser *ps, char *line)
{
	char *s = fp_text_skip_blank(line);

	if (fp_text_at_end(s))
		return 0;
	if (*s == '[')
		return parse_header(ps, s + 1);
	return parse_assign(ps, s);
}

static unsigned
key_line(const struct parser *ps, int slot, const char *name)
{
	const struct key *keys = sect_keys[sect_of_slot(slot)];

	for (unsigned i = 0; keys[i].name != NULL; i++) {
		if (strcmp(keys[i].name, name) == 0)
			return ps->key_line[slot][i];
	}
	return 0;
}

/* a must not exceed b; blame the later of the two lines that set them. */
static int
check_order(struct parser *ps, int slot, const char *a_name, uint32_t a, const char *b_name,
		uint32_t b)
{
	unsigned la = key_line(ps, slot, a_name), lb = key_line(ps, slot, b_name);

	if (a <= b)
		return 0;
	ps->src.line = la > lb ? la : lb;
	fp_text_fail(&ps->src, "%s (%" PRIu32 ") must not exceed %s (%" PRIu32 ")", a_name, a,
			b_name, b);
	return -EINVAL;
}

/*
 * A command that changes the appliance (shutdown, log) over MQTT runs for
 * whoever may publish to the cmd topic: only with a broker that knows who we
 * are, which then also knows who they are and can hold an ACL. TLS alone
 * (tls_ca) authenticates the broker to us, not its clients to the broker.
 */
static int
check_mqtt_commands(struct parser *ps)
{
	const struct fp_cfg_mqtt *mq = &ps->cfg->mqtt;
	uint32_t writes = mq->commands_allow & ~FP_TLM_CMD_READ_ONLY;
	unsigned la, lb;
	int id = 0;

	if (!mq->commands || writes == 0 || mq->username[0] || mq->tls_cert[0])
		return 0;
	while (!(writes & (1u << id)))
		id++;
	la = key_line(ps, SECT_MQTT, "commands_allow");
	lb = key_line(ps, SECT_MQTT, "commands");
	ps->src.line = la > lb ? la : lb;
	fp_text_fail(&ps->src,
			"commands_allow: %s changes the appliance, so the cmd topic may only take "
			"it from an authenticated broker: set username (or tls_cert), and give "
			"the broker an ACL on the topic",
			fp_tlm_cmd_name((enum fp_tlm_cmd)id));
	return -EINVAL;
}

/* Checks that involve several keys, once the whole text is read. */
static int
parse_finish(struct parser *ps)
{
	struct fp_cfg *cfg = ps->cfg;
	const struct fp_cfg_tcp *tcp = &cfg->tcp;

	for (unsigned i = 0; i < cfg->n_ports; i++) {
		if (cfg->ports[i].ip4 != 0)
			continue;
		if (ps->sect_line[SECT_PORT + i] != 0) {
			ps->src.line = ps->sect_line[SECT_PORT + i];
			fp_text_fail(&ps->src, "[port %u] has no address", i);
		} else {
			ps->src.line = ps->max_port_line;
			fp_text_fail(&ps->src, "[port %u] is missing (ports are numbered from 0)",
					i);
		}
		return -EINVAL;
	}
	if (check_order(ps, SECT_TCP, "rto_min_ms", tcp->rto_min_ms, "rto_initial_ms",
			    tcp->rto_initial_ms) < 0 ||
			check_order(ps, SECT_TCP, "rto_initial_ms", tcp->rto_initial_ms,
					"rto_max_ms", tcp->rto_max_ms) < 0)
		return -EINVAL;
	if (check_mqtt_commands(ps) < 0)
		return -EINVAL;
	/* The DPDK mempool refuses a per-lcore cache larger than mbufs / 1.5. */
	if ((uint64_t)cfg->dpdk.mbuf_cache * 3 > (uint64_t)cfg->dpdk.mbufs * 2) {
		unsigned la = key_line(ps, SECT_DPDK, "mbuf_cache");
		unsigned lb = key_line(ps, SECT_DPDK, "mbufs");

		ps->src.line = la > lb ? la : lb;
		fp_text_fail(&ps->src,
				"mbuf_cache (%" PRIu32 ") must not exceed mbufs / 1.5 (%" PRIu32
				")",
				cfg->dpdk.mbuf_cache, cfg->dpdk.mbufs);
		return -EINVAL;
	}
	return 0;
}

static void
parser_init(struct parser *ps, struct fp_cfg *cfg, const char *name, char *err, size_t err_len)
{
	memset(ps, 0, sizeof(*ps));
	ps->cfg = cfg;
	ps->src.name = name;
	ps->src.err = err;
	ps->src.err_len = err_len;
	ps->slot = -1;
	if (err != NULL && err_len > 0)
		err[0] = '\0';
}

void
fp_cfg_defaults(struct fp_cfg *cfg)
{
	/* memset first: padding is zero too, so configs compare with memcmp. */
	memset(cfg, 0, sizeof(*cfg));
	for (unsigned i = 0; i < FP_MAX_IFACES; i++)
		cfg->ports[i].mtu = 1500;

	cfg->tcp.listen[0] = 7;
	cfg->tcp.n_listen = 1;
	cfg->tcp.mss = 1460;
	cfg->tcp.max_flows = 4096;
	cfg->tcp.buffer_size = 262144;
	cfg->tcp.syn_cookies = 2;
	cfg->tcp.idle_timeout_s = 300;
	cfg->tcp.time_wait_ms = 2000;
	cfg->tcp.rto_initial_ms = 1000;
	cfg->tcp.rto_min_ms = 200;
	cfg->tcp.rto_max_ms = 60000;

	cfg->dpdk.mbufs = 8191;
	cfg->dpdk.mbuf_cache = 256;
	cfg->dpdk.rx_desc = 1024;
	cfg->dpdk.tx_desc = 1024;

	snprintf(cfg->mgmt.socket, sizeof(cfg->mgmt.socket), "%s", "/run/fastpath/fastpath.sock");

	snprintf(cfg->mqtt.host, sizeof(cfg->mqtt.host), "%s", "127.0.0.1");
	cfg->mqtt.port = 1883;
	snprintf(cfg->mqtt.topic_prefix, sizeof(cfg->mqtt.topic_prefix), "%s", "fastpath");
	cfg->mqtt.interval_ms = 1000;
	cfg->mqtt.keepalive_s = 30;
	cfg->mqtt.commands_allow = FP_TLM_CMD_READ_ONLY;
}

int
fp_cfg_parse(struct fp_cfg *cfg, const char *name, const char *text, size_t len, char *err,
		size_t err_len)
{
	struct parser ps;
	struct fp_text_lines it;
	char line[CFG_LINE_MAX + 1];
	int rc;

	parser_init(&ps, cfg, name, err, err_len);
	fp_text_lines_init(&it, text, len);
	while ((rc = fp_text_next_line(&it, &ps.src, line, CFG_LINE_MAX)) > 0) {
		if (parse_line(&ps, line) < 0)
			return -EINVAL;
	}
	if (rc == -E2BIG) {
		fp_text_fail(&ps.src, "line too long (max %d bytes)", CFG_LINE_MAX);
		return -EINVAL;
	}
	if (rc == -EILSEQ) {
		fp_text_fail(&ps.src, "NUL byte in line");
		return -EINVAL;
	}
	return parse_finish(&ps);
}

int
fp_cfg_load(struct fp_cfg *cfg, const char *path, char *err, size_t err_len)
{
	struct parser ps;
	char line[CFG_LINE_MAX + 2];
	FILE *f;
	int rc = 0;

	fp_cfg_defaults(cfg);
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	parser_init(&ps, cfg, path, err, err_len);

	f = fopen(path, "r");
	if (f == NULL) {
		rc = errno == ENOENT ? -ENOENT : -EIO;
		if (err != NULL && err_len > 0)
			snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return rc;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);

		ps.src.line++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f) || n > CFG_LINE_MAX) {
			fp_text_fail(&ps.src, "line too long (max %d bytes)", CFG_LINE_MAX);
			rc = -EINVAL;
			goto out_close;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n > CFG_LINE_MAX) {
			fp_text_fail(&ps.src, "line too long (max %d bytes)", CFG_LINE_MAX);
			rc = -EINVAL;
			goto out_close;
		}
		if (parse_line(&ps, line) < 0) {
			rc = -EINVAL;
			goto out_close;
		}
	}
	if (ferror(f)) {
		if (err != NULL && err_len > 0)
			snprintf(err, err_len, "%s: read error", path);
		rc = -EIO;
		goto out_close;
	}
	rc = parse_finish(&ps);
out_close:
	fclose(f);
	return rc;
}

/* Output with overflow tracking: one -ENOSPC check at the end. */
struct writer {
	char *buf;
	size_t len;
	size_t pos;
	bool full;
};

static void put(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->pos, w->len - w->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->len - w->pos) {
		w->full = true;
		return;
	}
	w->pos += (size_t)n;
}

/* Quote a string only when a bare word would read back differently. */
static void
put_str(struct writer *w, const char *s)
{
	bool quote = s[0] == '"' || s[0] == '#';

	for (const char *p = s; *p != '\0'; p++)
		quote |= fp_text_blank(*p);
	if (!quote) {
		put(w, "%s", s);
		return;
	}
	put(w, "\"");
	for (const char *p = s; *p != '\0'; p++)
		put(w, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
	put(w, "\"");
}

/* A key's value as the file would hold it. */
static void
put_value(struct writer *w, const struct key *k, const void *base)
{
	const char *field = (const char *)base + k->off;

	switch (k->type) {
	case KEY_U8:
		put(w, "%u", *(const uint8_t *)field);
		break;
	case KEY_U16:
		put(w, "%u", *(const uint16_t *)field);
		break;
	case KEY_U32:
		put(w, "%" PRIu32, *(const uint32_t *)field);
		break;
	case KEY_BOOL:
		put(w, "%s", *(const uint8_t *)field ? "yes" : "no");
		break;
	case KEY_ENUM: {
		uint8_t v = *(const uint8_t *)field;
		unsigned n = 0;

		while (k->names[n] != NULL)
			n++;
		/* Out of range only if set behind the parser's back: shows, and fails to parse. */
		if (v < n)
			put(w, "%s", k->names[v]);
		else
			put(w, "%u", v);
		break;
	}
	case KEY_STR:
		put_str(w, field);
		break;
	case KEY_ADDR: {
		const struct fp_cfg_port *port = base;
		char ip[FP_IP4_STR_LEN];

		put(w, "%s/%u", fp_text_format_ip4(port->ip4, ip), port->prefix_len);
		break;
	}
	case KEY_HOSTPORT: {
		const struct fp_cfg_metrics *m = base;
		char ip[FP_IP4_STR_LEN];

		if (m->port != 0)
			put(w, "%s:%u", fp_text_format_ip4(m->ip4, ip), m->port);
		break;
	}
	case KEY_LISTEN: {
		const struct fp_cfg_tcp *tcp = base;

		for (uint8_t i = 0; i < tcp->n_listen; i++)
			put(w, "%s%u", i > 0 ? ", " : "", tcp->listen[i]);
		break;
	}
	case KEY_CMDS: {
		uint32_t mask = *(const uint32_t *)field;
		const char *sep = "";

		for (int i = 0; i < FP_TLM_CMD_COUNT; i++) {
			if (mask & (1u << i)) {
				put(w, "%s%s", sep, fp_tlm_cmd_name((enum fp_tlm_cmd)i));
				sep = ", ";
			}
		}
		break;
	}
	}
}

static void
put_key(struct writer *w, const struct key *k, const void *base)
{
	put(w, "%s = ", k->name);
	put_value(w, k, base);
	put(w, "\n");
}

static void
put_section(struct writer *w, const struct fp_cfg *cfg, int slot)
{
	const struct key *keys = sect_keys[sect_of_slot(slot)];
	char label[16];

	put(w, "\n[%s]\n", slot_label(slot, label, sizeof(label)));
	for (unsigned i = 0; keys[i].name != NULL; i++)
		put_key(w, &keys[i], slot_cbase(cfg, slot));
}

int
fp_cfg_format(const struct fp_cfg *cfg, char *buf, size_t len)
{
	struct writer w = {buf, len, 0, len == 0};

	put(&w, "# fastpath effective configuration%s%s\n", cfg->path[0] ? " from " : "",
			cfg->path);
	for (unsigned i = 0; i < cfg->n_ports && i < FP_MAX_IFACES; i++)
		put_section(&w, cfg, SECT_PORT + (int)i);
	put_section(&w, cfg, SECT_TCP);
	put_section(&w, cfg, SECT_DPDK);
	put_section(&w, cfg, SECT_MGMT);
	put_section(&w, cfg, SECT_MQTT);
	put_section(&w, cfg, SECT_LOG);
	put_section(&w, cfg, SECT_METRICS);
	if (w.full) {
		if (len > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)w.pos;
}

/* ------------------------------------------------------- run-time changes */

#define CFG_KEY_NAME_MAX 48                        /* "section.key" */
#define CFG_VALUE_MAX    (2 * FP_CFG_PATH_MAX + 4) /* a path quoted with every byte escaped */

/* "tcp" -> SECT_TCP, "port2" -> SECT_PORT + 2; len bytes of s. @return the slot or -1 */
static int
slot_by_name(const char *s, size_t len)
{
	for (int i = 0; i < SECT_PORT; i++) {
		if (strlen(sect_names[i]) == len && memcmp(s, sect_names[i], len) == 0)
			return i;
	}
	/* One digit: FP_MAX_IFACES is at most 10, and "port01" is not a name. */
	if (len == 5 && memcmp(s, "port", 4) == 0 && s[4] >= '0' && s[4] - '0' < FP_MAX_IFACES)
		return SECT_PORT + (s[4] - '0');
	return -1;
}

/* The name fp_cfg_set() takes: "tcp.idle_timeout_s", "port0.mtu". */
static void
key_name(char *buf, size_t len, int slot, const struct key *k)
{
	if (slot >= SECT_PORT)
		snprintf(buf, len, "port%d.%s", slot - SECT_PORT, k->name);
	else
		snprintf(buf, len, "%s.%s", sect_names[slot], k->name);
}

static const struct key *
find_key(const char *name, int *slot)
{
	const char *dot = strchr(name, '.');
	const struct key *keys;

	if (dot == NULL)
		return NULL;
	*slot = slot_by_name(name, (size_t)(dot - name));
	if (*slot < 0)
		return NULL;
	keys = sect_keys[sect_of_slot(*slot)];
	for (unsigned i = 0; keys[i].name != NULL; i++) {
		if (strcmp(keys[i].name, dot + 1) == 0)
			return &keys[i];
	}
	return NULL;
}

int
fp_cfg_set(struct fp_cfg *cfg, const char *key, const char *value, const char *label, char *err,
		size_t err_len)
{
	struct fp_cfg next = *cfg;
	struct parser ps;
	char line[CFG_LINE_MAX + 1];
	struct key named;
	const struct key *k;
	size_t len;
	int slot;

	/* Line 0: messages read "label: key: problem", no line to point at. */
	parser_init(&ps, &next, label, err, err_len);
	k = find_key(key, &slot);
	if (k == NULL) {
		fp_text_fail(&ps.src,
				"unknown key '%.*s' (want section.key, such as "
				"tcp.idle_timeout_s)",
				CFG_SHOW_MAX, key);
		return -ENOENT;
	}
	if (!(k->flags & KEY_LIVE)) {
		fp_text_fail(&ps.src, "%s: needs a restart: %s", key,
				sect_restart[sect_of_slot(slot)]);
		return -EPERM;
	}
	/* The messages name the key as it was given, section included. */
	named = *k;
	named.name = key;
	len = strlen(value);
	if (len > CFG_LINE_MAX) {
		fp_text_fail(&ps.src, "%s: value too long (max %d bytes)", key, CFG_LINE_MAX);
		return -EINVAL;
	}
	/* A line break would end the line in a file; other control bytes are junk. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			fp_text_fail(&ps.src, "%s: control character 0x%02x in the value", key, c);
			return -EINVAL;
		}
	}
	memcpy(line, value, len + 1);
	ps.slot = slot;
	if (set_value(&ps, &named, slot_base(&next, slot), fp_text_skip_blank(line)) < 0 ||
			parse_finish(&ps) < 0)
		return -EINVAL;
	*cfg = next;
	return 0;
}

/* One section's keys of both configurations side by side; b may be NULL (fp_cfg_each()). */
static int
walk_slot(const struct fp_cfg *a, const struct fp_cfg *b, int slot, bool changed_only,
		fp_cfg_item_fn fn, void *arg)
{
	const struct key *keys = sect_keys[sect_of_slot(slot)];
	unsigned port = (unsigned)(slot - SECT_PORT);
	int count = 0;

	for (unsigned i = 0; keys[i].name != NULL; i++) {
		char name[CFG_KEY_NAME_MAX], va[CFG_VALUE_MAX], vb[CFG_VALUE_MAX];
		struct writer wa = {va, sizeof(va), 0, false};
		struct writer wb = {vb, sizeof(vb), 0, false};
		struct fp_cfg_item it;

		va[0] = vb[0] = '\0';
		if (slot < SECT_PORT || port < a->n_ports)
			put_value(&wa, &keys[i], slot_cbase(a, slot));
		else
			put(&wa, "(no section)");
		if (b != NULL && (slot < SECT_PORT || port < b->n_ports))
			put_value(&wb, &keys[i], slot_cbase(b, slot));
		else if (b != NULL)
			put(&wb, "(no section)");
		if (changed_only && strcmp(va, vb) == 0)
			continue;
		key_name(name, sizeof(name), slot, &keys[i]);
		it.key = name;
		it.value = va;
		it.other = b != NULL ? vb : NULL;
		it.live = (keys[i].flags & KEY_LIVE) != 0;
		it.restart = it.live ? NULL : sect_restart[sect_of_slot(slot)];
		fn(arg, &it);
		count++;
	}
	return count;
}

/* Every section in fp_cfg_format()'s order: the ports, then the others. */
static int
walk(const struct fp_cfg *a, const struct fp_cfg *b, bool changed_only, fp_cfg_item_fn fn,
		void *arg)
{
	unsigned n_ports = a->n_ports;
	int count = 0;

	if (b != NULL && b->n_ports > n_ports)
		n_ports = b->n_ports;
	for (unsigned i = 0; i < n_ports && i < FP_MAX_IFACES; i++)
		count += walk_slot(a, b, SECT_PORT + (int)i, changed_only, fn, arg);
	for (int slot = 0; slot < SECT_PORT; slot++)
		count += walk_slot(a, b, slot, changed_only, fn, arg);
	return count;
}

int
fp_cfg_each(const struct fp_cfg *cfg, fp_cfg_item_fn fn, void *arg)
{
	return walk(cfg, NULL, false, fn, arg);
}

int
fp_cfg_diff(const struct fp_cfg *a, const struct fp_cfg *b, fp_cfg_item_fn fn, void *arg)
{
	return walk(a, b, true, fn, arg);
}
