import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { listArtifacts } from '@/features/artifacts/api/list-artifacts';
import { server } from '@/test/server';

const LIST = '/ajax-api/2.0/mlflow/artifacts/list';

describe('listArtifacts', () => {
  it('lists the root without a path and converts sizes', async () => {
    let query = '';
    server.use(http.get(LIST, ({ request }) => {
      query = new URL(request.url).search;
      return HttpResponse.json({ files: [{ path: 'a', is_dir: true }, { path: 'b.txt', is_dir: false, file_size: '12' }] });
    }));
    expect(await listArtifacts('r1', '')).toEqual([
      { path: 'a', isDir: true, size: undefined },
      { path: 'b.txt', isDir: false, size: 12 },
    ]);
    expect(query).toBe('?run_id=r1');
  });

  it('treats a missing files list (missing folder) as empty', async () => {
    server.use(http.get(LIST, () => HttpResponse.json({ root_uri: 'x' })));
    expect(await listArtifacts('r1', 'nope')).toEqual([]);
  });

  it('follows page tokens and stops on a repeated one', async () => {
    const tokens: (string | null)[] = [];
    server.use(http.get(LIST, ({ request }) => {
      const token = new URL(request.url).searchParams.get('page_token');
      tokens.push(token);
      if (token === null) return HttpResponse.json({ files: [{ path: 'd/1', is_dir: false }], next_page_token: 't1' });
      return HttpResponse.json({ files: [{ path: `d/${tokens.length}`, is_dir: false }], next_page_token: 't1' });
    }));
    const entries = await listArtifacts('r1', 'd');
    expect(tokens).toEqual([null, 't1']);
    expect(entries.map((e) => e.path)).toEqual(['d/1', 'd/2']);
  });

  it('rejects with the server message for an unknown run', async () => {
    server.use(http.get(LIST, () => HttpResponse.json(
      { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=zz not found' }, { status: 404 })));
    await expect(listArtifacts('zz', '')).rejects.toThrow('Run with id=zz not found');
  });
});
