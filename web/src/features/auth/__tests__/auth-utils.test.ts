import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { getMe } from '@/features/auth/api/get-me';
import { pickWorkspace } from '@/features/auth/utils/pick-workspace';
import { safeReturnPath, signInErrorMessage } from '@/features/auth/utils/sign-in-error';
import { ApiError } from '@/lib/api';
import { server } from '@/test/server';

const ws = (...names: string[]) => names.map((name) => ({ name, role: 'reader' as const }));

describe('auth utils', () => {
  it.each([
    [ws('a', 'b'), 'b', 'b'],
    [ws('a', 'default'), 'gone', 'default'],
    [ws('a', 'b'), null, 'a'],
    [ws(), 'a', null],
  ])('pickWorkspace(%j, %s) = %s', (list, stored, expected) => {
    expect(pickWorkspace(list, stored)).toBe(expected);
  });

  it.each([
    ['/runs/r1?x=1#m', '/runs/r1?x=1#m'],
    ['//evil.example.com/x', '/experiments'],
    ['https://evil.example.com', '/experiments'],
    ['/sign-in', '/experiments'],
    [undefined, '/experiments'],
  ])('safeReturnPath(%s) = %s', (from, expected) => {
    expect(safeReturnPath(from)).toBe(expected);
  });

  it('words sign-in refusals', () => {
    expect(signInErrorMessage(new ApiError(429, 'REQUEST_LIMIT_EXCEEDED', 'x', 5))).toBe('Too many attempts; retry in 5 s.');
    expect(signInErrorMessage(new ApiError(429, 'REQUEST_LIMIT_EXCEEDED', 'x'))).toContain('wait');
    expect(signInErrorMessage(new ApiError(401, 'UNAUTHENTICATED', 'bad token'))).toBe('Sign-in refused: bad token');
    expect(signInErrorMessage(new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the server.'))).toBe('Cannot reach the server.');
  });

  it('treats a server without /me as one without sign-in', async () => {
    server.use(http.get('*/ajax-api/2.0/bucketflow/me', () => HttpResponse.json(
      { error_code: 'ENDPOINT_NOT_FOUND', message: 'No such endpoint' }, { status: 404 })));
    expect(await getMe()).toEqual({ user: { name: '', is_admin: true }, auth_enabled: false, workspaces: [] });
  });
});
