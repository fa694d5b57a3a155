import { describe, expect, it } from 'vitest';
import { metricKeysOf, paramMaps, parseList, runLabel, seriesPerRun, sideBySide } from '@/features/compare/utils/compare-data';
import type { Run } from '@/types/mlflow';

function run(id: string, name: string, params: Record<string, string>, metrics: string[] = []): Run {
  return {
    info: { run_id: id, run_name: name, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active', start_time: 1000 },
    data: {
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      metrics: metrics.map((key) => ({ key, value: 1, timestamp: 1, step: 0 })),
    },
  };
}

describe('compare data', () => {
  it('parses the run list from the URL', () => {
    expect(parseList('a, b,,a ,c')).toEqual(['a', 'b', 'c']);
    expect(parseList(null)).toEqual([]);
    expect(parseList('')).toEqual([]);
  });

  it('marks rows that differ, counting a missing value as different', () => {
    const rows = sideBySide(paramMaps([
      run('1', 'a', { lr: '0.1', batch: '32', opt: 'adam' }),
      run('2', 'b', { lr: '0.2', batch: '32' }),
    ]));
    expect(rows).toEqual([
      { key: 'batch', values: ['32', '32'], differs: false },
      { key: 'lr', values: ['0.1', '0.2'], differs: true },
      { key: 'opt', values: ['adam', undefined], differs: true },
    ]);
  });

  it('unions metric keys and labels runs by name or id', () => {
    expect(metricKeysOf([run('1', 'a', {}, ['loss', 'acc']), run('2', 'b', {}, ['loss', 'f1'])])).toEqual(['acc', 'f1', 'loss']);
    expect(runLabel(run('0123456789abcdef', '', {}))).toBe('01234567');
  });

  it('groups bulk-interval points into one series per run, in run order', () => {
    const runs = [run('r1', 'one', {}), run('r2', 'two', {}), run('r3', 'three', {})];
    const series = seriesPerRun(runs, [
      { key: 'loss', value: 2, timestamp: 5, step: 0, run_id: 'r2' },
      { key: 'loss', value: 1, timestamp: 5, step: 0, run_id: 'r1' },
      { key: 'loss', value: 3, timestamp: 6, step: 1, run_id: 'r2' },
    ]);
    expect(series.map((s) => [s.label, s.points.length, s.startTime])).toEqual([['one', 1, 1000], ['two', 2, 1000], ['three', 0, 1000]]);
  });
});
