import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXPIRY_MARGIN_MS } from '@/features/artifacts/api/get-download-url';
import { DownloadLink } from '@/features/artifacts/components/download-link';
import { setApiSession } from '@/lib/api';
import { server } from '@/test/server';
import { renderAt } from '@/test/render';

const DOWNLOAD_URL = '/ajax-api/2.0/bucketflow/artifacts/download-url';

function serveLink(url: string, source: 'server' | 'bucket') {
  server.use(http.get(DOWNLOAD_URL, () => HttpResponse.json({ url, source })));
}

/** Records every programmatic anchor click (jsdom cannot download). */
function recordClicks() {
  const clicked: { href: string; download: string }[] = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push({ href: this.getAttribute('href') ?? '', download: this.download });
  });
  return clicked;
}

/** Clicks like a user; says whether the page stopped the browser's own navigation. */
function userClick(element: HTMLElement): boolean {
  let prevented = false;
  const stop = (event: Event) => {
    prevented = event.defaultPrevented;
    event.preventDefault();
  };
  window.addEventListener('click', stop);
  fireEvent.click(element);
  window.removeEventListener('click', stop);
  return prevented;
}

const blobs: Blob[] = [];

beforeEach(() => {
  blobs.length = 0;
  Object.defineProperty(URL, 'createObjectURL', {
    configurable: true, writable: true,
    value: vi.fn((blob: Blob) => `blob:http://localhost/${blobs.push(blob)}`),
  });
  Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, writable: true, value: vi.fn() });
});

afterEach(() => {
  // Unmount first: unmounting revokes blob URLs, so the stubs must still be there.
  cleanup();
  vi.restoreAllMocks();
  setApiSession({ credentials: null, workspace: null });
  Reflect.deleteProperty(URL, 'createObjectURL');
  Reflect.deleteProperty(URL, 'revokeObjectURL');
});

describe('DownloadLink', () => {
  it('links a server URL with the file name', async () => {
    serveLink('/get-artifact?path=dir%2Fm.pkl&run_uuid=r1', 'server');
    renderAt(<DownloadLink runId="r1" path="dir/m.pkl" />);
    const link = await screen.findByRole('link', { name: 'Download m.pkl' });
    expect(link).toHaveAttribute('href', '/get-artifact?path=dir%2Fm.pkl&run_uuid=r1');
    expect(link).toHaveAttribute('download', 'm.pkl');
  });

  it('downloads a server file through apiFetch, with the session headers, from a blob URL', async () => {
    setApiSession({ credentials: { kind: 'token', token: 'bft_abc' }, workspace: 'team-a' });
    serveLink('/w/team-a/get-artifact?path=dir%2Fm.pkl&run_uuid=r1', 'server');
    const seen: (string | null)[][] = [];
    server.use(http.get('*/w/team-a/get-artifact', ({ request }) => {
      seen.push([request.headers.get('Authorization'), request.headers.get('X-Bucketflow-Workspace'),
        new URL(request.url).searchParams.get('path')]);
      return new HttpResponse('pickled bytes');
    }));
    renderAt(<DownloadLink runId="r1" path="dir/m.pkl" />);
    const link = await screen.findByRole('link', { name: 'Download m.pkl' });
    const clicked = recordClicks();
    expect(userClick(link)).toBe(true);
    await waitFor(() => expect(clicked).toEqual([{ href: 'blob:http://localhost/1', download: 'm.pkl' }]));
    expect(seen).toEqual([['Bearer bft_abc', 'team-a', 'dir/m.pkl']]);
    expect(await blobs[0]?.text()).toBe('pickled bytes');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it("shows the server's refusal instead of downloading", async () => {
    setApiSession({ credentials: { kind: 'token', token: 'bft_reader' }, workspace: 'team-a' });
    serveLink('/get-artifact?path=m.pkl&run_uuid=r1', 'server');
    server.use(http.get('*/get-artifact', () => HttpResponse.json(
      { error_code: 'PERMISSION_DENIED', message: "User 'bob' may not read workspace 'team-a'" }, { status: 403 })));
    renderAt(<DownloadLink runId="r1" path="m.pkl" />);
    const link = await screen.findByRole('link', { name: 'Download m.pkl' });
    const clicked = recordClicks();
    userClick(link);
    expect(await screen.findByRole('alert'))
      .toHaveTextContent("Download failed: User 'bob' may not read workspace 'team-a'");
    expect(clicked).toEqual([]);
    expect(URL.createObjectURL).not.toHaveBeenCalled();
  });

  it('leaves a fresh presigned URL to the browser: plain href, no fetch, no headers', async () => {
    setApiSession({ credentials: { kind: 'token', token: 'bft_abc' }, workspace: 'team-a' });
    server.use(http.get(DOWNLOAD_URL, () => HttpResponse.json(
      { url: 'https://b.test/m.bin?sig=1', source: 'bucket', expires_at: Date.now() + 600_000 })));
    let bucketCalls = 0;
    server.use(http.get('https://b.test/*', () => {
      bucketCalls += 1;
      return new HttpResponse('x');
    }));
    renderAt(<DownloadLink runId="r1" path="m.bin" />);
    const link = await screen.findByRole('link', { name: 'Download m.bin' });
    expect(link).toHaveAttribute('href', 'https://b.test/m.bin?sig=1');
    expect(userClick(link)).toBe(false);
    expect(bucketCalls).toBe(0);
    expect(URL.createObjectURL).not.toHaveBeenCalled();
  });

  it('fetches a new URL when a stale one is clicked, then downloads that', async () => {
    let calls = 0;
    const now = Date.now();
    server.use(http.get(DOWNLOAD_URL, () => {
      calls += 1;
      return HttpResponse.json({ url: `https://b.test/m.bin?sig=${calls}`, source: 'bucket',
        expires_at: now + EXPIRY_MARGIN_MS + 60_000 * calls });
    }));
    renderAt(<DownloadLink runId="r1" path="m.bin" />);
    const link = await screen.findByRole('link', { name: 'Download m.bin' });
    const clicked = recordClicks();
    // Two minutes later (a sleeping laptop): the first URL has expired.
    vi.spyOn(Date, 'now').mockReturnValue(now + 120_000);
    fireEvent.click(link);
    await waitFor(() => expect(clicked).toEqual([{ href: 'https://b.test/m.bin?sig=2', download: 'm.bin' }]));
    expect(calls).toBe(2);
  });

  it('says why a download is unavailable', async () => {
    server.use(http.get(DOWNLOAD_URL, () => HttpResponse.json(
      { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' }, { status: 400 })));
    renderAt(<DownloadLink runId="r1" path="../x" />);
    expect(await screen.findByText('Download unavailable: Invalid path')).toBeInTheDocument();
  });
});
