// Keeps the last N log lines of a run, ordered by seq, without the duplicates that appear when
// the initial fetch and the live stream overlap or the stream replays after a reconnect.

import type { LogLine } from '../api/types';

export const LOG_TAIL_LINES = 200;

export function appendLogLines(existing: readonly LogLine[], incoming: readonly LogLine[], max = LOG_TAIL_LINES): LogLine[] {
  if (incoming.length === 0) return existing as LogLine[];
  const lastSeq = existing.length > 0 ? existing[existing.length - 1]!.seq : -Infinity;
  let merged: LogLine[];
  if (incoming.every((line, i) => line.seq > (i === 0 ? lastSeq : incoming[i - 1]!.seq))) {
    merged = [...existing, ...incoming];
  } else {
    const bySeq = new Map<number, LogLine>();
    for (const line of existing) bySeq.set(line.seq, line);
    for (const line of incoming) bySeq.set(line.seq, line);
    merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}
