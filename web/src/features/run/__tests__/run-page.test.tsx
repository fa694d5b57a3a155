import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakePlot } from '@/components/__tests__/fake-uplot';
import { RunLayout } from '@/features/run/components/run-layout';
import { RunOverview } from '@/features/run/components/run-overview';
import { server } from '@/test/server';
import { renderRoutes } from '@/test/render';

vi.mock('uplot', () => import('@/components/__tests__/fake-uplot'));

const T0 = 1_700_000_000_000;
const RUN = {
  info: {
    run_id: 'r1', run_uuid: 'r1', run_name: 'brave-owl', experiment_id: '7', status: 'FINISHED',
    start_time: T0, end_time: T0 + 125_000, lifecycle_stage: 'active', user_id: 'ana',
  },
  data: {
    params: [{ key: 'lr', value: '0.01' }, { key: 'batch', value: '32' }],
    tags: [{ key: 'team', value: 'vision' }, { key: 'mlflow.runName', value: 'brave-owl' }],
    metrics: [
      { key: 'loss', value: 0.25, timestamp: T0 + 9000, step: 9 },
      { key: 'acc', value: 'NaN', timestamp: T0 + 9000, step: 9 },
    ],
  },
};

interface HistoryCall { runIds: string[]; key: string; max: string | null; start: string | null; end: string | null }

function serve(run = RUN) {
  const calls: HistoryCall[] = [];
  server.use(
    http.get('/ajax-api/2.0/mlflow/runs/get', ({ request }) => (new URL(request.url).searchParams.get('run_id') === 'r1'
      ? HttpResponse.json({ run })
      : HttpResponse.json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=nope not found' }, { status: 404 }))),
    http.get('/ajax-api/2.0/mlflow/experiments/get', () =>
      HttpResponse.json({ experiment: { experiment_id: '7', name: 'vision-exp', lifecycle_stage: 'active' } })),
    http.get('/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval', ({ request }) => {
      const q = new URL(request.url).searchParams;
      const call = { runIds: q.getAll('run_ids'), key: q.get('metric_key') ?? '', max: q.get('max_results'),
        start: q.get('start_step'), end: q.get('end_step') };
      calls.push(call);
      const first = Number(call.start ?? 0);
      const last = Number(call.end ?? 9);
      const metrics = [];
      for (let step = first; step <= last; step += 1) {
        metrics.push({ key: call.key, value: 1 / (step + 1), timestamp: T0 + step * 1000, step, run_id: 'r1' });
      }
      return HttpResponse.json({ metrics });
    }),
  );
  return calls;
}

const routes = [{
  path: '/runs/:runId',
  element: <RunLayout />,
  children: [{ index: true, element: <RunOverview /> }, { path: 'artifacts/*', element: <p>artifacts here</p> }],
}];

beforeEach(() => {
  FakePlot.instances = [];
});

describe('RunPage', () => {
  it('shows the header, params, tags and latest metrics', async () => {
    serve();
    renderRoutes(routes, '/runs/r1');
    expect(await screen.findByRole('heading', { name: 'brave-owl' })).toBeInTheDocument();
    expect(screen.getByText('FINISHED')).toBeInTheDocument();
    expect(screen.getByText('2m 05s')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'vision-exp' })).toHaveAttribute('href', '/experiments/7');
    const params = screen.getByTestId('params-table');
    expect(within(params).getAllByRole('rowheader').map((c) => c.textContent)).toEqual(['batch', 'lr']);
    expect(within(screen.getByTestId('tags-table')).getByText('vision')).toBeInTheDocument();
    expect(within(screen.getByTestId('tags-table')).queryByText('mlflow.runName')).toBeNull();
    const metrics = screen.getByTestId('metrics-table');
    expect(within(metrics).getByText('0.25')).toBeInTheDocument();
    expect(within(metrics).getByText('NaN')).toBeInTheDocument();
  });

  it('draws a chart per metric from downsampled histories', async () => {
    const calls = serve();
    renderRoutes(routes, '/runs/r1');
    await waitFor(() => expect(screen.getAllByTestId('metric-chart').every((c) => c.dataset.state === 'ready')).toBe(true));
    expect(screen.getAllByTestId('metric-chart').map((c) => c.dataset.metricKey)).toEqual(['acc', 'loss']);
    expect(calls.map((c) => c.key).sort()).toEqual(['acc', 'loss']);
    expect(calls[0]).toMatchObject({ runIds: ['r1'], max: '800', start: null, end: null });
    const plot = FakePlot.live().find((p) => p.options.series[1]?.label === 'loss');
    expect(plot?.data[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(plot?.data[1]?.[1]).toBe(0.5);
  });

  it('switches the x axis and log scale through the URL', async () => {
    serve();
    const { router } = renderRoutes(routes, '/runs/r1');
    await waitFor(() => expect(FakePlot.live()).toHaveLength(2));
    fireEvent.change(screen.getByLabelText('X axis'), { target: { value: 'relative' } });
    expect(router.state.location.search).toBe('?x=relative');
    fireEvent.click(screen.getByLabelText(/Log/));
    expect(router.state.location.search).toBe('?x=relative&log=1');
    await waitFor(() => expect(FakePlot.live()).toHaveLength(2));
    const plot = FakePlot.live()[0];
    expect(plot?.options.scales?.y?.distr).toBe(3);
    expect(plot?.data[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('fetches the zoomed step range at full detail and resets', async () => {
    const calls = serve();
    renderRoutes(routes, '/runs/r1');
    await waitFor(() => expect(FakePlot.live()).toHaveLength(2));
    const plot = FakePlot.live().find((p) => p.options.series[1]?.label === 'loss');
    act(() => plot?.drag(2.4, 3.2));
    await waitFor(() => expect(calls.some((c) => c.key === 'loss' && c.start === '2' && c.end === '6')).toBe(true));
    await waitFor(() => expect(plot?.data[0]).toEqual([2, 3, 4, 5, 6]));
    fireEvent.click(screen.getByRole('button', { name: 'Reset zoom' }));
    await waitFor(() => expect(plot?.data[0]).toHaveLength(10));
  });

  it('shows the description and parent run, and says when a log scale has nothing to draw', async () => {
    serve({
      ...RUN,
      data: {
        ...RUN.data,
        tags: [...RUN.data.tags, { key: 'mlflow.note.content', value: 'Tuned the learning rate' },
          { key: 'mlflow.parentRunId', value: 'p1' }],
      },
    });
    server.use(http.get('/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval', ({ request }) => {
      const key = new URL(request.url).searchParams.get('metric_key');
      return HttpResponse.json({ metrics: [{ key, value: -1, timestamp: T0, step: 0, run_id: 'r1' }] });
    }));
    renderRoutes(routes, '/runs/r1?log=1');
    expect(await screen.findByText('Tuned the learning rate', { selector: 'p' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'p1' })).toHaveAttribute('href', '/runs/p1');
    await waitFor(() => expect(screen.getAllByText('No positive, finite values to draw on a log scale.')).toHaveLength(2));
    expect(FakePlot.live()).toHaveLength(0);
  });

  it('shows the server error for an unknown run', async () => {
    serve();
    renderRoutes(routes, '/runs/nope');
    expect(await screen.findByText('Run with id=nope not found')).toBeInTheDocument();
  });

  it('links the Overview and Artifacts tabs', async () => {
    serve();
    renderRoutes(routes, '/runs/r1/artifacts/model');
    expect(await screen.findByText('artifacts here')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Artifacts' })).toHaveAttribute('href', '/runs/r1/artifacts');
    expect(screen.getByRole('link', { name: 'Overview' })).toHaveAttribute('href', '/runs/r1');
  });
});
