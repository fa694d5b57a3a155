import { describe, expect, it } from 'vitest';
import { collectKeys, defaultColumns, orderByClause, parseColumnId, toRunRow } from '@/features/runs/lib/run-columns';
import { applyRunsUrlUpdate, parseRunsUrlState } from '@/features/runs/lib/use-runs-url-state';
import type { Run } from '@/types/mlflow';

const run = (id: string, metrics: string[], params: string[]): Run => ({
  info: { run_id: id, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active' },
  data: {
    metrics: metrics.map((key) => ({ key, value: 1, timestamp: 0 })),
    params: params.map((key) => ({ key, value: 'v' })),
  },
});

describe('run columns', () => {
  it('collects the union of keys, sorted', () => {
    const keys = collectKeys([run('a', ['loss', 'acc'], ['lr']), run('b', ['f1'], ['lr', 'bs'])].map(toRunRow));
    expect(keys).toEqual({ metrics: ['acc', 'f1', 'loss'], params: ['bs', 'lr'], tags: [] });
    expect(defaultColumns(keys, 2)).toEqual(['metrics.acc', 'metrics.f1', 'params.bs', 'params.lr']);
  });

  it.each([
    ['metrics.loss', true, 'metrics.loss ASC'],
    ['params.learning rate', false, 'params.`learning rate` DESC'],
    ['tags.mlflow.user', true, 'tags.`mlflow.user` ASC'],
    ['attributes.start_time', false, 'attributes.start_time DESC'],
  ])('orders %s (ascending %s) as %s', (id, ascending, clause) => {
    expect(orderByClause(id, ascending)).toBe(clause);
  });

  it('rejects malformed column ids', () => {
    expect(parseColumnId('loss')).toBeNull();
    expect(parseColumnId('metrics.')).toBeNull();
    expect(parseColumnId('other.x')).toBeNull();
    expect(orderByClause('bogus', true)).toBeNull();
  });
});

describe('runs URL state', () => {
  it('round-trips filter, sort, direction, columns and deleted', () => {
    const params = applyRunsUrlUpdate(new URLSearchParams(), {
      filter: " metrics.loss < 1 ", sort: 'metrics.loss', ascending: true,
      columns: ['metrics.loss', 'params.a,b'], showDeleted: true,
    });
    expect(parseRunsUrlState(params)).toEqual({
      filter: 'metrics.loss < 1', sort: 'metrics.loss', ascending: true,
      columns: ['metrics.loss', 'params.a,b'], showDeleted: true,
    });
  });

  it('defaults when the URL says nothing, and keeps an explicit empty column choice', () => {
    expect(parseRunsUrlState(new URLSearchParams())).toMatchObject({
      filter: '', sort: 'attributes.start_time', ascending: false, columns: null, showDeleted: false,
    });
    const none = applyRunsUrlUpdate(new URLSearchParams('col=metrics.x'), { columns: [] });
    expect(parseRunsUrlState(none).columns).toEqual([]);
  });
});
