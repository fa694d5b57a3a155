// A dropdown of every metric, param and tag key seen in the loaded runs; checked ones are columns.
import { useEffect, useRef, useState } from 'react';
import type { AvailableKeys, ColumnKind } from '@/features/runs/lib/run-columns';

const KINDS: { kind: ColumnKind; label: string }[] = [
  { kind: 'metrics', label: 'Metrics' },
  { kind: 'params', label: 'Parameters' },
  { kind: 'tags', label: 'Tags' },
];

export function ColumnChooser({ keys, columns, onChange }: {
  keys: AvailableKeys; columns: string[]; onChange: (columns: string[]) => void;
}) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const chosen = new Set(columns);

  useEffect(() => {
    if (!open) return;
    const onClick = (event: MouseEvent) => {
      if (box.current && !box.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onClick);
    return () => document.removeEventListener('mousedown', onClick);
  }, [open]);

  const toggle = (id: string) =>
    onChange(chosen.has(id) ? columns.filter((c) => c !== id) : [...columns, id]);
  const needle = filter.trim().toLowerCase();

  return (
    <div className="dropdown" ref={box} onKeyDown={(event) => { if (event.key === 'Escape') setOpen(false); }}>
      <button type="button" aria-expanded={open} aria-haspopup="dialog" onClick={() => setOpen(!open)}>
        Columns ({columns.length})
      </button>
      {open && (
        <div className="column-chooser" role="dialog" aria-label="Choose columns">
          <input type="search" placeholder="Find a key" aria-label="Find a column" value={filter}
            autoFocus onChange={(event) => setFilter(event.target.value)} style={{ width: '100%' }} />
          <div className="toolbar" style={{ margin: '6px 0' }}>
            <button type="button" onClick={() => onChange([])}>None</button>
          </div>
          {KINDS.map(({ kind, label }) => {
            const shown = keys[kind].filter((key) => key.toLowerCase().includes(needle));
            return (
              <fieldset key={kind}>
                <legend>{label} ({keys[kind].length})</legend>
                {shown.length === 0 && <div className="muted">none</div>}
                {shown.map((key) => {
                  const id = `${kind}.${key}`;
                  return (
                    <label key={id}>
                      <input type="checkbox" checked={chosen.has(id)} onChange={() => toggle(id)} />
                      {key}
                    </label>
                  );
                })}
              </fieldset>
            );
          })}
        </div>
      )}
    </div>
  );
}
