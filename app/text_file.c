/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app_read_file() (text_file.h): one bounded read for the pipeline and ACL
 * rule parsers, so both refuse a missing, unreadable or oversized file the
 * same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_file.h"

int
app_read_file(const char *path, size_t max, char **buf, size_t *len, char *err, size_t err_len)
{
	FILE *f = fopen(path, "r");
	char *b;
	size_t n;
	int rc = 0;

	if (f == NULL) {
		rc = errno == ENOENT ? -ENOENT : -EIO;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return rc;
	}
	b = malloc(max);
	if (b == NULL) {
		snprintf(err, err_len, "%s: out of memory", path);
		rc = -ENOMEM;
		goto out_close;
	}
	n = fread(b, 1, max, f);
	if (ferror(f)) {
		snprintf(err, err_len, "%s: read error", path);
		rc = -EIO;
	} else if (n == max) {
		snprintf(err, err_len, "%s: too big (max %zu bytes)", path, max - 1);
		rc = -EFBIG;
	}
	if (rc < 0) {
		free(b);
		goto out_close;
	}
	*buf = b;
	*len = n;
out_close:
	fclose(f);
	return rc;
}
