/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a board port supplies to run the firmware (board_main.c calls these;
 * lwIP's NO_SYS=1 core calls sys_now()), and the build-time configuration
 * the generator embeds (fw_cfg_gen.c). mps2.c is the port for ARM MPS2.
 */
#ifndef FW_BOARD_H
#define FW_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/netif.h"

/**
 * netif init function for the board's Ethernet MAC: set hwaddr, mtu,
 * flags (BROADCAST | ETHARP | ETHERNET), output = etharp_output and
 * linkoutput = a function that transmits a (possibly chained) pbuf.
 */
err_t fw_board_netif_init(struct netif *netif);

/**
 * Called from the main loop: hand each frame the MAC received to
 * netif->input (one contiguous PBUF_POOL pbuf; on a non-ERR_OK return, free
 * it). @return frames handled.
 */
int fw_board_netif_poll(struct netif *netif);

/**
 * Sleep until a frame arrives or max_ms pass (an interrupt may end it
 * sooner; the loop simply polls again).
 */
void fw_board_idle(uint32_t max_ms);

/** Write one line (no newline in it) to the console, e.g. a UART. */
void fw_board_puts(const char *line);

/** lwIP's clock: milliseconds since boot (NO_SYS=1 ports provide it). */
uint32_t sys_now(void);

/*
 * Also declared in arch/cc.h for lwIP's macros: fw_board_diag(),
 * fw_board_assert(), fw_board_rand().
 */

/**
 * The firmware: parse the built-in configuration, bring lwIP up and run the
 * main loop. Returns only on a configuration error (-EINVAL).
 */
int fw_board_main(void);

/*
 * The configuration built into the image: a cfg/fastpath.conf-format file
 * that fw_cfg_gen validated (lib/cfg plus fw_board_cfg_check()) at build time.
 */
extern const char fw_board_config_name[]; /**< the file it came from */
extern const char fw_board_config_text[]; /**< its text, NUL-terminated */
extern const size_t fw_board_config_len;  /**< bytes of text */

#endif /* FW_BOARD_H */
