/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARM MPS2 AN385/AN386 board support (as QEMU's mps2-an385/an386 emulate
 * it): memory map, the CMSDK UART console, SysTick as lwIP's clock, the
 * LAN9118 Ethernet MAC, and the interrupt handlers startup.c installs.
 */
#ifndef FW_MPS2_H
#define FW_MPS2_H

#include <stdint.h>

#define MPS2_SYSCLK_HZ    25000000u   /* AN385/AN386 FPGA system clock */
#define MPS2_UART0_BASE   0x40004000u /* CMSDK APB UART 0: the console */
#define MPS2_LAN9118_BASE 0x40200000u
#define MPS2_IRQ_ETHERNET 13

/** SysTick: one tick per millisecond (sys_now()). */
void mps2_systick_handler(void);

/** LAN9118 interrupt: acknowledge only; frames are read by the main loop. */
void mps2_ethernet_handler(void);

/** Print the exception number on the console and halt. */
void mps2_fault(uint32_t exception) __attribute__((noreturn));

#endif /* FW_MPS2_H */
