import { describe, expect, it, vi } from 'vitest';
import { hasDrawablePoints, pointsForWidth, shapeChartData, stepRangeFor, toPlotValue } from '@/components/line-chart-data';
import { formatDuration } from '@/components/line-chart';

vi.mock('uplot', () => import('@/components/__tests__/fake-uplot'));

const T0 = 1_700_000_000_000;

describe('shapeChartData', () => {
  it('puts steps on x for one series, sorted', () => {
    const data = shapeChartData([{ label: 'loss', points: [
      { step: 2, timestamp: T0 + 2000, value: 0.5 },
      { step: 0, timestamp: T0, value: 2 },
      { step: 1, timestamp: T0 + 1000, value: 1 },
    ] }], 'step', false);
    expect(data).toEqual({ xs: [0, 1, 2], ys: [[2, 1, 0.5]], labels: ['loss'] });
  });

  it('aligns several runs on the union of x with gaps as null', () => {
    const data = shapeChartData([
      { label: 'a', points: [{ step: 0, timestamp: T0, value: 1 }, { step: 2, timestamp: T0, value: 3 }] },
      { label: 'b', points: [{ step: 1, timestamp: T0, value: 10 }, { step: 2, timestamp: T0, value: 30 }] },
    ], 'step', false);
    expect(data.xs).toEqual([0, 1, 2]);
    expect(data.ys).toEqual([[1, null, 3], [null, 10, 30]]);
  });

  it('uses seconds since the run start for relative time and epoch seconds for wall time', () => {
    const points = [{ step: 0, timestamp: T0 + 5000, value: 1 }, { step: 1, timestamp: T0 + 65_000, value: 2 }];
    expect(shapeChartData([{ label: 'x', points, startTime: T0 }], 'relative', false).xs).toEqual([5, 65]);
    expect(shapeChartData([{ label: 'x', points }], 'relative', false).xs).toEqual([0, 60]);
    expect(shapeChartData([{ label: 'x', points }], 'wall', false).xs).toEqual([(T0 + 5000) / 1000, (T0 + 65_000) / 1000]);
  });

  it('keeps the last logged value when a step repeats', () => {
    const data = shapeChartData([{ label: 'x', points: [
      { step: 1, timestamp: T0 + 2000, value: 9 },
      { step: 1, timestamp: T0 + 1000, value: 5 },
    ] }], 'step', false);
    expect(data).toEqual({ xs: [1], ys: [[9]], labels: ['x'] });
  });

  it('turns NaN/Infinity strings into gaps, and non-positive values into gaps on a log scale', () => {
    const points = [
      { step: 0, timestamp: T0, value: 'NaN' },
      { step: 1, timestamp: T0, value: 'Infinity' },
      { step: 2, timestamp: T0, value: 0 },
      { step: 3, timestamp: T0, value: -1 },
      { step: 4, timestamp: T0, value: 10 },
    ];
    expect(shapeChartData([{ label: 'x', points }], 'step', false).ys[0]).toEqual([null, null, 0, -1, 10]);
    expect(shapeChartData([{ label: 'x', points }], 'step', true).ys[0]).toEqual([null, null, null, null, 10]);
  });

  it('treats a missing step as step 0 and returns empty arrays for no points', () => {
    expect(shapeChartData([{ label: 'x', points: [{ timestamp: T0, value: 1 }] }], 'step', false).xs).toEqual([0]);
    expect(shapeChartData([{ label: 'x', points: [] }], 'step', false)).toEqual({ xs: [], ys: [[]], labels: ['x'] });
  });

  it('shapes 250,000 points (100 runs x 2,500, the most the server sends) quickly', () => {
    const series = Array.from({ length: 100 }, (_, r) => ({
      label: `run ${r}`,
      points: Array.from({ length: 2500 }, (_, i) => ({ step: i * 400, timestamp: T0 + i, value: Math.sin(i + r) })),
    }));
    const started = performance.now();
    const data = shapeChartData(series, 'step', false);
    expect(data.xs).toHaveLength(2500);
    expect(data.ys).toHaveLength(100);
    expect(performance.now() - started).toBeLessThan(3000);
  }, 15_000);
});

describe('toPlotValue', () => {
  it('parses numeric strings and rejects non-finite values', () => {
    expect(toPlotValue('1.5', false)).toBe(1.5);
    expect(toPlotValue('-Infinity', false)).toBeNull();
    expect(toPlotValue(Number.NaN, false)).toBeNull();
  });
});

describe('pointsForWidth', () => {
  it('asks for about one point per pixel within the server limit 1..2500', () => {
    expect(pointsForWidth(0)).toBe(100);
    expect(pointsForWidth(640)).toBe(700);
    expect(pointsForWidth(5000)).toBe(2500);
  });
});

describe('formatDuration', () => {
  it('labels the relative time axis', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(90)).toBe('1m 30s');
    expect(formatDuration(3600)).toBe('1h');
    expect(formatDuration(3720)).toBe('1h 2m');
    expect(formatDuration(120)).toBe('2m');
    expect(formatDuration(0.002)).toBe('0.002s');
    expect(formatDuration(1.25)).toBe('1.25s');
  });
});

describe('stepRangeFor', () => {
  it('widens a drag to whole steps in either direction', () => {
    expect(stepRangeFor(2.4, 5.6)).toEqual({ start: 2, end: 6 });
    expect(stepRangeFor(5.6, 2.4)).toEqual({ start: 2, end: 6 });
    expect(stepRangeFor(3, 3)).toEqual({ start: 3, end: 3 });
  });
});

describe('hasDrawablePoints', () => {
  it('is false when every value is a gap', () => {
    expect(hasDrawablePoints({ xs: [0, 1], ys: [[null, null]], labels: ['x'] })).toBe(false);
    expect(hasDrawablePoints({ xs: [0, 1], ys: [[null, null], [null, 2]], labels: ['x', 'y'] })).toBe(true);
  });
});
