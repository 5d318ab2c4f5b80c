/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the configuration parser, fp_cfg_parse() over text
 * (what the firmware parses from a string; fp_cfg_load() reads files line by
 * line into the same per-line code). Built and run by tests/fuzz/run.sh;
 * seeds in cfg/corpus/ (the shipped configs and edge cases).
 *
 * The input is a whole configuration file. Checked on every input (abort =
 * crash report): the result is 0 or -EINVAL; the message is NUL-terminated,
 * empty on success, and "fuzz.conf:<line>: ..." with a line >= 1 on failure;
 * an accepted configuration written back by fp_cfg_format() parses again to
 * the very same struct fp_cfg ("config get" shows what runs).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fp/cfg.h"

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fp_cfg cfg, again;
	static char text[64 * 1024];
	static const char prefix[] = "fuzz.conf:";
	char err[256];
	int rc, n;

	fp_cfg_defaults(&cfg);
	memset(err, 'Z', sizeof(err));
	rc = fp_cfg_parse(&cfg, "fuzz.conf", (const char *)data, size, err, sizeof(err));
	CHECK(rc == 0 || rc == -EINVAL);
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc != 0) {
		CHECK(strncmp(err, prefix, sizeof(prefix) - 1) == 0);
		CHECK(err[sizeof(prefix) - 1] >= '1' && err[sizeof(prefix) - 1] <= '9');
		return 0;
	}
	CHECK(err[0] == '\0');

	n = fp_cfg_format(&cfg, text, sizeof(text));
	CHECK(n > 0 && (size_t)n == strlen(text));
	fp_cfg_defaults(&again);
	CHECK(fp_cfg_parse(&again, "fmt", text, (size_t)n, err, sizeof(err)) == 0);
	CHECK(memcmp(&again, &cfg, sizeof(cfg)) == 0);
	return 0;
}
