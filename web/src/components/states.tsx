// The three non-data states every page shows the same way.
import type { ReactNode } from 'react';
import { errorMessage } from '@/lib/api';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state--loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state--empty">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

export function ErrorState({ error, title = 'Something went wrong', onRetry }: {
  error: unknown; title?: string; onRetry?: () => void;
}) {
  return (
    <div className="state state--error" role="alert">
      <strong>{title}</strong>
      <div className="state__detail">{errorMessage(error)}</div>
      {onRetry && <button type="button" onClick={onRetry}>Try again</button>}
    </div>
  );
}
