import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { RunsPage } from '@/features/runs/components/runs-page';
import { server } from '@/test/server';
import { renderRoutes } from '@/test/render';
import type { Run } from '@/types/mlflow';

const API = '*/ajax-api/2.0/mlflow';

interface SearchBody {
  experiment_ids: string[];
  filter?: string;
  order_by?: string[];
  page_token?: string;
  max_results?: number;
}

function makeRun(i: number, experimentId = '1'): Run {
  return {
    info: { run_id: `run${i}`, run_name: `name-${i}`, experiment_id: experimentId, status: 'FINISHED',
      start_time: 1_700_000_000_000 + i * 1000, end_time: 1_700_000_060_000 + i * 1000, lifecycle_stage: 'active' },
    data: {
      metrics: [{ key: 'loss', value: 1 / (i + 1), timestamp: 0, step: 0 }],
      params: [{ key: 'lr', value: String(i / 100) }],
      tags: [{ key: 'team', value: 'vision' }],
    },
  };
}

/** Serves `total` runs in pages of the requested size, recording every request body. */
function fakeRuns(total: number, experiments: Record<string, string> = { '1': 'vision' }) {
  const searches: SearchBody[] = [];
  server.use(
    http.get(`${API}/experiments/get`, ({ request }) => {
      const id = new URL(request.url).searchParams.get('experiment_id') ?? '';
      if (!(id in experiments)) {
        return HttpResponse.json({ error_code: 'RESOURCE_DOES_NOT_EXIST',
          message: `No Experiment with id=${id} exists` }, { status: 404 });
      }
      return HttpResponse.json({ experiment: { experiment_id: id, name: experiments[id], lifecycle_stage: 'active' } });
    }),
    http.post(`${API}/runs/search`, async ({ request }) => {
      const body = (await request.json()) as SearchBody;
      searches.push(body);
      if (body.filter?.includes('bogus')) {
        return HttpResponse.json({ error_code: 'INVALID_PARAMETER_VALUE',
          message: "Invalid filter 'bogus': expected a comparison" }, { status: 400 });
      }
      const start = Number(body.page_token ?? 0);
      const size = body.max_results ?? 1000;
      const runs = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, k) => makeRun(start + k));
      const next = start + size < total ? String(start + size) : undefined;
      return HttpResponse.json({ runs, next_page_token: next });
    }),
  );
  return searches;
}

function renderPage(path: string) {
  return renderRoutes([
    { path: '/experiments/:ids', element: <RunsPage /> },
    { path: '/runs/:runId', element: <div>run page</div> },
    { path: '/compare', element: <div>compare page</div> },
  ], path);
}

describe('RunsPage', () => {
  it('shows runs with status, start time, duration and default metric/param columns', async () => {
    fakeRuns(3);
    renderPage('/experiments/1');
    const link = await screen.findByRole('link', { name: 'name-2' });
    expect(link).toHaveAttribute('href', '/runs/run2');
    expect(screen.getByRole('heading')).toHaveTextContent('vision');
    const row = link.closest('[role="row"]') as HTMLElement;
    expect(within(row).getByText('FINISHED')).toBeInTheDocument();
    expect(within(row).getByText('1m 00s')).toBeInTheDocument();
    expect(within(row).getByText('0.333333')).toBeInTheDocument();
    expect(within(row).getByText('0.02')).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: /metric loss/ })).toBeInTheDocument();
    expect(screen.getByTestId('runs-count')).toHaveTextContent('3 runs loaded');
  });

  it('sends the filter from the URL and shows a server parse error under the box', async () => {
    const searches = fakeRuns(2);
    renderPage('/experiments/1?filter=bogus');
    expect(await screen.findByRole('alert')).toHaveTextContent("Invalid filter 'bogus'");
    expect(searches[0]?.filter).toBe('bogus');
    const box = screen.getByRole('searchbox', { name: 'Filter runs' });
    expect(box).toHaveAttribute('aria-invalid', 'true');
    await userEvent.clear(box);
    await userEvent.type(box, "metrics.loss < 1{Enter}");
    expect(await screen.findByRole('link', { name: 'name-1' })).toBeInTheDocument();
    expect(searches.at(-1)?.filter).toBe('metrics.loss < 1');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('sorts on the server when a header is clicked and records it in the URL', async () => {
    const searches = fakeRuns(2);
    const { router } = renderPage('/experiments/1');
    await screen.findByRole('link', { name: 'name-1' });
    expect(searches[0]?.order_by).toEqual(['attributes.start_time DESC']);
    await userEvent.click(screen.getByRole('button', { name: /metric loss/ }));
    await waitFor(() => expect(searches.at(-1)?.order_by).toEqual(['metrics.loss ASC', 'attributes.start_time DESC']));
    expect(router.state.location.search).toContain('sort=metrics.loss');
    expect(screen.getByRole('columnheader', { name: /metric loss/ })).toHaveAttribute('aria-sort', 'ascending');
    await userEvent.click(screen.getByRole('button', { name: /metric loss/ }));
    await waitFor(() => expect(searches.at(-1)?.order_by?.[0]).toBe('metrics.loss DESC'));
  });

  it('pages with page tokens through "Load more"', async () => {
    const searches = fakeRuns(1500);
    renderPage('/experiments/1');
    await screen.findByText(/1000 runs loaded \(more available\)/);
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByText('1500 runs loaded');
    expect(searches.map((s) => s.page_token)).toEqual([undefined, '1000']);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('keeps 10,000 loaded runs to a small DOM', async () => {
    fakeRuns(10_000);
    renderPage('/experiments/1');
    await screen.findByText(/1000 runs loaded/);
    for (let loaded = 2000; loaded <= 10_000; loaded += 1000) {
      fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
      await screen.findByText(new RegExp(`^${loaded} runs loaded`));
    }
    expect(screen.getAllByRole('row').length).toBeLessThan(80);
    expect(screen.getByRole('table')).toHaveAttribute('aria-rowcount', '10001');
  }, 60_000);

  it('chooses columns and writes them into the URL', async () => {
    fakeRuns(2);
    const { router } = renderPage('/experiments/1');
    await screen.findByRole('link', { name: 'name-1' });
    await userEvent.click(screen.getByRole('button', { name: /Columns/ }));
    const chooser = screen.getByRole('dialog', { name: 'Choose columns' });
    await userEvent.click(within(chooser).getByRole('checkbox', { name: 'team' }));
    await userEvent.click(within(chooser).getByRole('checkbox', { name: 'lr' }));
    expect(screen.getByRole('columnheader', { name: /tag team/ })).toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: /param lr/ })).toBeNull();
    const params = new URLSearchParams(router.state.location.search);
    expect(params.getAll('col')).toEqual(['metrics.loss', 'tags.team']);
  });

  it('restores columns and sort from a shared URL', async () => {
    const searches = fakeRuns(2);
    renderPage('/experiments/1?col=tags.team&sort=params.lr&dir=asc');
    await screen.findByRole('link', { name: 'name-1' });
    expect(screen.getByRole('columnheader', { name: /tag team/ })).toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: /metric loss/ })).toBeNull();
    expect(searches[0]?.order_by?.[0]).toBe('params.lr ASC');
  });

  it('links the selected runs to compare', async () => {
    fakeRuns(3);
    const { router } = renderPage('/experiments/1');
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Select run name-0' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select run name-2' }));
    await userEvent.click(screen.getByRole('link', { name: 'Compare 2 runs' }));
    expect(router.state.location.pathname).toBe('/compare');
    expect(router.state.location.search).toBe('?runs=run0,run2');
  });

  it('searches several experiments at once and shows which one a run belongs to', async () => {
    const searches = fakeRuns(1, { '1': 'vision', '2': 'nlp' });
    renderPage('/experiments/1,2');
    await screen.findByRole('link', { name: 'name-0' });
    expect(searches[0]?.experiment_ids).toEqual(['1', '2']);
    expect(screen.getByRole('columnheader', { name: 'Experiment' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('heading')).toHaveTextContent('vision, nlp'));
  });

  it('shows empty and error states', async () => {
    fakeRuns(0, { '1': 'vision' });
    renderPage('/experiments/1,9');
    expect(await screen.findByText('No runs in this experiment yet.')).toBeInTheDocument();
    expect(await screen.findByText(/No Experiment with id=9 exists/)).toBeInTheDocument();
  });
});
