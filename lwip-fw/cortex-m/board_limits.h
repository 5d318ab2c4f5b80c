/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The board image's static limits: what its memory is sized for. lwipopts.h
 * sizes lwIP's pools from them, board_main.c its flow table and echo
 * buffers, and fw_board_cfg_check() (board_cfg.h) holds a configuration to them.
 */
#ifndef FW_BOARD_LIMITS_H
#define FW_BOARD_LIMITS_H

#define FW_MAX_FLOWS     4    /**< echo connections served at once */
#define FW_ECHO_BUF_SIZE 2048 /**< echo bytes buffered per connection, power of two */
#define FW_MAX_LISTEN    2    /**< listening ports ([tcp] listen) */

#endif /* FW_BOARD_LIMITS_H */
