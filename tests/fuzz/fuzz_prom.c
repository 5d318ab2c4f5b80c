/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for what the metrics endpoint does with client bytes:
 * fp_prom_negotiate() on the Accept header, and the Prometheus writer's
 * escaping, fed the same bytes as a label value and as HELP text (the page
 * carries device names and configuration strings). Built and run by
 * tests/fuzz/run.sh; seeds in prom/corpus/ (Accept headers and odd text).
 *
 * Checked on every input (abort = crash report): the format is one of the
 * two; the page is written or refused with -ENOSPC, never cut short; a
 * written page has exactly its own line breaks (an escaped value adds none)
 * and the OpenMetrics one ends in "# EOF".
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fp/prom.h"

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char page[8192];
	char *text = malloc(size + 1); /* exact size: ASan catches over-reads */
	const struct fp_prom_label l[] = {{"lcore", "1"}, {"device", text}};
	enum fp_prom_format fmt;
	struct fp_prom p;
	size_t lines = 0;
	int n;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fmt = fp_prom_negotiate(text);
	CHECK(fmt == FP_PROM_TEXT || fmt == FP_PROM_OPENMETRICS);

	fp_prom_init(&p, page, sizeof(page), fmt);
	fp_prom_family(&p, "fp_fuzz", FP_PROM_COUNTER, text);
	fp_prom_sample(&p, l, 2, 1);
	n = fp_prom_finish(&p);
	CHECK(n == -ENOSPC || (n > 0 && (size_t)n == strlen(page)));
	if (n > 0) {
		for (int i = 0; i < n; i++)
			lines += page[i] == '\n';
		/* HELP, TYPE, the sample, and "# EOF" in OpenMetrics */
		CHECK(lines == (fmt == FP_PROM_OPENMETRICS ? 4u : 3u));
		CHECK(page[n - 1] == '\n');
		if (fmt == FP_PROM_OPENMETRICS)
			CHECK(n >= 6 && memcmp(page + n - 6, "# EOF\n", 6) == 0);
	} else {
		CHECK(page[0] == '\0');
	}
	free(text);
	return 0;
}
