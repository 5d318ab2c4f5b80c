/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry: the stats document both targets publish (the DPDK app over MQTT
 * and the management socket, the lwIP firmware over MQTT), a small streaming
 * JSON writer it is built with, and a strict parser for the flat JSON request
 * objects of the management protocol. Plain C, no heap: every encoder writes
 * into a caller buffer. The document's schema is described in docs/TELEMETRY.md.
 */
#ifndef FP_TLM_H
#define FP_TLM_H

#include <stddef.h>
#include <stdint.h>

#include "fp/stats.h"

/** Value of the "schema" key of the stats document; bump on incompatible changes. */
#define FP_TLM_SCHEMA "fastpath.stats/2"

/* ------------------------------------------------------------------------ */
/* Streaming JSON writer                                                      */
/* ------------------------------------------------------------------------ */

#define FP_TLM_JSON_MAX_DEPTH 16

/**
 * Writer state. Calls never fail individually: the first overflow or misuse
 * latches an error that fp_tlm_json_finish() reports, so a builder can make
 * all its calls and check once.
 */
struct fp_tlm_json {
	char *buf;         /**< caller buffer */
	size_t cap;        /**< bytes in buf */
	size_t len;        /**< bytes written so far (no NUL) */
	int err;           /**< 0, -ENOSPC or -EINVAL (latched) */
	uint8_t depth;     /**< open objects/arrays */
	uint8_t after_key; /**< a key was written; the next value needs no comma */
	uint32_t nonempty; /**< bit d: container at depth d already has a member */
};

/** Start writing into buf (cap bytes, one of them kept for the final NUL). */
void fp_tlm_json_init(struct fp_tlm_json *j, char *buf, size_t cap);

void fp_tlm_json_obj_begin(struct fp_tlm_json *j);
void fp_tlm_json_obj_end(struct fp_tlm_json *j);
void fp_tlm_json_arr_begin(struct fp_tlm_json *j);
void fp_tlm_json_arr_end(struct fp_tlm_json *j);
/** Member name inside an object; the next call writes its value. */
void fp_tlm_json_key(struct fp_tlm_json *j, const char *key);
/**
 * String value (NUL-terminated); control bytes, '"' and '\\' are escaped, and
 * each byte that is not part of well-formed UTF-8 is written as \ufffd, so
 * the document is valid JSON (RFC 8259 8.1) whatever the input.
 */
void fp_tlm_json_str(struct fp_tlm_json *j, const char *s);
/** String value of n bytes (may contain NUL, escaped as \u0000), as fp_tlm_json_str(). */
void fp_tlm_json_strn(struct fp_tlm_json *j, const char *s, size_t n);
void fp_tlm_json_u64(struct fp_tlm_json *j, uint64_t v);
void fp_tlm_json_i64(struct fp_tlm_json *j, int64_t v);
void fp_tlm_json_bool(struct fp_tlm_json *j, int v);
void fp_tlm_json_null(struct fp_tlm_json *j);

/* key + value shorthands */
void fp_tlm_json_kv_str(struct fp_tlm_json *j, const char *key, const char *s);
void fp_tlm_json_kv_u64(struct fp_tlm_json *j, const char *key, uint64_t v);
void fp_tlm_json_kv_i64(struct fp_tlm_json *j, const char *key, int64_t v);
void fp_tlm_json_kv_bool(struct fp_tlm_json *j, const char *key, int v);

/**
 * Close the document: NUL-terminate it.
 * @return its length (without the NUL); -ENOSPC if it did not fit, -EINVAL if
 *         containers are unbalanced or a value was written where a key was due.
 *         On error buf holds an empty string (no partial document escapes).
 */
int fp_tlm_json_finish(struct fp_tlm_json *j);

/* ------------------------------------------------------------------------ */
/* The stats document                                                        */
/* ------------------------------------------------------------------------ */

/**
 * One stage of a context's pipeline: a node of the DPDK app's graph, with
 * the figures rte_graph keeps for it. The app fills these (app_graph_stats())
 * for the stats document and the metrics endpoint alike.
 */
struct fp_tlm_node {
	const char *stage; /**< the pipeline's name for it: "rx", "acl", "drop_acl_deny" */
	const char *name;  /**< the graph node's name: "fp_acl-l1s0" */
	uint64_t packets;  /**< packets it processed */
	uint64_t calls;    /**< times it ran with packets */
	uint64_t drops;    /**< packets it sent to a drop sink (a sink: every packet) */
	uint64_t cycles;   /**< TSC cycles it spent (cycles / packets: its cost per packet) */
};

/** One packet-processing context (a DPDK worker lcore, or the firmware loop). */
struct fp_tlm_ctx {
	uint32_t id;                     /**< lcore id (DPDK) or 0 (firmware) */
	const struct fp_stats *stats;    /**< read with fp_stats_get(): any thread */
	const struct fp_tlm_node *nodes; /**< its pipeline's nodes, NULL = none (firmware) */
	uint32_t n_nodes;
};

/** Everything the stats document says. */
struct fp_tlm_doc {
	const char *node;              /**< node name (MQTT topic level), may be NULL = omitted */
	const char *target;            /**< "dpdk" or "lwip" */
	const char *version;           /**< software version */
	uint64_t uptime_ms;            /**< since start */
	uint64_t time_ms;              /**< wall clock, Unix epoch ms; 0 = omitted */
	uint64_t seq;                  /**< document sequence number (per publisher) */
	const struct fp_tlm_ctx *ctxs; /**< contexts, summed into "total" */
	uint32_t n_ctxs;
	int per_ctx; /**< non-zero: also list each context under "contexts" */
};

/** One member of a counter block: its key in every document, and its value. */
typedef void (*fp_tlm_member_fn)(void *arg, const char *key, uint64_t value);

/**
 * Call fn for each member of a counter block, in document order: every
 * counter of FP_FOREACH_COUNTER, then "flows_open" and "drops" (the sum of
 * all drop_* counters, fp_stats_drops()). Every encoder (this JSON, the
 * app's rte_telemetry dicts) lists a block this way, so all agree.
 * Context: any thread (counters are read with fp_stats_get()).
 */
void fp_tlm_counters_foreach(const struct fp_stats *st, fp_tlm_member_fn fn, void *arg);

/**
 * Write one counter block as a JSON object, the members of
 * fp_tlm_counters_foreach(). Usable inside a larger document.
 */
void fp_tlm_json_counters(struct fp_tlm_json *j, const struct fp_stats *st);

/**
 * Write "nodes": [...], a context's pipeline nodes in order (keys stage,
 * node, packets, calls, drops, cycles), into the object already open.
 */
void fp_tlm_json_nodes(struct fp_tlm_json *j, const struct fp_tlm_node *nodes, uint32_t n);

/**
 * Write the stats document as one JSON value into a larger document (the
 * management socket's reply embeds it). Errors latch in j as usual.
 */
void fp_tlm_json_stats_doc(struct fp_tlm_json *j, const struct fp_tlm_doc *doc);

/**
 * Encode the stats document (docs/TELEMETRY.md) into buf as one line of JSON.
 * @return bytes written (without the NUL), or -ENOSPC (buf then holds "").
 * Context: any thread; counters are read with relaxed atomic loads.
 */
int fp_tlm_stats_encode(const struct fp_tlm_doc *doc, char *buf, size_t len);

/* ------------------------------------------------------------------------ */
/* Flat request parser                                                       */
/* ------------------------------------------------------------------------ */

#define FP_TLM_REQ_MAX_FIELDS 8
#define FP_TLM_REQ_KEY_MAX    32  /**< bytes of a key, NUL included */
#define FP_TLM_REQ_STR_MAX    256 /**< bytes of a string value, NUL included */

enum fp_tlm_val_type {
	FP_TLM_VAL_STR,
	FP_TLM_VAL_INT,
	FP_TLM_VAL_BOOL,
	FP_TLM_VAL_NULL,
};

struct fp_tlm_field {
	char key[FP_TLM_REQ_KEY_MAX];
	uint8_t type;                 /**< enum fp_tlm_val_type */
	char str[FP_TLM_REQ_STR_MAX]; /**< FP_TLM_VAL_STR, UTF-8, NUL-terminated */
	int64_t num;                  /**< FP_TLM_VAL_INT; BOOL: 0/1 */
};

/** A parsed request: one flat JSON object. */
struct fp_tlm_req {
	struct fp_tlm_field f[FP_TLM_REQ_MAX_FIELDS];
	uint32_t n;
};

/**
 * Parse one flat JSON object: string keys, values that are strings, integers
 * (no fraction or exponent), true, false or null. Nested values, duplicate
 * keys, bad escapes, unpaired surrogates, raw control bytes, NUL in strings,
 * trailing bytes other than white space are all rejected.
 * @param err  out: a static description of the first problem (may be NULL)
 * @return 0, -EINVAL (malformed) or -E2BIG (too many fields, key or string too long)
 */
int fp_tlm_req_parse(struct fp_tlm_req *req, const char *text, size_t len, const char **err);

/** The field named key, or NULL. */
const struct fp_tlm_field *fp_tlm_req_get(const struct fp_tlm_req *req, const char *key);

/** The string value of key, or NULL when absent or not a string. */
const char *fp_tlm_req_str(const struct fp_tlm_req *req, const char *key);

/**
 * The integer value of key in *out.
 * @return 0, -ENOENT (absent) or -EINVAL (not an integer)
 */
int fp_tlm_req_int(const struct fp_tlm_req *req, const char *key, int64_t *out);

/* ------------------------------------------------------------------------ */
/* Management commands                                                       */
/* ------------------------------------------------------------------------ */

/*
 * X(ENUM_SUFFIX, "name", writes): every command of the management protocol,
 * in the order "help" lists them. writes = 1 marks a command that changes
 * the appliance (drains and exits, sets the log level or a live setting,
 * reloads the pipeline): the MQTT cmd topic takes those only when
 * [mqtt] commands_allow names them. "pipeline" with op "reload" is
 * pipeline_reload, whatever pipeline may do.
 */
#define FP_TLM_FOREACH_CMD(X)                    \
	X(STATUS, "status", 0)                   \
	X(STATS, "stats", 0)                     \
	X(FLOWS, "flows", 0)                     \
	X(PORTS, "ports", 0)                     \
	X(PIPELINE, "pipeline", 0)               \
	X(PIPELINE_RELOAD, "pipeline_reload", 1) \
	X(CONFIG, "config", 0)                   \
	X(SET, "set", 1)                         \
	X(LOG, "log", 1)                         \
	X(SHUTDOWN, "shutdown", 1)               \
	X(HELP, "help", 0)

enum fp_tlm_cmd {
#define FP_X_ENUM(id, name, writes) FP_TLM_CMD_##id,
	FP_TLM_FOREACH_CMD(FP_X_ENUM)
#undef FP_X_ENUM
	FP_TLM_CMD_COUNT
};

#define FP__TLM_CMD_RO(id, name, writes) | ((writes) ? 0u : 1u << FP_TLM_CMD_##id)

/** Bit (1 << enum fp_tlm_cmd) of every command; a mask of them says what an origin may run. */
#define FP_TLM_CMD_ALL ((1u << FP_TLM_CMD_COUNT) - 1)
/** The commands that only read: what the MQTT cmd topic takes by default. */
#define FP_TLM_CMD_READ_ONLY (0u FP_TLM_FOREACH_CMD(FP__TLM_CMD_RO))

/** Name of a command ("status"), or NULL when out of range. */
const char *fp_tlm_cmd_name(enum fp_tlm_cmd id);

/** The command called name (len bytes, not NUL-terminated). @return its id, or -ENOENT */
int fp_tlm_cmd_find(const char *name, size_t len);

#endif /* FP_TLM_H */
