import { describe, expect, it } from 'vitest';
import {
  formatResources,
  formatAgo, formatAxisValue, formatBytes, formatCount, formatClock, formatDateTime, formatEta, formatMetricValue, parsePaper, progressFraction, shortSha, toDate,
} from './format';

describe('formatEta', () => {
  it('shows a dash when unknown', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(undefined)).toBe('—');
    expect(formatEta(Number.NaN)).toBe('—');
    expect(formatEta(-5)).toBe('—');
  });

  it('formats seconds, minutes, hours and days', () => {
    expect(formatEta(0)).toBe('0s');
    expect(formatEta(44.6)).toBe('45s');
    expect(formatEta(60)).toBe('1m 00s');
    expect(formatEta(725)).toBe('12m 05s');
    expect(formatEta(7380)).toBe('2h 03m');
    expect(formatEta(3 * 86400 + 4 * 3600 + 59)).toBe('3d 4h');
  });
});

describe('progressFraction', () => {
  it('divides step by total and clamps', () => {
    expect(progressFraction(25, 100)).toBe(0.25);
    expect(progressFraction(120, 100)).toBe(1);
  });

  it('is null when the total is unknown', () => {
    expect(progressFraction(5, null)).toBeNull();
    expect(progressFraction(5, 0)).toBeNull();
    expect(progressFraction(null, 10)).toBeNull();
  });
});

describe('formatMetricValue', () => {
  it('keeps four significant digits', () => {
    expect(formatMetricValue(2.123456)).toBe('2.123');
    expect(formatMetricValue(1234.5)).toBe('1235');
    expect(formatMetricValue(0.5)).toBe('0.5');
    expect(formatMetricValue(0)).toBe('0');
  });

  it('uses exponents for tiny and huge values', () => {
    expect(formatMetricValue(0.0005)).toBe('5.000e-4');
    expect(formatMetricValue(12345678)).toBe('1.235e+7');
  });

  it('shows a dash for missing values', () => {
    expect(formatMetricValue(null)).toBe('—');
  });
});

describe('formatAxisValue', () => {
  it('keeps ticks short', () => {
    expect(formatAxisValue(0.0005)).toBe('5e-4');
    expect(formatAxisValue(0.000125)).toBe('1.25e-4');
    expect(formatAxisValue(2500000)).toBe('2.5e+6');
    expect(formatAxisValue(0.25)).toBe('0.25');
    expect(formatAxisValue(0)).toBe('0');
    expect(formatAxisValue(null)).toBe('');
  });
});

describe('formatBytes', () => {
  it('picks a unit', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(formatBytes(null)).toBe('—');
  });
});

describe('times', () => {
  it('reads unix seconds and ISO strings', () => {
    expect(toDate(1732300000)?.toISOString()).toBe('2024-11-22T18:26:40.000Z');
    expect(toDate('2024-11-22T18:26:40Z')?.getTime()).toBe(1732300000000);
    expect(toDate('not a date')).toBeNull();
    expect(toDate(null)).toBeNull();
  });

  it('formats a date and a clock time', () => {
    expect(formatDateTime('2024-11-22T18:26:40Z', 'en-US')).toMatch(/Nov 22, 2024/);
    expect(formatDateTime(null)).toBe('—');
    expect(formatClock(1732300000)).toMatch(/^\d\d:26:40$/);
  });
});

describe('parsePaper', () => {
  it('reads the registry\'s {title, url} object', () => {
    expect(parsePaper({ title: 'Distilling the Knowledge in a Neural Network', url: 'https://arxiv.org/abs/1503.02531' })).toEqual({
      title: 'Distilling the Knowledge in a Neural Network',
      url: 'https://arxiv.org/abs/1503.02531',
    });
    expect(parsePaper(null)).toEqual({ title: '', url: null });
  });
});

describe('formatCount', () => {
  it('shortens counts like parameter numbers', () => {
    expect(formatCount(950)).toBe('950');
    expect(formatCount(1234)).toBe('1.2K');
    expect(formatCount(1_234_567)).toBe('1.2M');
    expect(formatCount(12_345_678)).toBe('12.3M');
    expect(formatCount(123_456_789)).toBe('123M');
    expect(formatCount(7_000_000_000)).toBe('7B');
    expect(formatCount(999_999)).toBe('1M');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(null)).toBe('—');
  });
});

describe('formatAgo and shortSha', () => {
  it('says how long ago in words', () => {
    expect(formatAgo(2)).toBe('just now');
    expect(formatAgo(45)).toBe('45 s ago');
    expect(formatAgo(200)).toBe('3 min ago');
    expect(formatAgo(7300)).toBe('2 h ago');
    expect(formatAgo(4 * 86400)).toBe('4 d ago');
    expect(formatAgo(null)).toBe('never');
  });

  it('cuts a hash to its prefix', () => {
    expect(shortSha('e9d68548c7705b2848f5399bb1ebd4cc')).toBe('e9d68548c770');
    expect(shortSha('')).toBe('—');
  });
});

describe('formatResources', () => {
  it('says CPU or GPUs on one host, and hosts times GPUs over several', () => {
    expect(formatResources({ gpus: 0 })).toBe('CPU');
    expect(formatResources(undefined)).toBe('CPU');
    expect(formatResources({ gpus: 1 })).toBe('1 GPU');
    expect(formatResources({ gpus: 4, nodes: 1 })).toBe('4 GPUs');
    expect(formatResources({ gpus: 8, nodes: 2 })).toBe('2 hosts × 8 GPUs');
    expect(formatResources({ gpus: 0, nodes: 3 })).toBe('3 hosts (CPU)');
  });
});
