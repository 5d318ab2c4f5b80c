/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whole text files read into memory for the app's parsers (pipeline files,
 * ACL rules files), before anything starts and on reload. lib/ parses
 * buffers only; the reading, and the heap, stay in app/.
 */
#ifndef APP_TEXT_FILE_H
#define APP_TEXT_FILE_H

#include <stddef.h>

/**
 * Read a file of fewer than max bytes into a buffer from malloc().
 * @param buf  out: the bytes (not NUL-terminated), the caller frees it
 * @param len  out: their count
 * @return 0, or -ENOENT, -EIO, -EFBIG (max bytes or more), -ENOMEM, with
 *         err filled ("path: problem")
 */
int app_read_file(const char *path, size_t max, char **buf, size_t *len, char *err, size_t err_len);

#endif /* APP_TEXT_FILE_H */
