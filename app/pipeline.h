/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipeline definitions (the files in pipelines/): the stage graph each worker
 * lcore runs. Parsed before EAL init by main.c and again on reload; graph.c
 * turns a block into one rte_graph per lcore. No DPDK calls, only its limits,
 * so every error is unit-tested.
 *
 * Format ('#' comments, blank lines ignored):
 *   [lcores all]                   every worker lcore not named elsewhere
 *   stages = rx arp icmp tcp_echo tx
 *   [lcores 2,4-5]                 an explicit lcore list
 *   stages = rx arp acl icmp tcp_echo tx
 *   acl.default = deny             a parameter: STAGE.PARAM = VALUE
 *   acl.permit -> icmp             an edge: STAGE.OUTPUT -> STAGE | tx | drop
 *
 * rx comes first and tx last. arp answers ARP wherever it is listed; every
 * other stage sees IPv4 packets (already validated), in the order listed:
 * an output left unnamed leads to the next such stage, a reply to tx, a
 * deny or drop to drop. A packet that no stage takes is dropped as
 * drop_ip4_proto, as when its protocol's stage is left out.
 *
 * Stages and outputs (the drop reason counted when an output leads to drop):
 *   rx                         poll the lcore's queue on every port; rx.deliver =
 *                              inline (default) runs arp, icmp and tcp_echo in
 *                              this node when the block is just them with their
 *                              default edges (fp_input()'s shape), nodes keeps a
 *                              node per stage
 *   arp        reply           answer ARP for our addresses
 *   acl        permit deny     rte_acl rules (acl_rule.h); deny: drop_acl_deny
 *   ratelimit  pass drop       rte_meter per source or for all; drop: drop_rate_limit
 *   icmp       reply next      answer ICMP echo; next: not ICMP
 *   tcp_echo   reply next      the TCP echo engine; next: not TCP
 *   reflect    reply           swap MACs, addresses and ports, send back
 *   tx                         transmit on the lcore's queue
 * Errors (file:line): unknown stage, edge, output or parameter; a bad value;
 * a stage that nothing leads to; a cycle.
 */
#ifndef APP_PIPELINE_H
#define APP_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_config.h>

#include "fp/cfg.h"

#include "acl_rule.h"

#define APP_PIPELINE_TEXT_MAX 16384 /**< bytes of a pipeline file */
#define APP_PL_BLOCKS_MAX     16    /**< [lcores ...] blocks per file */
#define APP_PL_OUT_MAX        2     /**< outputs per stage */

/** Stage kinds, in the order a block stores them. */
enum app_stage_kind {
	APP_STAGE_RX,
	APP_STAGE_ARP,
	APP_STAGE_ACL,
	APP_STAGE_RATELIMIT,
	APP_STAGE_ICMP,
	APP_STAGE_TCP_ECHO,
	APP_STAGE_REFLECT,
	APP_STAGE_TX,
	APP_STAGE_KIND_COUNT
};

/** Where an output leads besides a stage (stage kinds are 0..APP_STAGE_KIND_COUNT-1). */
enum app_pl_target {
	APP_PL_TO_DROP = 0xfe, /**< the drop sink of the output's reason */
	APP_PL_TO_NONE = 0xff, /**< the output does not exist */
};

enum app_acl_default {
	APP_ACL_DEFAULT_PERMIT,
	APP_ACL_DEFAULT_DENY,
};

/** acl stage parameters. */
struct app_acl_conf {
	struct app_acl_rules rules; /**< in order: inline rules and rules files as they come */
	uint8_t default_deny;       /**< 1: a packet no permit/deny rule matches is denied */
};

enum app_rl_meter {
	APP_RL_SRTCM, /**< RFC 2697: rate, burst, excess_burst; red is dropped */
	APP_RL_TRTCM, /**< RFC 2698: rate, burst, peak_rate, peak_burst; red is dropped */
};

enum app_rl_unit {
	APP_RL_PACKETS,
	APP_RL_BYTES,
};

enum app_rl_key {
	APP_RL_PER_SOURCE, /**< one meter per source address, in a bounded table */
	APP_RL_PER_ALL,    /**< one meter for everything the stage matches */
};

/** Which packets a ratelimit stage meters (bits); the others pass untouched. */
enum app_rl_match {
	APP_RL_MATCH_ICMP = 1u << 0,    /**< ICMP */
	APP_RL_MATCH_TCP_SYN = 1u << 1, /**< TCP with SYN set and ACK clear */
	APP_RL_MATCH_TCP = 1u << 2,     /**< any TCP */
	APP_RL_MATCH_UDP = 1u << 3,     /**< UDP */
	APP_RL_MATCH_OTHER = 1u << 4,   /**< any other protocol */
	APP_RL_MATCH_ALL = 0x1f,
};

/** ratelimit stage parameters; rates per second, bursts in the same unit. */
struct app_rl_conf {
	uint8_t meter;       /**< enum app_rl_meter */
	uint8_t unit;        /**< enum app_rl_unit */
	uint8_t key;         /**< enum app_rl_key */
	uint8_t match;       /**< enum app_rl_match bits */
	uint64_t rate;       /**< committed rate (CIR), units/s */
	uint64_t burst;      /**< committed burst (CBS), units */
	uint64_t excess;     /**< srTCM excess burst (EBS), units; 0 = none */
	uint64_t peak_rate;  /**< trTCM peak rate (PIR), units/s */
	uint64_t peak_burst; /**< trTCM peak burst (PBS), units */
	uint32_t table_size; /**< per-source meters (power of two) */
};

/** One output of a stage in a block. */
struct app_pl_edge {
	uint8_t to;    /**< stage kind, APP_PL_TO_DROP or APP_PL_TO_NONE */
	unsigned line; /**< line of the `->` that set it, 0 = the default */
};

/** One stage in a block (one per kind at most). */
struct app_pl_stage {
	unsigned line;                          /**< the stages line; 0 = not in this block */
	struct app_pl_edge out[APP_PL_OUT_MAX]; /**< indexed like app_stage_outputs() */
};

/** One [lcores ...] block: a graph. */
struct app_pl_block {
	unsigned line;                       /**< the header line */
	unsigned stages_line;                /**< the stages line */
	uint8_t n;                           /**< stages listed */
	uint8_t order[APP_STAGE_KIND_COUNT]; /**< kinds in list order */
	uint8_t ip_entry; /**< first stage IPv4 packets enter, or APP_PL_TO_DROP */
	struct app_pl_stage st[APP_STAGE_KIND_COUNT]; /**< indexed by kind */
	struct app_acl_conf acl;
	struct app_rl_conf rl;
	uint8_t rx_nodes; /**< rx.deliver = nodes: never run the stages inside rx */
};

/** A parsed pipeline file; free with app_pipeline_free() (ACL rules live on the heap). */
struct app_pipeline {
	char path[FP_CFG_PATH_MAX]; /**< file (parse name) it came from, "" = built-in default */
	char text[APP_PIPELINE_TEXT_MAX]; /**< the definition text, for display */
	unsigned n_blocks;
	struct app_pl_block blocks[APP_PL_BLOCKS_MAX];
	int8_t all_block;                  /**< the [lcores all] block, -1 = none */
	int8_t lcore_block[RTE_MAX_LCORE]; /**< explicit blocks, -1 = not named */
};

/** The built-in pipeline: every worker runs rx arp icmp tcp_echo tx. */
void app_pipeline_default(struct app_pipeline *p);

/**
 * Parse a pipeline definition. Rules files named in it are read relative to
 * the directory of name.
 * @param name  the file's path, used in "name:line: problem" messages
 * @return 0, or a negative errno with err filled; p holds nothing to free then.
 */
int app_pipeline_parse(struct app_pipeline *p, const char *name, const char *text, size_t len,
		char *err, size_t err_len);

/** Read and parse a file. @return 0, -ENOENT/-EIO/-EFBIG/-EINVAL... with err filled. */
int app_pipeline_load(struct app_pipeline *p, const char *path, char *err, size_t err_len);

/** Free what a parsed pipeline holds (ACL rules); p may be parsed again afterwards. */
void app_pipeline_free(struct app_pipeline *p);

/** The block a worker lcore runs (explicit block, else the all block), NULL = idle. */
const struct app_pl_block *app_pipeline_block(const struct app_pipeline *p, unsigned lcore_id);

/** Stage kind bits (1 << enum app_stage_kind) a block lists. */
uint32_t app_pl_block_stages(const struct app_pl_block *b);

/** Stage kind bits (1 << enum app_stage_kind) of an lcore's block, 0 = idle. */
uint32_t app_pipeline_stages(const struct app_pipeline *p, unsigned lcore_id);

/**
 * Whether rx runs the block's stages itself: the block lists nothing but
 * rx, arp, icmp, tcp_echo and tx, every reply goes to tx and IPv4 passes
 * icmp and tcp_echo on to drop (what fp_input() does), and rx.deliver is not
 * "nodes". The graph then has one node less per packet's path.
 */
bool app_pl_block_inline(const struct app_pl_block *b);

/** fp_ctx.handlers bits (enum fp_handler) for a stage set. */
uint32_t app_pipeline_handlers(uint32_t stages);

/** Write "rx arp icmp tcp_echo tx" for a stage set. @return length, or -ENOSPC. */
int app_pipeline_stage_names(uint32_t stages, char *buf, size_t len);

/** "rx", "acl", ...; NULL out of range. */
const char *app_stage_name(enum app_stage_kind k);

/** A stage kind's output names (NULL-terminated, at most APP_PL_OUT_MAX). */
const char *const *app_stage_outputs(enum app_stage_kind k);

/** Drop counter (enum fp_counter) of a stage's output when it leads to drop. */
unsigned app_stage_drop_reason(enum app_stage_kind k, unsigned out);

#endif /* APP_PIPELINE_H */
