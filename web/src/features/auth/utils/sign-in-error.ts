// What the sign-in form says when the server refuses: its own message for 401, the wait for 429.
import { ApiError, errorMessage } from '@/lib/api';

export function signInErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.status === 429) {
    return error.retryAfterSeconds !== undefined
      ? `Too many attempts; retry in ${error.retryAfterSeconds} s.`
      : 'Too many attempts; wait a little, then retry.';
  }
  if (error instanceof ApiError && error.status === 401) return `Sign-in refused: ${error.message}`;
  return errorMessage(error);
}

/** Only same-app paths are followed after sign-in (never another origin, never /sign-in again). */
export function safeReturnPath(from: unknown): string {
  if (typeof from !== 'string' || !from.startsWith('/') || from.startsWith('//') ||
    from.startsWith('/sign-in')) {
    return '/experiments';
  }
  return from;
}
