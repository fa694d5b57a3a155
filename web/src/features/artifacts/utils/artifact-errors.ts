// Errors from fetching artifact bytes, named by cause so the preview can say what to fix. Bucket
// URLs are cross-origin: a missing CORS rule surfaces only as a TypeError from fetch.

export type ArtifactSource = 'bucket' | 'server';

export type ArtifactErrorKind = 'forbidden' | 'cors' | 'gone' | 'network' | 'http';

export const CORS_RULE =
  '[{"AllowedHeaders":["*"],"AllowedMethods":["GET"],"AllowedOrigins":["*"],' +
  '"ExposeHeaders":[],"MaxAgeSeconds":3600}]';

export class ArtifactFetchError extends Error {
  readonly kind: ArtifactErrorKind;
  readonly status: number | undefined;

  constructor(kind: ArtifactErrorKind, message: string, status?: number) {
    super(message);
    this.name = 'ArtifactFetchError';
    this.kind = kind;
    this.status = status;
  }
}

export function errorForStatus(status: number, source: ArtifactSource): ArtifactFetchError {
  if (status === 403 && source === 'bucket') {
    return new ArtifactFetchError(
      'forbidden',
      "The bucket refused the request (403): the link expired or the role lacks s3:GetObject. " +
        "Reload to get a fresh link; if it persists, grant the server's role s3:GetObject on the bucket.",
      status,
    );
  }
  if (status === 404) {
    return new ArtifactFetchError(
      'gone',
      "Not found (404): the object is gone — it was deleted or moved after it was listed.",
      status,
    );
  }
  return new ArtifactFetchError('http', `Fetching the artifact failed with HTTP ${status}.`, status);
}

export function errorForNetworkFailure(source: ArtifactSource): ArtifactFetchError {
  if (source === 'bucket') {
    return new ArtifactFetchError(
      'cors',
      `The browser could not read from the bucket: the bucket's CORS rule is missing: put ${CORS_RULE} ` +
        "on the bucket (bucketflow bucket plan prints it).",
    );
  }
  return new ArtifactFetchError(
    'network',
    "The server could not be reached: check that bucketflow is running and the network is up.",
  );
}

/** A message for any error a preview can hit (artifact fetch, API call or something unexpected). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
