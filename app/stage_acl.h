/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The acl stage's classifier: a pipeline block's rules (acl_rule.h) built
 * into an rte_acl context off the fast path (at start and on reload), then
 * used by the acl node to classify a burst at a time. A built classifier is
 * read-only, so every lcore running the block shares one.
 */
#ifndef APP_STAGE_ACL_H
#define APP_STAGE_ACL_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"

#define APP_ACL_BURST_MAX 256 /**< packets per app_acl_classify() call */

struct app_acl;

/**
 * Build the classifier for a block's acl stage.
 * @param name    unique among live classifiers (rte_acl context names are global)
 * @param socket  NUMA socket for the run-time tables
 * @return the classifier, or NULL with err filled ("acl: ..." from rte_acl).
 * Context: any non-worker thread, after EAL init; takes milliseconds to seconds.
 */
struct app_acl *app_acl_build(const struct app_acl_conf *conf, const char *name, int socket,
		char *err, size_t err_len);

void app_acl_free(struct app_acl *acl);

/** Rules in the classifier (permit, deny and count). */
uint32_t app_acl_n_rules(const struct app_acl *acl);

/**
 * Classify n IPv4 packets (n <= APP_ACL_BURST_MAX).
 * @param ip4    each packet's IPv4 header (20 bytes, no options) followed by
 *               at least l4_len[i] bytes
 * @param deny   out: 1 when the packet is denied (a deny rule, or no rule and
 *               a deny default), else 0
 * @param count  out: 1 + index of the first count rule that matches, 0 = none
 * Context: any thread; lock-free on a built classifier.
 */
void app_acl_classify(const struct app_acl *acl, const uint8_t *const *ip4, const uint16_t *l4_len,
		uint16_t n, uint8_t *deny, uint32_t *count);

#endif /* APP_STAGE_ACL_H */
