import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ArtifactsRoute } from '@/features/artifacts/components/artifacts-route';
import { server } from '@/test/server';
import { renderRoutes } from '@/test/render';

interface FakeFile { path: string; is_dir: boolean; file_size?: number }

const BUCKET = 'https://bucket.test/r1';

function serve(listings: Record<string, FakeFile[]>, objects: Record<string, string | number>) {
  const listed: string[] = [];
  const ranges: Record<string, string | null> = {};
  server.use(
    http.get('/ajax-api/2.0/mlflow/artifacts/list', ({ request }) => {
      const path = new URL(request.url).searchParams.get('path') ?? '';
      listed.push(path);
      return HttpResponse.json({ root_uri: 's3://b/r1/artifacts', files: listings[path] });
    }),
    http.get('/ajax-api/2.0/bucketflow/artifacts/download-url', ({ request }) => {
      const path = new URL(request.url).searchParams.get('path') ?? '';
      return HttpResponse.json({ url: `${BUCKET}/${path}?X-Amz-Signature=abc`, source: 'bucket', expires_at: Date.now() + 600_000 });
    }),
    http.get(`${BUCKET}/*`, ({ request }) => {
      const key = decodeURIComponent(new URL(request.url).pathname.replace('/r1/', ''));
      ranges[key] = request.headers.get('Range');
      const body = objects[key];
      if (body === undefined) return new HttpResponse('<Error><Code>NoSuchKey</Code></Error>', { status: 404 });
      if (typeof body === 'number') return new HttpResponse(null, { status: body });
      const end = Number(/bytes=0-(\d+)/.exec(ranges[key] ?? '')?.[1] ?? body.length);
      return new HttpResponse(body.slice(0, end + 1), { status: 206 });
    }),
  );
  return { listed, ranges };
}

const ROOT: FakeFile[] = [
  { path: 'model', is_dir: true },
  { path: 'data', is_dir: true },
  { path: 'train.log', is_dir: false, file_size: 12 },
];

function renderAt(path: string) {
  return renderRoutes([{ path: '/runs/:runId/artifacts/*', element: <ArtifactsRoute /> }], path);
}

describe('ArtifactBrowser', () => {
  it('lists a folder only when it is opened, and puts the selection in the URL', async () => {
    const { listed } = serve({ '': ROOT, model: [{ path: 'model/MLmodel', is_dir: false, file_size: 20 }] },
      { 'model/MLmodel': 'flavors:\n  python: {}\n' });
    const { router } = renderAt('/runs/r1/artifacts');
    const tree = await screen.findByTestId('artifact-tree');
    expect(await within(tree).findByText('train.log')).toBeInTheDocument();
    expect(listed).toEqual(['']);
    expect(screen.getByText('Select a file to preview it')).toBeInTheDocument();

    fireEvent.click(within(tree).getByText('model'));
    const file = await within(tree).findByText('MLmodel');
    expect(listed).toEqual(['', 'model']);
    expect(router.state.location.pathname).toBe('/runs/r1/artifacts/model');

    fireEvent.click(file);
    expect(router.state.location.pathname).toBe('/runs/r1/artifacts/model/MLmodel');
    const preview = await screen.findByTestId('artifact-preview');
    expect(await within(preview).findByText(/python: \{\}/)).toBeInTheDocument();
    expect(preview).toHaveAttribute('data-kind', 'yaml');
  });

  it('opens and closes folders with the arrow keys', async () => {
    const { listed } = serve({ '': ROOT, data: [{ path: 'data/a.csv', is_dir: false, file_size: 3 }] }, {});
    renderAt('/runs/r1/artifacts');
    const tree = await screen.findByTestId('artifact-tree');
    const folder = await within(tree).findByRole('button', { name: /data/ });
    fireEvent.keyDown(folder, { key: 'ArrowRight' });
    expect(await within(tree).findByText('a.csv')).toBeInTheDocument();
    expect(folder.closest('[role=treeitem]')).toHaveAttribute('aria-expanded', 'true');
    expect(listed).toEqual(['', 'data']);
    fireEvent.keyDown(folder, { key: 'ArrowLeft' });
    expect(within(tree).queryByText('a.csv')).toBeNull();
    expect(folder.closest('[role=treeitem]')).toHaveAttribute('aria-expanded', 'false');
  });

  it('shows a long listing 200 entries at a time', async () => {
    const many = Array.from({ length: 450 }, (_, i) => ({ path: `f${String(i).padStart(3, '0')}.txt`, is_dir: false, file_size: 1 }));
    serve({ '': many }, {});
    renderAt('/runs/r1/artifacts');
    const tree = await screen.findByTestId('artifact-tree');
    await within(tree).findByText('f000.txt');
    // Plain selectors: role queries over hundreds of nodes are slow in jsdom.
    const items = () => tree.querySelectorAll('[role=treeitem]').length;
    expect(items()).toBe(200);
    fireEvent.click(within(tree).getByText('Show more (200 of 250 remaining)'));
    expect(items()).toBe(400);
    fireEvent.click(within(tree).getByText('Show more (50 of 50 remaining)'));
    expect(items()).toBe(450);
    expect(within(tree).queryByText(/Show more/)).toBeNull();
  }, 15_000);

  it('opens the folders of a deep link and shows a CSV table from a 64 KB range', async () => {
    const csv = 'name,score\n"Smith, J",0.5\n"say ""hi""",0.7\nlast,0.';
    const { ranges } = serve({
      '': ROOT,
      data: [{ path: 'data/table.csv', is_dir: false, file_size: 100_000 }],
    }, { 'data/table.csv': csv });
    renderAt('/runs/r1/artifacts/data/table.csv');
    const table = await screen.findByTestId('csv-table');
    expect(ranges['data/table.csv']).toBe('bytes=0-65535');
    const cells = within(table).getAllByRole('cell').map((c) => c.textContent);
    expect(cells).toEqual(['Smith, J', '0.5', 'say "hi"', '0.7']);
    expect(within(table).getAllByRole('columnheader').map((c) => c.textContent)).toEqual(['name', 'score']);
    expect(screen.getByText(/Showing the first 2 rows/)).toBeInTheDocument();
    expect(within(screen.getByTestId('artifact-tree')).getByText('table.csv').closest('[role=treeitem]'))
      .toHaveAttribute('aria-selected', 'true');
  });

  it('pretty-prints JSON and says when a text preview is only the start', async () => {
    serve({ '': [
      { path: 'm.json', is_dir: false, file_size: 11 },
      { path: 'big.log', is_dir: false, file_size: 1024 * 1024 },
    ] }, { 'm.json': '{"a":[1,2]}', 'big.log': 'x'.repeat(1024 * 1024) });
    const { router } = renderAt('/runs/r1/artifacts/m.json');
    const preview = await screen.findByTestId('artifact-preview');
    await waitFor(() => expect(preview.querySelector('pre')?.textContent).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}'));

    await router.navigate('/runs/r1/artifacts/big.log');
    expect(await screen.findByText('Showing first 256 KB of 1.0 MB. Download the file to see all of it.')).toBeInTheDocument();
    expect(screen.getByTestId('artifact-preview').querySelector('pre')?.textContent).toHaveLength(256 * 1024);
  });

  it('renders HTML in an iframe with an empty sandbox', async () => {
    serve({ '': [{ path: 'report.html', is_dir: false, file_size: 40 }] },
      { 'report.html': '<h1>Report</h1><script>alert(1)</script>' });
    renderAt('/runs/r1/artifacts/report.html');
    const frame = await screen.findByTitle('Preview of report.html');
    expect(frame).toHaveAttribute('sandbox', '');
    expect(frame.getAttribute('srcdoc')).toContain('<h1>Report</h1>');
  });

  it('shows images from the presigned URL and offers a download of every file', async () => {
    serve({ '': [{ path: 'plot.png', is_dir: false, file_size: 70 }] }, {});
    renderAt('/runs/r1/artifacts/plot.png');
    const img = await screen.findByRole('img', { name: 'plot.png' });
    expect(img).toHaveAttribute('src', `${BUCKET}/plot.png?X-Amz-Signature=abc`);
    const link = await screen.findByRole('link', { name: 'Download plot.png' });
    expect(link).toHaveAttribute('href', `${BUCKET}/plot.png?X-Amz-Signature=abc`);
    expect(link).toHaveAttribute('download', 'plot.png');
  });

  it('replaces an expired presigned URL before showing it', async () => {
    serve({ '': [{ path: 'plot.png', is_dir: false, file_size: 70 }] }, {});
    let calls = 0;
    server.use(http.get('/ajax-api/2.0/bucketflow/artifacts/download-url', () => {
      calls += 1;
      const expiresAt = calls === 1 ? Date.now() - 1000 : Date.now() + 600_000;
      return HttpResponse.json({ url: `${BUCKET}/plot.png?sig=${calls}`, source: 'bucket', expires_at: expiresAt });
    }));
    renderAt('/runs/r1/artifacts/plot.png');
    const img = await screen.findByRole('img', { name: 'plot.png' }, { timeout: 4000 });
    expect(img.getAttribute('src')).not.toContain('sig=1');
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('explains a failed image by probing its URL', async () => {
    serve({ '': [{ path: 'gone.png', is_dir: false, file_size: 70 }] }, {});
    renderAt('/runs/r1/artifacts/gone.png');
    fireEvent.error(await screen.findByRole('img', { name: 'gone.png' }));
    expect(await screen.findByText(/the object is gone/)).toBeInTheDocument();
  });

  it('says plainly when the object is gone or the link is refused', async () => {
    serve({ '': [
      { path: 'deleted.txt', is_dir: false, file_size: 5 },
      { path: 'denied.txt', is_dir: false, file_size: 5 },
    ] }, { 'denied.txt': 403 });
    const { router } = renderAt('/runs/r1/artifacts/deleted.txt');
    expect(await screen.findByText(/the object is gone/)).toBeInTheDocument();
    await router.navigate('/runs/r1/artifacts/denied.txt');
    expect(await screen.findByText(/the link expired or the role lacks s3:GetObject/)).toBeInTheDocument();
  });

  it('offers only a download for files it cannot preview, and reports unknown paths', async () => {
    serve({ '': [{ path: 'model.pkl', is_dir: false, file_size: 5 }] }, {});
    const { router } = renderAt('/runs/r1/artifacts/model.pkl');
    expect(await screen.findByText(/No preview for this file type/)).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Download model.pkl' })).toBeInTheDocument();
    await router.navigate('/runs/r1/artifacts/nope.txt');
    expect(await screen.findByText(/This run has no artifact at/)).toBeInTheDocument();
  });

  it('says when a run has no artifacts', async () => {
    serve({ '': [] }, {});
    renderAt('/runs/r1/artifacts');
    expect(await screen.findByText('This run has no artifacts.')).toBeInTheDocument();
  });
});
