// The search box: MLflow's filter grammar, applied on Enter; the server's parse error shows below.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';

export const FILTER_EXAMPLE = "metrics.loss < 0.5 and params.model = 'cnn' and tags.team = 'vision'";

export function RunsFilter({ value, error, onApply }: {
  value: string; error: string | null; onApply: (filter: string) => void;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onApply(text);
  };
  return (
    <form className="runs-search" onSubmit={onSubmit} role="search">
      <div className="toolbar" style={{ marginBottom: 0, flexWrap: 'nowrap' }}>
        <input type="search" aria-label="Filter runs" placeholder={FILTER_EXAMPLE} value={text}
          className={error ? 'is-invalid' : undefined} aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'runs-filter-error' : undefined}
          onChange={(event) => setText(event.target.value)} />
        <button type="submit">Search</button>
        {value && (
          <button type="button" onClick={() => { setText(''); onApply(''); }}>Clear</button>
        )}
      </div>
      {error && <div id="runs-filter-error" className="inline-error" role="alert">{error}</div>}
    </form>
  );
}
