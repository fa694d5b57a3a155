import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiFetch, isServerApiUrl, mlflowGet, request, setApiSession, setUnauthorizedHandler } from '@/lib/api';
import type { ApiError } from '@/lib/api';
import { server } from '@/test/server';

/** Records the auth headers of every request to `pattern`. */
function recordHeaders(pattern: string, status = 200) {
  const seen: { authorization: string | null; workspace: string | null }[] = [];
  server.use(http.all(pattern, ({ request: r }) => {
    seen.push({ authorization: r.headers.get('Authorization'), workspace: r.headers.get('X-Bucketflow-Workspace') });
    return status === 200
      ? HttpResponse.json({})
      : HttpResponse.json({ error_code: 'UNAUTHENTICATED', message: 'invalid or expired token' }, { status });
  }));
  return seen;
}

afterEach(() => {
  setApiSession({ credentials: null, workspace: null });
  setUnauthorizedHandler(null);
});

describe('api credentials and workspace', () => {
  it('sends nothing extra when signed out and no workspace is chosen', async () => {
    const seen = recordHeaders('*/ajax-api/2.0/mlflow/x');
    await mlflowGet('x');
    expect(seen).toEqual([{ authorization: null, workspace: null }]);
  });

  it('sends a Bearer token and the workspace to the API and to /get-artifact', async () => {
    setApiSession({ credentials: { kind: 'token', token: 'bft_abc' }, workspace: 'team-a' });
    const api = recordHeaders('*/ajax-api/2.0/mlflow/x');
    const artifact = recordHeaders('*/get-artifact');
    await mlflowGet('x');
    await apiFetch('/get-artifact?path=a.txt&run_uuid=r1', { headers: { Range: 'bytes=0-9' } });
    expect(api).toEqual([{ authorization: 'Bearer bft_abc', workspace: 'team-a' }]);
    expect(artifact).toEqual([{ authorization: 'Bearer bft_abc', workspace: 'team-a' }]);
  });

  it('sends basic auth as base64 of UTF-8 user:password', async () => {
    setApiSession({ credentials: { kind: 'password', user: 'alice', password: 'pässwörd' } });
    const seen = recordHeaders('*/ajax-api/2.0/mlflow/x');
    await mlflowGet('x');
    const encoded = seen[0]?.authorization?.replace(/^Basic /, '') ?? '';
    const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toBe('alice:pässwörd');
  });

  it('never adds headers to a presigned bucket URL on another origin', async () => {
    setApiSession({ credentials: { kind: 'token', token: 'bft_abc' }, workspace: 'team-a' });
    const bucket = recordHeaders('https://bucket.s3.example.com/*');
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const url = 'https://bucket.s3.example.com/1/r1/artifacts/a.txt?X-Amz-Signature=abc';
    const init = { headers: { Range: 'bytes=0-9' } };
    await apiFetch(url, init);
    expect(bucket).toEqual([{ authorization: null, workspace: null }]);
    expect(fetchSpy).toHaveBeenCalledWith(url, init); // untouched: the same headers object
  });

  it('tells server API URLs from everything else', () => {
    expect(isServerApiUrl('/ajax-api/2.0/mlflow/runs/get')).toBe(true);
    expect(isServerApiUrl(`${window.location.origin}/get-artifact?path=x`)).toBe(true);
    expect(isServerApiUrl('/api/2.0/mlflow/runs/get')).toBe(true);
    expect(isServerApiUrl('/w/team-a/get-artifact?path=x&run_uuid=r')).toBe(true); // download-url's form
    expect(isServerApiUrl('/w/team-a/experiments')).toBe(false);
    expect(isServerApiUrl('/assets/index.js')).toBe(false);
    expect(isServerApiUrl('https://bucket.example.com/ajax-api/2.0/x')).toBe(false);
    expect(isServerApiUrl('//evil.example.com/get-artifact')).toBe(false);
  });

  it('reports a 401 for the session credentials to the handler, then rejects', async () => {
    setApiSession({ credentials: { kind: 'token', token: 'bft_revoked' } });
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    recordHeaders('*/ajax-api/2.0/mlflow/x', 401);
    const error = (await mlflowGet('x').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(handler).toHaveBeenCalledTimes(1);
    expect((handler.mock.calls[0]?.[0] as ApiError).message).toBe('invalid or expired token');
  });

  it('does not end the session for a 401 to explicit credentials (a sign-in attempt) or to none', async () => {
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    const seen = recordHeaders('*/ajax-api/2.0/bucketflow/me', 401);
    await request('/ajax-api/2.0/bucketflow/me', { credentials: { kind: 'token', token: 'bft_wrong' } })
      .catch(() => undefined);
    await request('/ajax-api/2.0/bucketflow/me').catch(() => undefined);
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer bft_wrong', null]);
    expect(handler).not.toHaveBeenCalled();
  });

  it('reads Retry-After from a 429 answer', async () => {
    server.use(http.get('*/ajax-api/2.0/bucketflow/me', () => HttpResponse.json(
      { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'too many failed attempts' },
      { status: 429, headers: { 'Retry-After': '17' } })));
    const error = (await request('/ajax-api/2.0/bucketflow/me').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(17);
  });
});
