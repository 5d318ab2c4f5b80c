/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers for the line-based text formats read at start-up: the configuration
 * (lib/cfg/cfg.c) and the app's pipeline definitions (app/pipeline.c).
 * "name:line: message" errors, blank skipping and trimming, splitting a buffer
 * into lines, bounded decimal numbers, and the one IPv4 address parser and
 * formatter that the config, the management plane and the firmware share.
 * No heap, no packet path.
 */
#ifndef FP_TEXT_H
#define FP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Where a parser is, for its error messages. */
struct fp_text_src {
	const char *name; /**< file name (or any label) for messages; NULL = none */
	unsigned line;    /**< current line, from 1; 0 before the first or for no line */
	char *err;        /**< caller's message buffer, may be NULL */
	size_t err_len;   /**< its size in bytes */
};

/**
 * Write "name:line: <message>" into src->err (truncated to fit); "name:
 * <message>" when src->line is 0 (text that is not from a file, such as a
 * value set at run time) and "<message>" alone when src->name is NULL too.
 * Does nothing when src->err is NULL or err_len is 0.
 */
void fp_text_fail(const struct fp_text_src *src, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));

/** @return true for a blank: space or tab. */
static inline bool
fp_text_blank(char c)
{
	return c == ' ' || c == '\t';
}

/** @return the first non-blank byte at or after s. */
static inline char *
fp_text_skip_blank(char *s)
{
	while (fp_text_blank(*s))
		s++;
	return s;
}

/** @return true when the rest of a line is empty or a '#' comment. */
static inline bool
fp_text_at_end(const char *s)
{
	return *s == '\0' || *s == '#';
}

/** Cut the blanks just before end (not before start) by writing NULs over them. */
void fp_text_rtrim(char *start, char *end);

/**
 * Take the label of a "[label]" header line, in place: s points just after
 * the '['. Only blanks or a '#' comment may follow the ']'.
 * @param what       the header's name in messages ("section header")
 * @param show_max   at most this many bytes of trailing junk are quoted
 * @return the label, NUL-terminated and without surrounding blanks, or NULL
 *         after fp_text_fail() ("missing ']' in <what>",
 *         "trailing junk '<junk>' after <what>").
 */
char *fp_text_bracket(const struct fp_text_src *src, char *s, const char *what, int show_max);

/**
 * Parse the decimal digits at *s (no sign, no base prefix) and move *s past them.
 * @return 0, -EINVAL when *s is not a digit, -ERANGE when the value exceeds max
 *         (checked digit by digit, so a long run cannot overflow).
 */
int fp_text_parse_uint(const char **s, uint32_t max, uint32_t *out);

/** Bytes of the longest dotted quad, "255.255.255.255", with its NUL. */
#define FP_IP4_STR_LEN 16

/**
 * Parse the dotted quad at *s and move *s past it: four decimal parts of one
 * to three digits, each at most 255, separated by single dots. No blanks,
 * signs, hex or octal (inet_aton() reads "010" as 8 and "0x7f.1" as an
 * address; this reads "010" as 10 and refuses the other). What follows is
 * the caller's to check ("/len", ":port", or the end of the string).
 * @param out  the address in host byte order, written only on success
 * @return 0, or -EINVAL (*s unchanged)
 */
int fp_text_parse_ip4(const char **s, uint32_t *out);

/**
 * Write ip (host byte order) as a dotted quad.
 * @return buf, for use as a printf argument
 */
const char *fp_text_format_ip4(uint32_t ip, char buf[FP_IP4_STR_LEN]);

/** A buffer read line by line, see fp_text_next_line(). */
struct fp_text_lines {
	const char *text; /**< the whole buffer, not NUL-terminated */
	size_t len;       /**< its length in bytes */
	size_t pos;       /**< start of the next line */
};

static inline void
fp_text_lines_init(struct fp_text_lines *it, const char *text, size_t len)
{
	it->text = text;
	it->len = len;
	it->pos = 0;
}

/**
 * Copy the next line, without its "\n" or "\r\n", NUL-terminated, into line
 * (max bytes plus the NUL), and count it in src->line.
 * @return 1 a line was copied, 0 end of text, -E2BIG longer than max bytes,
 *         -EILSEQ it holds a NUL byte (both after counting the line).
 */
int fp_text_next_line(struct fp_text_lines *it, struct fp_text_src *src, char *line, size_t max);

#endif /* FP_TEXT_H */
