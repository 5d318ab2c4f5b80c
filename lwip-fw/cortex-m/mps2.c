/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The board port for ARM MPS2 AN385/AN386: everything fw_board.h and
 * arch/cc.h ask of a board. Console on CMSDK UART 0 (polled), SysTick at
 * 1 kHz for sys_now(), the LAN9118 driver for the netif, WFI between polls
 * (woken by SysTick or the MAC's RX interrupt), and main().
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lwip/sys.h"

#include "fw_board.h"
#include "lan9118.h"
#include "mps2.h"

/* CMSDK APB UART registers. */
#define UART_DATA       0x00
#define UART_STATE      0x04
#define UART_CTRL       0x08
#define UART_BAUDDIV    0x10
#define UART_STATE_TXF  (1u << 0)
#define UART_CTRL_TX_EN (1u << 0)
#define UART_BAUD       115200u

/* ARMv7-M system control space. */
#define SYST_CSR         (*(volatile uint32_t *)0xe000e010u)
#define SYST_RVR         (*(volatile uint32_t *)0xe000e014u)
#define SYST_CVR         (*(volatile uint32_t *)0xe000e018u)
#define SYST_CSR_ENABLE  (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CPUCLK  (1u << 2)
#define NVIC_ISER0       (*(volatile uint32_t *)0xe000e100u)

static volatile uint32_t mps2_ms;
static struct lan9118 mps2_eth = {.base = MPS2_LAN9118_BASE};
static uint32_t mps2_rand_state;

static inline void
uart_wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(MPS2_UART0_BASE + off) = v;
}

static inline uint32_t
uart_rd(uint32_t off)
{
	return *(volatile const uint32_t *)(MPS2_UART0_BASE + off);
}

static void
uart_putc(char c)
{
	while (uart_rd(UART_STATE) & UART_STATE_TXF)
		;
	uart_wr(UART_DATA, (uint8_t)c);
}

static void
uart_write(const char *s)
{
	while (*s != '\0')
		uart_putc(*s++);
}

void
fw_board_puts(const char *line)
{
	uart_write(line);
	uart_putc('\n');
}

void
fw_board_diag(const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	uart_write(buf);
}

void
fw_board_assert(const char *msg, const char *file, int line)
{
	fw_board_diag("lwIP assertion \"%s\" failed at %s:%d\n", msg, file, line);
	for (;;)
		__asm volatile("wfi");
}

void
mps2_fault(uint32_t exception)
{
	fw_board_diag("fault: exception %lu, halted\n", (unsigned long)exception);
	for (;;)
		__asm volatile("wfi");
}

/* xorshift32, seeded at boot from the MAC's free-running counter and SysTick. */
uint32_t
fw_board_rand(void)
{
	uint32_t x = mps2_rand_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	mps2_rand_state = x;
	return x;
}

/*
 * No C heap: all state is static and lwIP has its own (MEM_SIZE). newlib's
 * snprintf still links malloc for the asprintf buffers it never grows here,
 * so malloc exists but fails. mps2.ld defines no "end", so newlib's own
 * _sbrk, which would hand out the RAM above .bss, cannot be linked instead.
 */
void *_sbrk(ptrdiff_t incr);

void *
_sbrk(ptrdiff_t incr)
{
	(void)incr;
	errno = ENOMEM;
	return (void *)-1;
}

uint32_t
sys_now(void)
{
	return mps2_ms;
}

void
mps2_systick_handler(void)
{
	mps2_ms++;
}

void
mps2_ethernet_handler(void)
{
	lan9118_irq_ack(&mps2_eth);
}

err_t
fw_board_netif_init(struct netif *netif)
{
	err_t err;

	netif->state = &mps2_eth;
	err = lan9118_netif_init(netif);
	/*
	 * Only now: out of reset the chip drives its IRQ line active-low, which
	 * the NVIC would take as a permanent interrupt.
	 */
	if (err == ERR_OK)
		NVIC_ISER0 = 1u << MPS2_IRQ_ETHERNET;
	return err;
}

int
fw_board_netif_poll(struct netif *netif)
{
	return lan9118_poll(netif, 16);
}

void
fw_board_idle(uint32_t max_ms)
{
	uint32_t until = mps2_ms + max_ms;

	/*
	 * With interrupts masked, a frame that arrives between the check and WFI
	 * still ends the WFI (a pending interrupt wakes the core), so none waits
	 * for the next tick.
	 */
	while ((int32_t)(mps2_ms - until) < 0) {
		__asm volatile("cpsid i" ::: "memory");
		if (lan9118_rx_pending(&mps2_eth)) {
			__asm volatile("cpsie i" ::: "memory");
			return;
		}
		__asm volatile("wfi\n\tcpsie i" ::: "memory");
	}
}

int
main(void)
{
	uart_wr(UART_BAUDDIV, MPS2_SYSCLK_HZ / UART_BAUD);
	uart_wr(UART_CTRL, UART_CTRL_TX_EN);
	SYST_RVR = MPS2_SYSCLK_HZ / 1000u - 1u;
	SYST_CVR = 0;
	SYST_CSR = SYST_CSR_CPUCLK | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
	/* LAN9118 FREE_RUN counts at 25 MHz from reset: differs from boot to boot. */
	mps2_rand_state = *(volatile const uint32_t *)(MPS2_LAN9118_BASE + 0x9c) ^ SYST_CVR ^
			0x9e3779b9u;
	if (mps2_rand_state == 0)
		mps2_rand_state = 1;
	return fw_board_main();
}
