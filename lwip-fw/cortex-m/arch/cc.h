/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lwIP platform glue for arm-none-eabi (newlib) on a Cortex-M: byte order,
 * diagnostics, assertions and randomness go to board hooks (fw_board.h).
 */
#ifndef FW_ARCH_CC_H
#define FW_ARCH_CC_H

#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN

typedef uint32_t sys_prot_t;

/* Provided by the board port (see ../fw_board.h). */
void fw_board_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fw_board_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
uint32_t fw_board_rand(void);

#define LWIP_PLATFORM_DIAG(x)    \
	do {                     \
		fw_board_diag x; \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) fw_board_assert((x), __FILE__, __LINE__)
#define LWIP_RAND()             fw_board_rand()

#endif /* FW_ARCH_CC_H */
