import { describe, expect, it } from 'vitest';
import {
  formatAxisValue, formatBytes, formatClock, formatDateTime, formatEta, formatMetricValue, parsePaper, progressFraction, toDate,
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
  it('splits a title and a parenthesised link', () => {
    expect(parsePaper('Distilling the Knowledge in a Neural Network (https://arxiv.org/abs/1503.02531)')).toEqual({
      title: 'Distilling the Knowledge in a Neural Network',
      url: 'https://arxiv.org/abs/1503.02531',
    });
  });

  it('splits a title followed by a dash and a link', () => {
    expect(parsePaper('TAID — https://arxiv.org/abs/2501.16937')).toEqual({
      title: 'TAID',
      url: 'https://arxiv.org/abs/2501.16937',
    });
  });

  it('reads the registry\'s {title, url} object', () => {
    expect(parsePaper({ title: 'Distilling the Knowledge in a Neural Network', url: 'https://arxiv.org/abs/1503.02531' })).toEqual({
      title: 'Distilling the Knowledge in a Neural Network',
      url: 'https://arxiv.org/abs/1503.02531',
    });
    expect(parsePaper(null)).toEqual({ title: '', url: null });
  });

  it('keeps a plain title or a bare link', () => {
    expect(parsePaper('Some paper')).toEqual({ title: 'Some paper', url: null });
    expect(parsePaper('https://arxiv.org/abs/1')).toEqual({ title: 'https://arxiv.org/abs/1', url: 'https://arxiv.org/abs/1' });
  });
});
