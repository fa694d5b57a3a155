import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ImagePreview } from '@/features/artifacts/components/image-preview';
import { setApiSession } from '@/lib/api';
import { server } from '@/test/server';
import { renderAt } from '@/test/render';

const DOWNLOAD_URL = '/ajax-api/2.0/bucketflow/artifacts/download-url';
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function serveLink(body: Record<string, unknown>) {
  server.use(http.get(DOWNLOAD_URL, () => HttpResponse.json(body)));
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
  setApiSession({ credentials: null, workspace: null });
  Reflect.deleteProperty(URL, 'createObjectURL');
  Reflect.deleteProperty(URL, 'revokeObjectURL');
});

describe('ImagePreview', () => {
  it('fetches a server image with the session headers and shows it from a blob URL', async () => {
    setApiSession({ credentials: { kind: 'token', token: 'bft_abc' }, workspace: 'team-a' });
    serveLink({ url: '/w/team-a/get-artifact?path=plot.png&run_uuid=r1', source: 'server' });
    const seen: (string | null)[][] = [];
    server.use(http.get('*/w/team-a/get-artifact', ({ request }) => {
      seen.push([request.headers.get('Authorization'), request.headers.get('X-Bucketflow-Workspace')]);
      return new HttpResponse(PNG, { headers: { 'Content-Type': 'image/png' } });
    }));
    const { unmount } = renderAt(<ImagePreview runId="r1" path="plot.png" />);
    const img = await screen.findByRole('img', { name: 'plot.png' });
    expect(img).toHaveAttribute('src', 'blob:http://localhost/1');
    expect(seen).toEqual([['Bearer bft_abc', 'team-a']]);
    expect(new Uint8Array(await blobs[0]!.arrayBuffer())).toEqual(PNG);
    expect(URL.revokeObjectURL).not.toHaveBeenCalled();
    unmount();
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:http://localhost/1');
  });

  it("shows the server's 401 message, not 'cannot display as image'", async () => {
    serveLink({ url: '/get-artifact?path=plot.png&run_uuid=r1', source: 'server' });
    server.use(http.get('*/get-artifact', () => HttpResponse.json(
      { error_code: 'UNAUTHENTICATED', message: 'Authentication required' }, { status: 401 })));
    renderAt(<ImagePreview runId="r1" path="plot.png" />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Authentication required');
    expect(screen.queryByText(/cannot display it as an image/)).not.toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(URL.createObjectURL).not.toHaveBeenCalled();
  });

  it('says a server file that was read but does not decode is not an image', async () => {
    serveLink({ url: '/get-artifact?path=fake.png&run_uuid=r1', source: 'server' });
    server.use(http.get('*/get-artifact', () => new HttpResponse('not a png')));
    renderAt(<ImagePreview runId="r1" path="fake.png" />);
    fireEvent.error(await screen.findByRole('img', { name: 'fake.png' }));
    expect(await screen.findByText(/cannot display it as an image/)).toBeInTheDocument();
  });

  it('points a presigned image straight at the bucket, without fetching it', async () => {
    setApiSession({ credentials: { kind: 'token', token: 'bft_abc' }, workspace: 'team-a' });
    const url = 'https://bucket.test/r1/plot.png?X-Amz-Signature=abc';
    serveLink({ url, source: 'bucket', expires_at: Date.now() + 600_000 });
    let bucketCalls = 0;
    server.use(http.get('https://bucket.test/*', () => {
      bucketCalls += 1;
      return new HttpResponse(PNG);
    }));
    renderAt(<ImagePreview runId="r1" path="plot.png" />);
    const img = await screen.findByRole('img', { name: 'plot.png' });
    expect(img).toHaveAttribute('src', url);
    await waitFor(() => expect(bucketCalls).toBe(0));
    expect(URL.createObjectURL).not.toHaveBeenCalled();
  });
});
