/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A writer for the Prometheus text exposition format (version 0.0.4) and
 * OpenMetrics text (1.0.0) into a caller buffer: metric families with HELP
 * and TYPE lines, samples with escaped label values. The app's metrics
 * endpoint (app/metrics.c) builds its /metrics page with it. No heap and no
 * libc formatting; like fp_tlm_json, errors latch and fp_prom_finish()
 * reports them once.
 */
#ifndef FP_PROM_H
#define FP_PROM_H

#include <stddef.h>
#include <stdint.h>

/** The two text formats; they differ in counter and info naming and the final "# EOF". */
enum fp_prom_format {
	FP_PROM_TEXT,        /**< text/plain; version=0.0.4 */
	FP_PROM_OPENMETRICS, /**< application/openmetrics-text; version=1.0.0 */
};

enum fp_prom_type {
	FP_PROM_COUNTER, /**< samples are "<name>_total", monotonic */
	FP_PROM_GAUGE,   /**< samples are "<name>" */
	FP_PROM_INFO,    /**< samples are "<name>_info" with value 1: identity as labels */
};

#define FP_PROM_NAME_MAX 128 /**< bytes of a family name, NUL included */

/** Writer state. */
struct fp_prom {
	char *buf;                     /**< caller buffer */
	size_t cap;                    /**< bytes in buf */
	size_t len;                    /**< bytes written (no NUL) */
	int err;                       /**< 0, -ENOSPC or -EINVAL (latched) */
	enum fp_prom_format fmt;       /**< output format */
	enum fp_prom_type type;        /**< type of the open family */
	char family[FP_PROM_NAME_MAX]; /**< open family name, "" before the first */
};

/** One label of a sample. */
struct fp_prom_label {
	const char *name;  /**< [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" */
	const char *value; /**< any UTF-8; '\\', '"' and newline are escaped */
};

/** Start writing into buf (cap bytes, one kept for the final NUL). */
void fp_prom_init(struct fp_prom *p, char *buf, size_t cap, enum fp_prom_format fmt);

/**
 * Open a metric family: its HELP and TYPE lines. Samples that follow belong
 * to it until the next family.
 * @param name  base name, [a-zA-Z_:][a-zA-Z0-9_:]*, without the "_total"
 *              (counter) or "_info" (info) suffix the writer adds
 * @param help  one line of description; '\\' and newline are escaped
 */
void fp_prom_family(struct fp_prom *p, const char *name, enum fp_prom_type type, const char *help);

/** One sample of the open family with an integer value (an info sample must be 1). */
void fp_prom_sample(struct fp_prom *p, const struct fp_prom_label *labels, unsigned n_labels,
		uint64_t value);

/** One sample whose value is milli / 1000, written with three decimals ("12.345"). */
void fp_prom_sample_milli(struct fp_prom *p, const struct fp_prom_label *labels, unsigned n_labels,
		uint64_t milli);

/**
 * Close the page (OpenMetrics: the "# EOF" line) and NUL-terminate it.
 * @return its length without the NUL; -ENOSPC when it did not fit, -EINVAL
 *         for a bad name, a sample outside a family or an info value other
 *         than 1. On error buf holds "" (no partial page escapes).
 */
int fp_prom_finish(struct fp_prom *p);

/** The HTTP Content-Type of a format. */
const char *fp_prom_content_type(enum fp_prom_format fmt);

/**
 * The format to answer an HTTP request with, from its Accept header (may be
 * NULL): OpenMetrics when the client lists application/openmetrics-text with
 * a non-zero q, otherwise the Prometheus text format, which every scraper reads.
 */
enum fp_prom_format fp_prom_negotiate(const char *accept);

#endif /* FP_PROM_H */
