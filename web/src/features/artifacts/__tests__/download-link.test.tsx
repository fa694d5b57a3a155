import { fireEvent, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { EXPIRY_MARGIN_MS } from '@/features/artifacts/api/get-download-url';
import { DownloadLink } from '@/features/artifacts/components/download-link';
import { server } from '@/test/server';
import { renderAt } from '@/test/render';

describe('DownloadLink', () => {
  it('links a server URL with the file name', async () => {
    server.use(http.get('/ajax-api/2.0/bucketflow/artifacts/download-url', () =>
      HttpResponse.json({ url: '/get-artifact?path=dir%2Fm.pkl&run_uuid=r1', source: 'server' })));
    renderAt(<DownloadLink runId="r1" path="dir/m.pkl" />);
    const link = await screen.findByRole('link', { name: 'Download m.pkl' });
    expect(link).toHaveAttribute('href', '/get-artifact?path=dir%2Fm.pkl&run_uuid=r1');
    expect(link).toHaveAttribute('download', 'm.pkl');
  });

  it('fetches a new URL when a stale one is clicked, then downloads that', async () => {
    let calls = 0;
    const now = Date.now();
    server.use(http.get('/ajax-api/2.0/bucketflow/artifacts/download-url', () => {
      calls += 1;
      return HttpResponse.json({ url: `https://b.test/m.bin?sig=${calls}`, source: 'bucket',
        expires_at: now + EXPIRY_MARGIN_MS + 60_000 * calls });
    }));
    renderAt(<DownloadLink runId="r1" path="m.bin" />);
    const link = await screen.findByRole('link', { name: 'Download m.bin' });
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.href);
    });
    // Two minutes later (a sleeping laptop): the first URL has expired.
    vi.spyOn(Date, 'now').mockReturnValue(now + 120_000);
    fireEvent.click(link);
    await waitFor(() => expect(clicked).toEqual(['https://b.test/m.bin?sig=2']));
    expect(calls).toBe(2);
  });

  it('says why a download is unavailable', async () => {
    server.use(http.get('/ajax-api/2.0/bucketflow/artifacts/download-url', () => HttpResponse.json(
      { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' }, { status: 400 })));
    renderAt(<DownloadLink runId="r1" path="../x" />);
    expect(await screen.findByText('Download unavailable: Invalid path')).toBeInTheDocument();
  });
});
