// The one fetch wrapper: every call to the server goes through here, so every failure reaches the
// UI as an ApiError with MLflow's error_code and message (or a clear network/parse description).
import type { MlflowErrorBody } from '@/types/mlflow';

export const MLFLOW_API = '/ajax-api/2.0/mlflow';
export const BUCKETFLOW_API = '/ajax-api/2.0/bucketflow';

export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: string;

  constructor(status: number, errorCode: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errorCode = errorCode;
  }

  /** True for errors caused by what the user typed (a bad filter, a duplicate name). */
  get isUserError(): boolean {
    return this.status === 400 || this.errorCode === 'INVALID_PARAMETER_VALUE' ||
      this.errorCode === 'RESOURCE_ALREADY_EXISTS';
  }
}

export type QueryValue = string | number | boolean | undefined | null | readonly string[];

/** Builds an absolute URL on the current origin; repeated keys come from array values. */
export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      for (const item of value as readonly string[]) url.searchParams.append(key, item);
    } else {
      url.searchParams.set(key, String(value));
    }
  }
  return url.toString();
}

function isErrorBody(value: unknown): value is MlflowErrorBody {
  return typeof value === 'object' && value !== null &&
    typeof (value as MlflowErrorBody).error_code === 'string';
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body: unknown = JSON.parse(text);
    if (isErrorBody(body)) {
      return new ApiError(response.status, body.error_code, body.message ?? body.error_code);
    }
  } catch {
    // Not JSON: fall through and report the status line plus the start of the body.
  }
  const snippet = text.trim().slice(0, 200);
  return new ApiError(response.status, `HTTP_${response.status}`,
    `${response.status} ${response.statusText}${snippet ? `: ${snippet}` : ''}`);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
}

/** Calls the server and parses the JSON answer; rejects with ApiError on any failure. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', query, body, signal } = options;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      method,
      signal,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR',
      `Cannot reach the server (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!response.ok) throw await toApiError(response);
  const text = await response.text();
  if (text === '') return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'BAD_RESPONSE', `The server sent invalid JSON for ${path}.`);
  }
}

export function mlflowGet<T>(endpoint: string, query?: Record<string, QueryValue>,
  signal?: AbortSignal): Promise<T> {
  return request<T>(`${MLFLOW_API}/${endpoint}`, { query, signal });
}

export function mlflowPost<T>(endpoint: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return request<T>(`${MLFLOW_API}/${endpoint}`, { method: 'POST', body, signal });
}

/** A readable message for anything a query or mutation rejected with. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
