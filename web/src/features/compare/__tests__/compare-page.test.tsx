import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakePlot } from '@/components/__tests__/fake-uplot';
import { ComparePage } from '@/features/compare/components/compare-page';
import { server } from '@/test/server';
import { renderRoutes } from '@/test/render';

vi.mock('uplot', () => import('@/components/__tests__/fake-uplot'));

const T0 = 1_700_000_000_000;

function makeRun(id: string, name: string, lr: string, metrics: string[]) {
  return {
    info: { run_id: id, run_name: name, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active', start_time: T0 },
    data: {
      params: [{ key: 'lr', value: lr }, { key: 'batch', value: '32' }],
      metrics: metrics.map((key) => ({ key, value: 0.5, timestamp: T0, step: 3 })),
    },
  };
}

const RUNS: Record<string, ReturnType<typeof makeRun>> = {
  a: makeRun('a', 'run-a', '0.1', ['loss', 'acc']),
  b: makeRun('b', 'run-b', '0.2', ['loss']),
};

function serve() {
  const historyCalls: { runIds: string[]; key: string | null; start: string | null; end: string | null }[] = [];
  server.use(
    http.get('/ajax-api/2.0/mlflow/runs/get', ({ request }) => {
      const id = new URL(request.url).searchParams.get('run_id') ?? '';
      const run = RUNS[id];
      return run ? HttpResponse.json({ run })
        : HttpResponse.json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run with id=${id} not found` }, { status: 404 });
    }),
    http.get('/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval', ({ request }) => {
      const q = new URL(request.url).searchParams;
      const runIds = q.getAll('run_ids');
      const key = q.get('metric_key');
      historyCalls.push({ runIds, key, start: q.get('start_step'), end: q.get('end_step') });
      const metrics = runIds.filter((id) => RUNS[id]?.data.metrics.some((m) => m.key === key)).flatMap((id, r) =>
        [0, 1, 2].map((step) => ({ key, value: step + r * 10, timestamp: T0 + step * 1000, step, run_id: id })));
      return HttpResponse.json(metrics.length ? { metrics } : {});
    }),
  );
  return historyCalls;
}

const routes = [{ path: '/compare', element: <ComparePage /> }];

beforeEach(() => {
  FakePlot.instances = [];
});

describe('ComparePage', () => {
  it('charts each chosen metric with one series per run from a single request', async () => {
    const calls = serve();
    renderRoutes(routes, '/compare?runs=a,b');
    await waitFor(() => expect(screen.getAllByTestId('compare-chart').every((c) => c.dataset.state === 'ready')).toBe(true));
    expect(screen.getAllByTestId('compare-chart').map((c) => c.dataset.metricKey)).toEqual(['acc', 'loss']);
    const lossCalls = calls.filter((c) => c.key === 'loss');
    expect(lossCalls).toHaveLength(1);
    expect(lossCalls[0]?.runIds).toEqual(['a', 'b']);
    const plot = FakePlot.live().find((p) => p.options.series.length === 3 && p.data[2]?.[0] === 10);
    expect(plot?.options.series.slice(1).map((s) => s.label)).toEqual(['run-a', 'run-b']);
    expect(plot?.data).toEqual([[0, 1, 2], [0, 1, 2], [10, 11, 12]]);

    act(() => plot?.drag(0.5, 1));
    await waitFor(() => expect(calls.some((c) => c.key === 'loss' && c.start === '0' && c.end === '2')).toBe(true));
    expect(calls.find((c) => c.start !== null)?.runIds).toEqual(['a', 'b']);
  });

  it('puts params side by side and marks the ones that differ', async () => {
    serve();
    renderRoutes(routes, '/compare?runs=a,b');
    const table = await screen.findByTestId('params-table');
    const lr = within(table).getByText('lr').closest('tr');
    const batch = within(table).getByText('batch').closest('tr');
    expect(lr).toHaveAttribute('data-differs', 'true');
    expect(batch).toHaveAttribute('data-differs', 'false');
    expect(within(lr as HTMLElement).getAllByRole('cell').map((c) => c.textContent)).toEqual(['0.1', '0.2']);
    fireEvent.click(screen.getByLabelText(/Only\s+rows that differ/));
    expect(within(table).queryByText('batch')).toBeNull();
    const metrics = screen.getByTestId('compare-metrics-table');
    expect(within(metrics).getByText('acc').closest('tr')).toHaveAttribute('data-differs', 'true');
  });

  it('keeps the chosen metrics in the URL', async () => {
    serve();
    const { router } = renderRoutes(routes, '/compare?runs=a,b&metrics=loss');
    await waitFor(() => expect(screen.getAllByTestId('compare-chart')).toHaveLength(1));
    fireEvent.click(screen.getByRole('checkbox', { name: 'acc' }));
    expect(new URLSearchParams(router.state.location.search).get('metrics')).toBe('acc,loss');
    fireEvent.click(screen.getByRole('checkbox', { name: 'acc' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'loss' }));
    expect(await screen.findByText('Choose metrics above to chart them.')).toBeInTheDocument();
  });

  it('shows which runs failed to load and compares the rest', async () => {
    serve();
    renderRoutes(routes, '/compare?runs=a,zzz');
    expect(await screen.findByText('zzz: Run with id=zzz not found')).toBeInTheDocument();
    expect(screen.getByText('Compare 1 run')).toBeInTheDocument();
  });

  it('explains how to choose runs when none are given', async () => {
    serve();
    renderRoutes(routes, '/compare');
    expect(await screen.findByText('No runs chosen')).toBeInTheDocument();
  });
});
