import { describe, expect, it } from 'vitest';
import { formatGpu, heartbeatAge, sortWorkers, workerState } from './workers';

const now = Date.parse('2025-11-23T12:00:00Z');
const worker = (overrides = {}) => ({
  hostname: 'gpu-1',
  last_heartbeat: '2025-11-23T11:59:50Z',
  stopped_at: null as string | null,
  current_run: null as number | null,
  busy: false,
  stale: false,
  ...overrides,
});

describe('workerState', () => {
  it('is idle or busy while heartbeats are fresh', () => {
    expect(workerState(worker())).toBe('idle');
    expect(workerState(worker({ current_run: 4, busy: true }))).toBe('busy');
  });

  it('is busy with a run the user cannot see: the server leaves its id out but says the worker is busy', () => {
    expect(workerState(worker({ current_run: null, busy: true }))).toBe('busy');
  });

  it('takes the server\'s word on staleness when it sends one', () => {
    expect(workerState(worker({ stale: true }))).toBe('stale');
    expect(workerState(worker({ last_heartbeat: '2025-11-23T11:50:00Z', stale: false, current_run: 4, busy: true }))).toBe('busy');
    expect(workerState(worker({ stale: true, stopped_at: '2025-11-23T11:59:55Z' }))).toBe('stopped');
  });

  it('is stopped once the worker said so', () => {
    expect(workerState(worker({ stopped_at: '2025-11-23T11:59:55Z' }))).toBe('stopped');
  });

  it('measures the heartbeat age in seconds', () => {
    expect(heartbeatAge(worker(), now)).toBe(10);
    expect(heartbeatAge(worker({ last_heartbeat: 'garbage' }), now)).toBeNull();
  });
});

describe('formatGpu and sortWorkers', () => {
  it('describes a GPU with its memory', () => {
    expect(formatGpu({ index: 0, name: 'NVIDIA H100 80GB HBM3', memory_mb: 81559 })).toBe('0: NVIDIA H100 80GB HBM3 (80 GB)');
    expect(formatGpu({ index: 1, name: 'T4', memory_mb: 0 })).toBe('1: T4');
    expect(formatGpu({ index: 2, name: 'small', memory_mb: 4096 })).toBe('2: small (4.0 GB)');
  });

  it('puts working workers first, then stale, then stopped', () => {
    const sorted = sortWorkers([
      worker({ hostname: 'c', stopped_at: '2025-11-23T11:00:00Z' }),
      worker({ hostname: 'b', last_heartbeat: '2025-11-23T10:00:00Z', stale: true }),
      worker({ hostname: 'z' }),
      worker({ hostname: 'a', current_run: 1, busy: true }),
    ]);
    expect(sorted.map((w) => w.hostname)).toEqual(['a', 'z', 'b', 'c']);
  });
});
