/**
 * Every knob of a bench run in one place. The figures the issue fixes (N, M, 1,000 samples,
 * interval/timeout 1 s for half-open, 5,000 reconnect cycles) are here as given; the rest
 * is chosen to keep a default run within 3 min on 2 cores, and every wait has a bound.
 */
import type { VariantName } from './pages/api';

export const VARIANTS: readonly VariantName[] = [
  'tabsocket',
  'tabsocket-two-builds',
  'tabsocket-no-shared-worker',
  'seed',
  'partysocket',
  'rws',
  'raw-hop',
];
/**
 * tabsocket with more than one hub sharing the socket through the owner lock: their per-N
 * sessions open the first tab alone (its hub takes the lock), then the rest, and time the
 * round trips in the last tab, a relay's from N = 2 on.
 */
export const RELAY_VARIANTS: readonly VariantName[] = [
  'tabsocket-two-builds',
  'tabsocket-no-shared-worker',
];
/**
 * The variants the one-tab fault figures run for: each with a socket of its own (not the
 * raw hop); the relay variants have one hub with one tab, the tabsocket case.
 */
export const SOCKET_VARIANTS: readonly VariantName[] = ['tabsocket', 'seed', 'partysocket', 'rws'];
export const TAB_COUNTS = [1, 5, 10] as const;

/**
 * Heartbeat for the per-N figures: a ping every 500 ms keeps the heartbeat window short.
 * Detection is measured apart (FAULT_HEARTBEAT), so the timeout here only has to never
 * fire: with 4 s, tabs starved of CPU on a busy 2-core machine dropped their sockets in the
 * middle of a 20,000-frame run (the seed recipe 5 of 10 once), which left those tabs
 * without frames and spoiled the throughput figure.
 */
export const STEADY_HEARTBEAT = { interval: 500, timeout: 30_000 };
/** Heartbeat for half-open detection and offline → online, as the issue sets it. */
export const FAULT_HEARTBEAT = { interval: 1000, timeout: 1000 };

/** Heartbeat frames are counted over this idle window (≥ 2 pings a socket) and scaled to a minute. */
export const HEARTBEAT_WINDOW_MS = 1250;
export const RTT = { samples: 1000, warmup: 50, waitMs: 5000 };
export const THROUGHPUT = { frames: 20_000, waitMs: 40_000, idleMs: 5000 };

export const OPEN_WAIT_MS = 10_000;
/** How long the network stays away in the offline → online figure: > interval + timeout. */
export const OFFLINE_MS = 3000;
/** Bound on waiting for a variant to notice a fault or to reconnect. */
export const FAULT_WAIT_MS = 15_000;

/**
 * Reconnect cycles for the worker-heap figure. Chromium lets one WebSocket handshake per
 * host:port run at a time (RFC 6455 §4.1), which caps one connection near 75 cycles/s here;
 * spreading the cycles over connections to several ports makes 5,000 fit in seconds. The
 * baseline heap is read halfway: the first cycles grow the heap by some 30 KB of warm-up
 * (compiled code, inline caches) that then stays flat through 20,000 cycles.
 */
export const CHURN = { cycles: 5000, baselineAt: 2500, ports: 8, waitMs: 40_000 };
