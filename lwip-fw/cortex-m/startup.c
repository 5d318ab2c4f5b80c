/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cortex-M start-up for the MPS2 image: the vector table (initial stack
 * pointer, reset and exception handlers, the board's IRQs), and the reset
 * handler, which copies .data from flash, clears .bss and calls main().
 * A fault prints which one on the console and halts (mps2.c).
 */
#include <stdint.h>
#include <string.h>

#include "mps2.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];

int main(void);
void Reset_Handler(void);

void
Reset_Handler(void)
{
	memcpy(_sdata, _sidata, (size_t)((uintptr_t)_edata - (uintptr_t)_sdata));
	memset(_sbss, 0, (size_t)((uintptr_t)_ebss - (uintptr_t)_sbss));
	main();
	for (;;)
		;
}

static void
fault_handler(void)
{
	uint32_t ipsr;

	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	mps2_fault(ipsr & 0x1ff);
}

typedef void (*vector_fn)(void);

/* ARMv7-M: 16 system exceptions, then the AN385/AN386 interrupts (32 wired). */
__attribute__((section(".isr_vector"), used)) static const vector_fn vectors[16 + 32] = {
		[0] = (vector_fn)(uintptr_t)_estack,
		[1] = Reset_Handler,
		[2] = fault_handler,  /* NMI */
		[3] = fault_handler,  /* HardFault */
		[4] = fault_handler,  /* MemManage */
		[5] = fault_handler,  /* BusFault */
		[6] = fault_handler,  /* UsageFault */
		[11] = fault_handler, /* SVCall */
		[12] = fault_handler, /* DebugMon */
		[14] = fault_handler, /* PendSV */
		[15] = mps2_systick_handler,
		[16 + MPS2_IRQ_ETHERNET] = mps2_ethernet_handler,
};
