/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The appliance's configuration, shared by the DPDK app and the lwIP firmware.
 * Text format: "[section]" headers, "key = value" lines, '#' comments.
 * Parsing is all-or-nothing: on any error the caller gets file:line: problem
 * and must not start. No heap use, so the firmware can parse a static string.
 * A running appliance changes its live keys one at a time (fp_cfg_set()),
 * through the same checks, and compares itself with its file (fp_cfg_diff()).
 */
#ifndef FP_CFG_H
#define FP_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "fp/core.h"

#define FP_CFG_MAX_LISTEN 8
#define FP_CFG_PATH_MAX   256
#define FP_CFG_STR_MAX    128

/** [port N]: one interface. */
struct fp_cfg_port {
	uint32_t ip4;       /**< address, host byte order; 0 = not configured */
	uint8_t prefix_len; /**< from "address = a.b.c.d/len" */
	uint16_t mtu;       /**< bytes, 576..9000, default 1500 */
};

/** [tcp]: the echo service. */
struct fp_cfg_tcp {
	uint16_t listen[FP_CFG_MAX_LISTEN]; /**< served ports, host byte order */
	uint8_t n_listen;                   /**< default: one port, 7 */
	uint16_t mss;                       /**< our MSS option, default 1460 */
	uint32_t max_flows;                 /**< per context (lcore), default 4096 */
	uint32_t buffer_size;               /**< echo bytes buffered per flow, power of 2 */
	uint32_t active_flows; /**< flows with data in flight at once, 0 = min(max_flows, 65536) */
	uint32_t echo_pool_kb; /**< echo bytes of all flows, KiB, 0 = up to 64 MiB */
	uint8_t syn_cookies;                /**< 0 off, 1 on, 2 auto (from max_flows/4 half-open) */
	uint32_t idle_timeout_s;            /**< established with no traffic, default 300 */
	uint32_t time_wait_ms;              /**< FIN_WAIT_2/TIME_WAIT, >= 1000, default 2000 */
	uint32_t rto_initial_ms;            /**< RFC 6298 2.1: 1000 */
	uint32_t rto_min_ms;                /**< RFC 6298 2.4: 200 here, 1000 in the RFC */
	uint32_t rto_max_ms;                /**< cap, default 60000 */
};

/** [dpdk] idle: what a worker does when its queues are empty. */
enum fp_cfg_idle {
	FP_CFG_IDLE_POLL,     /**< poll without pause (lowest latency, a whole core) */
	FP_CFG_IDLE_ADAPTIVE, /**< back off with short sleeps once idle for a while */
};

/** [dpdk]: app-only resources. */
struct fp_cfg_dpdk {
	uint32_t mbufs;      /**< mbufs in the pool, default 8191 */
	uint32_t mbuf_cache; /**< per-lcore mempool cache, default 256 */
	uint16_t rx_desc;    /**< RX descriptors per queue, default 1024 */
	uint16_t tx_desc;    /**< TX descriptors per queue, default 1024 */
	char pipeline[FP_CFG_PATH_MAX]; /**< pipeline file, relative to the config file */
	uint8_t idle;        /**< enum fp_cfg_idle, default poll */
};

/** [mgmt]: the management socket. */
struct fp_cfg_mgmt {
	char socket[FP_CFG_PATH_MAX]; /**< default /run/fastpath/fastpath.sock */
	char group[FP_CFG_STR_MAX];   /**< socket group (mode 0660), empty = root only (0600) */
};

/** [mqtt]: telemetry. */
struct fp_cfg_mqtt {
	uint8_t enabled;
	char host[FP_CFG_STR_MAX];      /**< broker, default 127.0.0.1 */
	uint16_t port;                  /**< default 1883 */
	char client_id[FP_CFG_STR_MAX]; /**< default "fastpath-<node>" */
	char node[FP_CFG_STR_MAX];      /**< topic node name, default the host name */
	char topic_prefix[FP_CFG_STR_MAX]; /**< default "fastpath" */
	uint8_t qos;                    /**< 0..2 */
	uint32_t interval_ms;           /**< stats period, default 1000 */
	uint16_t keepalive_s;           /**< default 30 */
	char username[FP_CFG_STR_MAX];
	char password[FP_CFG_STR_MAX];
	char tls_ca[FP_CFG_PATH_MAX];   /**< CA file; setting it turns TLS on */
	char tls_cert[FP_CFG_PATH_MAX];
	char tls_key[FP_CFG_PATH_MAX];
	uint8_t commands;               /**< accept <prefix>/<node>/cmd, default off */
	uint32_t commands_allow;        /**< bit per enum fp_tlm_cmd the cmd topic runs;
	                                     default FP_TLM_CMD_READ_ONLY */
};

/** [log] level: syslog's order, as DPDK's RTE_LOG_* numbers it. */
enum fp_cfg_log_level {
	FP_CFG_LOG_DEFAULT, /**< leave it as the process started (EAL's --log-level, or info) */
	FP_CFG_LOG_EMERG,
	FP_CFG_LOG_ALERT,
	FP_CFG_LOG_CRIT,
	FP_CFG_LOG_ERR,
	FP_CFG_LOG_WARNING,
	FP_CFG_LOG_NOTICE,
	FP_CFG_LOG_INFO,
	FP_CFG_LOG_DEBUG,
};

/** [log]: the app's own log messages. */
struct fp_cfg_log {
	uint8_t level; /**< enum fp_cfg_log_level, default FP_CFG_LOG_DEFAULT */
};

/** [metrics]: the Prometheus/OpenMetrics HTTP endpoint (app only). */
struct fp_cfg_metrics {
	uint32_t ip4;  /**< listen address, host byte order; 0 = every local address */
	uint16_t port; /**< listen TCP port; 0 = endpoint off (the default) */
};

struct fp_cfg {
	char path[FP_CFG_PATH_MAX]; /**< file it was loaded from, for messages */
	struct fp_cfg_port ports[FP_MAX_IFACES];
	uint8_t n_ports;            /**< highest configured [port N] + 1 */
	struct fp_cfg_tcp tcp;
	struct fp_cfg_dpdk dpdk;
	struct fp_cfg_mgmt mgmt;
	struct fp_cfg_mqtt mqtt;
	struct fp_cfg_log log;
	struct fp_cfg_metrics metrics;
};

/** Fill every field with its documented default. */
void fp_cfg_defaults(struct fp_cfg *cfg);

/**
 * Parse configuration text over the defaults already in cfg.
 * @param name  file name used in error messages
 * @param err   out: "name:line: problem" on failure
 * @return 0, or -EINVAL with err filled (cfg is then unspecified: do not start)
 */
int fp_cfg_parse(struct fp_cfg *cfg, const char *name, const char *text, size_t len, char *err,
		size_t err_len);

/**
 * fp_cfg_defaults() + read + fp_cfg_parse(). A missing or unreadable file is an
 * error naming the file. @return 0, -ENOENT/-EIO/-EINVAL with err filled.
 */
int fp_cfg_load(struct fp_cfg *cfg, const char *path, char *err, size_t err_len);

/**
 * Write the effective configuration back as config text (for "config get").
 * @return bytes written (without NUL), or -ENOSPC.
 */
int fp_cfg_format(const struct fp_cfg *cfg, char *buf, size_t len);

/**
 * Change one key of a configuration from text, as a running appliance does:
 * the value goes through the same checks as the right-hand side of a file
 * line "key = value" in its section, then through the checks across keys
 * (rto_min_ms <= rto_initial_ms, ...). Only live keys may change; the others
 * are sized or bound once at start.
 * @param key    "section.key": "tcp.idle_timeout_s", "mqtt.interval_ms", "port0.mtu"
 * @param value  the value as it would be written in the file (quotes allowed)
 * @param label  prefix of messages, or NULL: "config set: tcp.idle_timeout_s:
 *               0 out of range (1..86400)", the file's "file:line:" in its place
 * @param err    out: the message on failure
 * @return 0 (cfg changed), -ENOENT no such key, -EPERM the key needs a
 *         restart (err says why), -EINVAL a bad value. On error cfg is unchanged.
 * Context: any; uses about 3 KB of stack (a copy of cfg).
 */
int fp_cfg_set(struct fp_cfg *cfg, const char *key, const char *value, const char *label, char *err,
		size_t err_len);

/** One key, for fp_cfg_each() and fp_cfg_diff(). Valid only during the callback. */
struct fp_cfg_item {
	const char *key;     /**< "tcp.idle_timeout_s", as fp_cfg_set() names it */
	const char *value;   /**< as config text, quoted where the file needs it;
	                          "" for a string left empty, "(no section)" for a
	                          [port N] this configuration does not have */
	const char *other;   /**< fp_cfg_diff(): the value in the second configuration; else NULL */
	int live;            /**< 1: fp_cfg_set() may change it at run time */
	const char *restart; /**< live == 0: why it waits for a restart ("sizes ...") */
};

typedef void (*fp_cfg_item_fn)(void *arg, const struct fp_cfg_item *item);

/**
 * Call fn for every key of cfg, in the order fp_cfg_format() writes them.
 * @return the number of keys
 */
int fp_cfg_each(const struct fp_cfg *cfg, fp_cfg_item_fn fn, void *arg);

/**
 * Call fn for every key whose value differs between a and b (item->value
 * from a, item->other from b), in file order. Values are compared as text,
 * so a difference the file could not express does not show.
 * @return the number of keys that differ
 */
int fp_cfg_diff(const struct fp_cfg *a, const struct fp_cfg *b, fp_cfg_item_fn fn, void *arg);

#endif /* FP_CFG_H */
