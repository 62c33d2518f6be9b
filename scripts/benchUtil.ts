// What every benchmark part shares: the row format, medians, timing, and the side-by-side loop.
import { performance } from 'node:perf_hooks';
import type { HubFlavor } from '../test/hub/harness';

/** BENCH_RUNS sets the repetitions of the per-call rows (default 50). */
export const CALLS = Number(process.env.BENCH_RUNS ?? 50);

export interface Row {
  what: string;
  flavor: HubFlavor | '-';
  medianMs: number;
  baselineMs?: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Interleaves the two so drift in machine load hits both alike; returns their medians. */
export async function sideBySide(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  runs = CALLS,
): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < 3; i++) await Promise.all([a(), b()]); // warm up sockets and JIT
  for (let i = 0; i < runs; i++) {
    ta.push(await time(a));
    tb.push(await time(b));
  }
  return [median(ta), median(tb)];
}

/**
 * Like sideBySide, but alternates blocks of `block` calls. Kernel round trips on a stock jupyter_server depend on
 * when the previous message was acknowledged (the Nagle/delayed-ACK stall), so a call right after the other
 * client's call measures that interplay more than itself; blocks keep each client's calls back to back.
 */
export async function sideBySideBlocks(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  runs = CALLS,
  block = 10,
): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < 3; i++) {
    await a();
    await b();
  }
  while (ta.length < runs) {
    for (let i = 0; i < block && ta.length < runs; i++) ta.push(await time(a));
    for (let i = 0; i < block && tb.length < runs; i++) tb.push(await time(b));
  }
  return [median(ta), median(tb)];
}

/** Prints rows as a Markdown table with the ratio to the baseline where there is one. */
export function printTable(rows: readonly Row[]): void {
  console.log('| what | flavour | median ms | baseline ms | ratio |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const base = r.baselineMs === undefined ? '' : r.baselineMs.toFixed(2);
    const ratio = r.baselineMs === undefined ? '' : (r.medianMs / r.baselineMs).toFixed(2);
    console.log(`| ${r.what} | ${r.flavor} | ${r.medianMs.toFixed(2)} | ${base} | ${ratio} |`);
  }
}
