// The one fetch wrapper: every call to the server goes through here, so every failure reaches the
// UI as an ApiError with MLflow's error_code and message (or a clear network/parse description),
// and every call to the server's API carries the signed-in caller's credentials and workspace.
import type { MlflowErrorBody } from '@/types/mlflow';

export const MLFLOW_API = '/ajax-api/2.0/mlflow';
export const BUCKETFLOW_API = '/ajax-api/2.0/bucketflow';

export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  /** Seconds from a Retry-After header (429 answers), when the server sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, errorCode: string, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.errorCode = errorCode;
    this.retryAfterSeconds = retryAfterSeconds;
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

function retryAfter(response: Response): number | undefined {
  const value = response.headers.get('Retry-After');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  const wait = retryAfter(response);
  try {
    const body: unknown = JSON.parse(text);
    if (isErrorBody(body)) {
      return new ApiError(response.status, body.error_code, body.message ?? body.error_code, wait);
    }
  } catch {
    // Not JSON: fall through and report the status line plus the start of the body.
  }
  const snippet = text.trim().slice(0, 200);
  return new ApiError(response.status, `HTTP_${response.status}`,
    `${response.status} ${response.statusText}${snippet ? `: ${snippet}` : ''}`, wait);
}

/** How the caller signs in: an API token, or a user name and password (HTTP basic). */
export type Credentials =
  | { kind: 'token'; token: string }
  | { kind: 'password'; user: string; password: string };

interface ApiSession {
  credentials: Credentials | null;
  workspace: string | null;
}

// Set by the auth feature (which keeps them in sessionStorage); read on every call.
let session: ApiSession = { credentials: null, workspace: null };
let unauthorizedHandler: ((error: ApiError) => void) | null = null;

/** Replaces the credentials and/or workspace sent from now on. */
export function setApiSession(next: Partial<ApiSession>): void {
  session = { ...session, ...next };
}

/**
 * Called when the server refuses the session's credentials (401): they were revoked or expired.
 * Not called for calls made with explicit credentials (a sign-in attempt) or with none.
 */
export function setUnauthorizedHandler(handler: ((error: ApiError) => void) | null): void {
  unauthorizedHandler = handler;
}

function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function authorizationHeader(credentials: Credentials): string {
  return credentials.kind === 'token'
    ? `Bearer ${credentials.token}`
    : `Basic ${base64Utf8(`${credentials.user}:${credentials.password}`)}`;
}

const SERVER_PATHS = ['/ajax-api/', '/api/', '/get-artifact'];
// The server may scope a path to a workspace: /w/team-a/get-artifact?... (download-url does).
const WORKSPACE_PREFIX = /^\/w\/[^/]+(?=\/)/;

/**
 * True for this server's API on this origin. Presigned bucket URLs are on another origin: adding
 * headers there would break their signature and CORS, so they never get credentials.
 */
export function isServerApiUrl(url: string): boolean {
  const parsed = new URL(url, window.location.origin);
  const path = parsed.pathname.replace(WORKSPACE_PREFIX, '');
  return parsed.origin === window.location.origin && SERVER_PATHS.some((prefix) => path.startsWith(prefix));
}

export interface FetchAuth {
  /** Credentials for this call only (a sign-in attempt); undefined = the session's. */
  credentials?: Credentials | null | undefined;
}

/**
 * fetch() plus, for the server's API, the session's Authorization and X-Bucketflow-Workspace
 * headers. Any other URL is fetched exactly as given.
 */
export async function apiFetch(url: string, init: RequestInit = {}, auth: FetchAuth = {}): Promise<Response> {
  if (!isServerApiUrl(url)) return fetch(url, init);
  const credentials = auth.credentials === undefined ? session.credentials : auth.credentials;
  const headers = new Headers(init.headers);
  if (credentials) headers.set('Authorization', authorizationHeader(credentials));
  if (session.workspace) headers.set('X-Bucketflow-Workspace', session.workspace);
  const response = await fetch(url, { ...init, headers });
  if (response.status === 401 && auth.credentials === undefined && credentials && unauthorizedHandler) {
    unauthorizedHandler(await toApiError(response.clone()));
  }
  return response;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Credentials for this call only (a sign-in attempt); omitted = the session's. */
  credentials?: Credentials | null;
}

/** Calls the server and parses the JSON answer; rejects with ApiError on any failure. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', query, body, signal, credentials } = options;
  let response: Response;
  try {
    response = await apiFetch(buildUrl(path, query), {
      method,
      signal,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }, { credentials });
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
