import { QueryClient } from '@tanstack/react-query';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { getArtifactContent } from '@/features/artifacts/api/get-artifact-content';
import { EXPIRY_MARGIN_MS, fetchFreshDownloadUrl, freshFor, getDownloadUrl } from '@/features/artifacts/api/get-download-url';
import { server } from '@/test/server';

const DOWNLOAD_URL = '/ajax-api/2.0/bucketflow/artifacts/download-url';

describe('getDownloadUrl', () => {
  it('sends run_id and path and returns the link', async () => {
    let query = '';
    server.use(http.get(DOWNLOAD_URL, ({ request }) => {
      query = new URL(request.url).search;
      return HttpResponse.json({ url: 'https://b.test/x', source: 'bucket', expires_at: 123 });
    }));
    expect(await getDownloadUrl('r1', 'dir/a b.txt')).toEqual({ url: 'https://b.test/x', source: 'bucket', expires_at: 123, received_at: expect.any(Number) });
    expect(query).toBe('?run_id=r1&path=dir%2Fa+b.txt');
  });

  it('passes the server error message through', async () => {
    server.use(http.get(DOWNLOAD_URL, () => HttpResponse.json(
      { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=r9 not found' }, { status: 404 })));
    await expect(getDownloadUrl('r9', 'x')).rejects.toThrow('Run with id=r9 not found');
  });
});

describe('freshFor', () => {
  it('is infinite for server URLs and counts down to the margin for bucket URLs', () => {
    expect(freshFor({ url: '/get-artifact', source: 'server' })).toBe(Infinity);
    expect(freshFor({ url: 'u', source: 'bucket', expires_at: 100_000 + EXPIRY_MARGIN_MS }, 40_000)).toBe(60_000);
    expect(freshFor({ url: 'u', source: 'bucket', expires_at: 1000 }, 40_000)).toBe(0);
  });

  it('keeps a short-lived URL usable for half its lifetime instead of never', () => {
    // Signed with credentials that had 4 s left: usable for 2 s, not refreshed in a loop.
    const link = { url: 'u', source: 'bucket' as const, expires_at: 14_000, received_at: 10_000 };
    expect(freshFor(link, 10_000)).toBe(2_000);
    expect(freshFor(link, 12_500)).toBe(0);
  });
});

describe('fetchFreshDownloadUrl', () => {
  it('reuses a fresh URL and fetches a new one once it is about to expire', async () => {
    let calls = 0;
    let expiresAt = Date.now() + 10 * 60_000;
    server.use(http.get(DOWNLOAD_URL, () => {
      calls += 1;
      return HttpResponse.json({ url: `https://b.test/x?sig=${calls}`, source: 'bucket', expires_at: expiresAt });
    }));
    const client = new QueryClient();
    expect((await fetchFreshDownloadUrl(client, 'r1', 'x')).url).toBe('https://b.test/x?sig=1');
    expect((await fetchFreshDownloadUrl(client, 'r1', 'x')).url).toBe('https://b.test/x?sig=1');
    expect(calls).toBe(1);
    expiresAt = Date.now() + EXPIRY_MARGIN_MS / 2;
    client.setQueryData(['artifact-download-url', 'r1', 'x'],
      { url: 'https://b.test/x?sig=old', source: 'bucket', expires_at: expiresAt });
    expect((await fetchFreshDownloadUrl(client, 'r1', 'x')).url).toBe('https://b.test/x?sig=2');
  });
});

describe('getArtifactContent', () => {
  it('retries a 403 once with a new URL (an expired link)', async () => {
    let linkCalls = 0;
    server.use(
      http.get(DOWNLOAD_URL, () => {
        linkCalls += 1;
        return HttpResponse.json({ url: `https://b.test/f?sig=${linkCalls}`, source: 'bucket', expires_at: Date.now() + 600_000 });
      }),
      http.get('https://b.test/f', ({ request }) => (new URL(request.url).searchParams.get('sig') === '1'
        ? new HttpResponse(null, { status: 403 })
        : new HttpResponse('fresh bytes', { status: 206 }))),
    );
    const content = await getArtifactContent(new QueryClient(), { runId: 'r1', path: 'f', maxBytes: 100, knownSize: 11 });
    expect(new TextDecoder().decode(content.bytes)).toBe('fresh bytes');
    expect(content.source).toBe('bucket');
    expect(linkCalls).toBe(2);
  });

  it('reports a 403 that persists with the permission fix', async () => {
    server.use(
      http.get(DOWNLOAD_URL, () => HttpResponse.json({ url: 'https://b.test/f', source: 'bucket', expires_at: Date.now() + 600_000 })),
      http.get('https://b.test/f', () => new HttpResponse(null, { status: 403 })),
    );
    await expect(getArtifactContent(new QueryClient(), { runId: 'r1', path: 'f', maxBytes: 100 }))
      .rejects.toThrow('s3:GetObject');
  });
});
