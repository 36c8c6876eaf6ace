// The last lines of a run's log. Follows new lines while scrolled to the bottom; stays put when
// the reader has scrolled up.

import { useLayoutEffect, useRef } from 'react';
import type { LogLine } from '../api/types';
import { formatClock } from '../lib/format';

export function LogTail({ lines }: { lines: readonly LogLine[] }) {
  const box = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  const onScroll = () => {
    const el = box.current;
    if (el) following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };

  return (
    <div
      ref={box}
      className="log-tail"
      role="log"
      aria-label="Run log"
      tabIndex={0}
      onScroll={onScroll}
      data-testid="log-tail"
    >
      {lines.length === 0 && <p className="muted">No log lines yet.</p>}
      {lines.map((line) => (
        <div key={line.seq} className={`log-line log-${line.level}`} data-seq={line.seq}>
          <span className="log-time">{formatClock(line.time)}</span>
          <span className="log-level">{line.level}</span>
          <span className="log-message">{line.message}</span>
        </div>
      ))}
    </div>
  );
}
