/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for run-time configuration changes, fp_cfg_set(): what
 * the management "set" command hands it from a socket or MQTT client.
 * Built and run by tests/fuzz/run.sh; seeds in cfg_set/corpus/.
 *
 * The input is "KEY\nVALUE" (the first line the key, the rest the value,
 * line breaks and all). Checked on every input (abort = crash report): the
 * result is 0, -ENOENT, -EPERM or -EINVAL; the message is NUL-terminated,
 * empty on success and "fuzz set: ..." on failure; a refused change leaves
 * the configuration as it was; an accepted one changes that key only, is
 * written back by fp_cfg_format() as text that parses to the same
 * configuration, and setting the key again to its written value changes
 * nothing.
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

struct changed {
	int n;
	int other_key; /* a key other than the one set changed */
	const char *key;
	char value[1024];
};

static void
on_change(void *arg, const struct fp_cfg_item *it)
{
	struct changed *c = arg;

	c->n++;
	if (strcmp(it->key, c->key) != 0)
		c->other_key = 1;
	else
		strncpy(c->value, it->other, sizeof(c->value) - 1); /* the new value */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char base_text[] = "[port 0]\naddress = 198.18.0.1/24\n";
	static const char prefix[] = "fuzz set: ";
	static struct fp_cfg base, cfg, again;
	static char key[128], value[2048], text[64 * 1024];
	struct changed c;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t klen = nl != NULL ? (size_t)(nl - data) : size;
	size_t vlen = nl != NULL ? size - klen - 1 : 0;
	char err[256];
	int rc, n;

	if (klen >= sizeof(key) || vlen >= sizeof(value))
		return 0;
	memcpy(key, data, klen);
	key[klen] = '\0';
	memcpy(value, nl != NULL ? nl + 1 : data, vlen);
	value[vlen] = '\0';
	fp_cfg_defaults(&base);
	CHECK(fp_cfg_parse(&base, "base", base_text, sizeof(base_text) - 1, err, sizeof(err)) == 0);
	cfg = base;

	memset(err, 'Z', sizeof(err));
	rc = fp_cfg_set(&cfg, key, value, "fuzz set", err, sizeof(err));
	CHECK(rc == 0 || rc == -ENOENT || rc == -EPERM || rc == -EINVAL);
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc != 0) {
		CHECK(strncmp(err, prefix, sizeof(prefix) - 1) == 0);
		CHECK(memcmp(&cfg, &base, sizeof(cfg)) == 0);
		return 0;
	}
	CHECK(err[0] == '\0');

	memset(&c, 0, sizeof(c));
	c.key = key;
	fp_cfg_diff(&base, &cfg, on_change, &c);
	CHECK(c.n <= 1 && !c.other_key);

	n = fp_cfg_format(&cfg, text, sizeof(text));
	CHECK(n > 0 && (size_t)n == strlen(text));
	fp_cfg_defaults(&again);
	CHECK(fp_cfg_parse(&again, "fmt", text, (size_t)n, err, sizeof(err)) == 0);
	CHECK(memcmp(&again, &cfg, sizeof(cfg)) == 0);

	/* The written value, set again, is what is already there. */
	if (c.n == 1) {
		again = cfg;
		CHECK(fp_cfg_set(&again, key, c.value, NULL, err, sizeof(err)) == 0);
		CHECK(memcmp(&again, &cfg, sizeof(cfg)) == 0);
	}
	return 0;
}
