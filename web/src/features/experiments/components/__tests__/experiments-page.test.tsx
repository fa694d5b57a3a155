import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { ExperimentsPage } from '@/features/experiments/components/experiments-page';
import { server } from '@/test/server';
import { renderRoutes } from '@/test/render';
import type { Experiment } from '@/types/mlflow';

const API = '*/ajax-api/2.0/mlflow';

function experiment(id: string, name: string, deleted = false): Experiment {
  return { experiment_id: id, name, lifecycle_stage: deleted ? 'deleted' : 'active',
    creation_time: 1_700_000_000_000, last_update_time: 1_700_000_000_000 };
}

interface SearchBody { filter?: string; view_type?: string }

/** A tiny in-memory experiments store behind MSW that records every search body. */
function fakeServer(initial: Experiment[]) {
  const experiments = [...initial];
  const searches: SearchBody[] = [];
  server.use(
    http.post(`${API}/experiments/search`, async ({ request }) => {
      const body = (await request.json()) as SearchBody;
      searches.push(body);
      const needle = /%(.*)%/.exec(body.filter ?? '')?.[1]?.toLowerCase() ?? '';
      const shown = experiments.filter((e) => (body.view_type === 'ALL' || e.lifecycle_stage === 'active') &&
        e.name.toLowerCase().includes(needle));
      return HttpResponse.json({ experiments: shown });
    }),
    http.post(`${API}/experiments/create`, async ({ request }) => {
      const { name } = (await request.json()) as { name: string };
      if (experiments.some((e) => e.name === name)) {
        return HttpResponse.json({ error_code: 'RESOURCE_ALREADY_EXISTS',
          message: `Experiment '${name}' already exists.` }, { status: 400 });
      }
      experiments.push(experiment(String(experiments.length + 1), name));
      return HttpResponse.json({ experiment_id: String(experiments.length) });
    }),
    http.post(`${API}/experiments/update`, async ({ request }) => {
      const { experiment_id: id, new_name: name } = (await request.json()) as { experiment_id: string; new_name: string };
      const found = experiments.find((e) => e.experiment_id === id);
      if (found) found.name = name;
      return HttpResponse.json({});
    }),
    http.post(`${API}/experiments/delete`, async ({ request }) => {
      const { experiment_id: id } = (await request.json()) as { experiment_id: string };
      const found = experiments.find((e) => e.experiment_id === id);
      if (found) found.lifecycle_stage = 'deleted';
      return HttpResponse.json({});
    }),
    http.post(`${API}/experiments/restore`, async ({ request }) => {
      const { experiment_id: id } = (await request.json()) as { experiment_id: string };
      const found = experiments.find((e) => e.experiment_id === id);
      if (found) found.lifecycle_stage = 'active';
      return HttpResponse.json({});
    }),
  );
  return { experiments, searches };
}

function renderPage(path = '/experiments') {
  return renderRoutes([
    { path: '/experiments', element: <ExperimentsPage /> },
    { path: '/experiments/:ids', element: <div>runs page</div> },
  ], path);
}

describe('ExperimentsPage', () => {
  it('lists experiments with links to their runs', async () => {
    fakeServer([experiment('1', 'Default'), experiment('2', 'vision')]);
    renderPage();
    const link = await screen.findByRole('link', { name: 'vision' });
    expect(link).toHaveAttribute('href', '/experiments/2');
    expect(screen.getByRole('link', { name: 'Default' })).toBeInTheDocument();
  });

  it('searches by name through the server filter and keeps it in the URL', async () => {
    const fake = fakeServer([experiment('1', 'Default'), experiment('2', 'vision')]);
    const { router } = renderPage();
    await screen.findByRole('link', { name: 'vision' });
    await userEvent.type(screen.getByRole('searchbox', { name: /search experiments/i }), "vis'");
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Default' })).toBeNull());
    expect(fake.searches.at(-1)?.filter).toBe('name ILIKE "%vis\'%"');
    expect(router.state.location.search).toContain('q=vis');
  });

  it('shows an empty state when nothing matches', async () => {
    fakeServer([]);
    renderPage('/experiments?q=zzz');
    expect(await screen.findByText(/No experiment name contains "zzz"/)).toBeInTheDocument();
  });

  it('creates an experiment and opens it; a duplicate name shows the server message', async () => {
    fakeServer([experiment('1', 'Default')]);
    const { router } = renderPage();
    await screen.findByRole('link', { name: 'Default' });
    const box = screen.getByRole('textbox', { name: 'New experiment name' });
    await userEvent.type(box, 'Default');
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByRole('alert')).toHaveTextContent("Experiment 'Default' already exists.");
    await userEvent.clear(box);
    await userEvent.type(box, 'fresh{Enter}');
    await waitFor(() => expect(router.state.location.pathname).toBe('/experiments/2'));
  });

  it('renames in place', async () => {
    fakeServer([experiment('1', 'old name')]);
    renderPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Rename old name' }));
    const input = screen.getByRole('textbox', { name: 'Experiment name' });
    await userEvent.clear(input);
    await userEvent.type(input, 'new name{Enter}');
    expect(await screen.findByRole('link', { name: 'new name' })).toBeInTheDocument();
  });

  it('deletes, shows deleted ones on request, and restores', async () => {
    fakeServer([experiment('1', 'keep'), experiment('2', 'drop')]);
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    renderPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete drop' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'drop' })).toBeNull());
    await userEvent.click(screen.getByRole('checkbox', { name: /show deleted/i }));
    const restore = await screen.findByRole('button', { name: 'Restore drop' });
    const row = restore.closest('[role="row"]') as HTMLElement;
    expect(within(row).getByText('deleted')).toBeInTheDocument();
    await userEvent.click(restore);
    expect(await screen.findByRole('button', { name: 'Delete drop' })).toBeInTheDocument();
  });

  it('shows a server failure with a retry', async () => {
    server.use(http.post(`${API}/experiments/search`, () => HttpResponse.json(
      { error_code: 'INTERNAL_ERROR', message: 'database is locked' }, { status: 500 })));
    renderPage();
    expect(await screen.findByRole('alert')).toHaveTextContent('database is locked');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('opens the runs of several selected experiments together', async () => {
    fakeServer([experiment('1', 'a'), experiment('2', 'b')]);
    renderPage();
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Select a' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select b' }));
    expect(screen.getByRole('link', { name: /view runs of 2 selected/i })).toHaveAttribute('href', '/experiments/1,2');
  });
});
