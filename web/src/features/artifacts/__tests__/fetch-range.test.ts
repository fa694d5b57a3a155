import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ArtifactFetchError } from '@/features/artifacts/utils/artifact-errors';
import { decodePrefix, fetchRange, formatBytes } from '@/features/artifacts/utils/fetch-range';
import { server } from '@/test/server';

const BUCKET = 'https://bucket.test/runs/r1/big.log';

function bytesOf(n: number, fill = 0x61): Uint8Array {
  return new Uint8Array(n).fill(fill);
}

describe('fetchRange', () => {
  it('asks for bytes=0-(max-1) and reports a larger file as truncated', async () => {
    let range: string | null = null;
    server.use(http.get(BUCKET, ({ request }) => {
      range = request.headers.get('Range');
      return new HttpResponse(bytesOf(100), { status: 206 });
    }));
    const result = await fetchRange({ url: BUCKET, source: 'bucket', maxBytes: 100, knownSize: 5000 });
    expect(range).toBe('bytes=0-99');
    expect(result.bytes.length).toBe(100);
    expect(result.truncated).toBe(true);
  });

  it('reads a small file whole and not truncated', async () => {
    server.use(http.get(BUCKET, () => new HttpResponse('hello', { status: 206 })));
    const result = await fetchRange({ url: BUCKET, source: 'bucket', maxBytes: 100, knownSize: 5 });
    expect(decodePrefix(result.bytes, result.truncated)).toBe('hello');
    expect(result.truncated).toBe(false);
  });

  it('never keeps more than maxBytes when the server ignores Range', async () => {
    server.use(http.get('/get-artifact', () => new HttpResponse(bytesOf(10_000), { status: 200 })));
    const result = await fetchRange({ url: '/get-artifact?path=x', source: 'server', maxBytes: 1000 });
    expect(result.bytes.length).toBe(1000);
    expect(result.truncated).toBe(true);
  });

  it('treats 416 (a Range on an empty object) as an empty file', async () => {
    server.use(http.get(BUCKET, () => new HttpResponse(null, { status: 416 })));
    const result = await fetchRange({ url: BUCKET, source: 'bucket', maxBytes: 100 });
    expect(result).toEqual({ bytes: new Uint8Array(0), truncated: false });
  });

  it('explains a 403 from the bucket', async () => {
    server.use(http.get(BUCKET, () => new HttpResponse('<Error/>', { status: 403 })));
    const error = await fetchRange({ url: BUCKET, source: 'bucket', maxBytes: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactFetchError);
    expect((error as ArtifactFetchError).kind).toBe('forbidden');
    expect((error as Error).message).toContain('the link expired or the role lacks s3:GetObject');
  });

  it('explains a 404', async () => {
    server.use(http.get(BUCKET, () => new HttpResponse(null, { status: 404 })));
    await expect(fetchRange({ url: BUCKET, source: 'bucket', maxBytes: 100 })).rejects.toThrow('the object is gone');
  });

  it('names the missing CORS rule when fetch fails on a bucket URL', async () => {
    server.use(http.get(BUCKET, () => HttpResponse.error()));
    const error = await fetchRange({ url: BUCKET, source: 'bucket', maxBytes: 100 }).catch((e: unknown) => e);
    expect((error as ArtifactFetchError).kind).toBe('cors');
    expect((error as Error).message).toContain("the bucket's CORS rule is missing");
    expect((error as Error).message).toContain('"AllowedMethods":["GET"]');
    expect((error as Error).message).toContain('bucketflow bucket plan');
  });

  it('blames the network, not CORS, when the server itself is unreachable', async () => {
    server.use(http.get('/get-artifact', () => HttpResponse.error()));
    const error = await fetchRange({ url: '/get-artifact', source: 'server', maxBytes: 100 }).catch((e: unknown) => e);
    expect((error as ArtifactFetchError).kind).toBe('network');
  });

  it('reports other statuses with their number', async () => {
    server.use(http.get(BUCKET, () => new HttpResponse(null, { status: 500 })));
    await expect(fetchRange({ url: BUCKET, source: 'bucket', maxBytes: 100 })).rejects.toThrow('HTTP 500');
  });
});

describe('decodePrefix', () => {
  it('drops a multi-byte character cut at the end of a prefix', () => {
    const euro = new TextEncoder().encode('ab€');
    expect(decodePrefix(euro.slice(0, 4), true)).toBe('ab');
    expect(decodePrefix(euro, false)).toBe('ab€');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(256 * 1024)).toBe('256 KB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
  });
});
