// Reads the first bytes of an artifact. The Range header keeps S3 from sending more; the stream is
// also cut at maxBytes, because a server may ignore Range and answer 200 with the whole file.

import {
  errorForNetworkFailure,
  errorForStatus,
  type ArtifactSource,
} from '@/features/artifacts/utils/artifact-errors';
import { apiFetch } from '@/lib/api';

export const TEXT_PREVIEW_BYTES = 256 * 1024;
export const CSV_PREVIEW_BYTES = 64 * 1024;

export interface RangeResult {
  bytes: Uint8Array;
  /** True when the file has more bytes than were read. */
  truncated: boolean;
}

export interface RangeRequest {
  url: string;
  source: ArtifactSource;
  maxBytes: number;
  /** The size from the listing: the bucket's CORS rule exposes no Content-Range, so this is the truth. */
  knownSize?: number | undefined;
  signal?: AbortSignal | undefined;
}

async function readAtMost(response: Response, maxBytes: number): Promise<RangeResult> {
  if (!response.body) {
    const all = new Uint8Array(await response.arrayBuffer());
    return { bytes: all.slice(0, maxBytes), truncated: all.length > maxBytes };
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let cut = false;
  while (total < maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
  }
  if (total >= maxBytes) {
    // One more byte than asked for means the server ignored the Range header.
    cut = total > maxBytes;
    // Not awaited: some stream implementations settle cancel() only when the source drains.
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(total, maxBytes));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  return { bytes, truncated: cut };
}

export async function fetchRange(request: RangeRequest): Promise<RangeResult> {
  const { url, source, maxBytes, knownSize, signal } = request;
  let response: Response;
  try {
    response = await apiFetch(url, { headers: { Range: `bytes=0-${maxBytes - 1}` }, signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw errorForNetworkFailure(source);
  }
  // 416: a Range on an empty object; S3 answers it this way and there is simply nothing to show.
  if (response.status === 416) return { bytes: new Uint8Array(0), truncated: false };
  if (!response.ok) throw errorForStatus(response.status, source);
  const result = await readAtMost(response, maxBytes);
  const truncated =
    knownSize !== undefined
      ? knownSize > result.bytes.length
      : result.truncated || (response.status === 206 && result.bytes.length === maxBytes);
  return { bytes: result.bytes, truncated };
}

/** UTF-8 text of a prefix; a multi-byte character cut at the end is dropped, not garbled. */
export function decodePrefix(bytes: Uint8Array, truncated: boolean): string {
  return new TextDecoder('utf-8').decode(bytes, { stream: truncated });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
