import { describe, expect, it } from 'vitest';
import { formatDuration, formatMetric, formatTime } from '@/lib/format';

describe('format', () => {
  it.each([
    [0, 500, '500ms'],
    [0, 1500, '1.5s'],
    [0, 184_000, '3m 04s'],
    [0, 3_720_000, '1h 02m'],
    [0, 3 * 86_400_000 + 3_600_000, '3d 01h'],
  ])('formats a duration from %d to %d as %s', (start, end, text) => {
    expect(formatDuration(start, end)).toBe(text);
  });

  it('uses now for a running run and nothing for an unknown start', () => {
    expect(formatDuration(1000, undefined, 3000)).toBe('2.0s');
    expect(formatDuration(undefined, 5)).toBe('');
  });

  it('formats times and metric values', () => {
    expect(formatTime(undefined)).toBe('');
    expect(formatTime(Date.UTC(2024, 0, 2, 3, 4, 5))).toMatch(/^2024-01-0[12] \d\d:04:05$/);
    expect(formatMetric(0.123456789)).toBe('0.123457');
    expect(formatMetric(42)).toBe('42');
    expect(formatMetric('NaN')).toBe('NaN');
  });
});
