/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pipeline definitions (the files in pipelines/): which stages each worker lcore
 * runs. Parsed once at start by main.c, before any port starts; each worker
 * turns its stage set into fp_ctx.handlers. No DPDK calls, only its limits.
 *
 * Format ('#' comments, blank lines ignored):
 *   [lcores all]                      every worker lcore not named elsewhere
 *   stages = rx arp icmp tcp_echo tx  rx first, tx last, each stage once
 *   [lcores 2,4-5]                    an explicit lcore list
 *   stages = rx arp icmp tx
 * A worker lcore that no block covers does not poll (main.c warns).
 */
#ifndef APP_PIPELINE_H
#define APP_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include <rte_config.h>

#include "fp/cfg.h"

#define APP_PIPELINE_TEXT_MAX 4096

/** Stage bits; the protocol stages map onto enum fp_handler. */
enum app_stage {
	APP_STAGE_RX = 1u << 16,
	APP_STAGE_TX = 1u << 17,
};

struct app_pipeline {
	char path[FP_CFG_PATH_MAX];           /**< file it came from, "" = built-in default */
	char text[APP_PIPELINE_TEXT_MAX];     /**< the definition text, for display */
	uint32_t all_stages;                  /**< stages of the [lcores all] block, 0 = none */
	unsigned all_line;                    /**< its header line */
	uint32_t lcore_stages[RTE_MAX_LCORE]; /**< explicit blocks, 0 = not named */
	unsigned lcore_line[RTE_MAX_LCORE];   /**< header line that named the lcore */
};

/** The built-in pipeline: every worker runs rx arp icmp tcp_echo tx. */
void app_pipeline_default(struct app_pipeline *p);

/**
 * Parse a pipeline definition.
 * @param name  used in "name:line: problem" messages
 * @return 0, or -EINVAL with err filled
 */
int app_pipeline_parse(struct app_pipeline *p, const char *name, const char *text, size_t len,
		char *err, size_t err_len);

/** Read and parse a file. @return 0, -ENOENT/-EIO/-EFBIG/-EINVAL with err filled. */
int app_pipeline_load(struct app_pipeline *p, const char *path, char *err, size_t err_len);

/** Stage bits for a worker lcore (explicit block, else the all block), 0 = idle. */
uint32_t app_pipeline_stages(const struct app_pipeline *p, unsigned lcore_id);

/** fp_ctx.handlers bits (enum fp_handler) for a stage set. */
uint32_t app_pipeline_handlers(uint32_t stages);

/** Write "rx arp icmp tcp_echo tx" for a stage set. @return length, or -ENOSPC. */
int app_pipeline_stage_names(uint32_t stages, char *buf, size_t len);

#endif /* APP_PIPELINE_H */
