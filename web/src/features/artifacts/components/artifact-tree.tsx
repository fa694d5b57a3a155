// The artifact tree: a directory is listed only when it is opened, and long listings show 200
// entries at a time with "Show more". Enter opens/selects, ArrowRight/ArrowLeft open/close folders.
import { useEffect, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useArtifactList } from '@/features/artifacts/api/list-artifacts';
import type { ArtifactEntry } from '@/features/artifacts/api/list-artifacts';
import { formatBytes } from '@/features/artifacts/utils/fetch-range';
import { ancestorsOf } from '@/features/artifacts/utils/artifact-paths';
import { baseName } from '@/features/artifacts/utils/preview-kind';
import { errorMessage } from '@/lib/api';

export const TREE_PAGE_SIZE = 200;

interface TreeContext {
  runId: string;
  selectedPath: string;
  expanded: ReadonlySet<string>;
  setOpen: (path: string, open: boolean) => void;
  onSelect: (path: string) => void;
}

/** Folders first, each group in the server's (name) order. */
export function foldersFirst(entries: readonly ArtifactEntry[]): ArtifactEntry[] {
  return [...entries.filter((e) => e.isDir), ...entries.filter((e) => !e.isDir)];
}

function TreeNode({ entry, depth, ctx }: { entry: ArtifactEntry; depth: number; ctx: TreeContext }) {
  const open = entry.isDir && ctx.expanded.has(entry.path);
  const selected = ctx.selectedPath === entry.path;
  const onClick = () => {
    if (entry.isDir) ctx.setOpen(entry.path, !open || !selected);
    ctx.onSelect(entry.path);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!entry.isDir) return;
    if (event.key === 'ArrowRight' && !open) ctx.setOpen(entry.path, true);
    else if (event.key === 'ArrowLeft' && open) ctx.setOpen(entry.path, false);
    else return;
    event.preventDefault();
  };
  return (
    <li role="treeitem" aria-level={depth} aria-selected={selected}
      aria-expanded={entry.isDir ? open : undefined} className="artifact-tree__item">
      <button type="button" className={`artifact-tree__node${selected ? ' is-selected' : ''}`}
        style={{ paddingLeft: 6 + (depth - 1) * 16 }} onClick={onClick} onKeyDown={onKeyDown}
        data-path={entry.path} title={entry.path}>
        <span className="artifact-tree__icon" aria-hidden="true">
          {entry.isDir ? (open ? '▾' : '▸') : '·'}
        </span>
        <span className="artifact-tree__name">{baseName(entry.path)}</span>
        {!entry.isDir && entry.size !== undefined && (
          <span className="artifact-tree__size">{formatBytes(entry.size)}</span>
        )}
      </button>
      {open && (
        <ul role="group" className="artifact-tree__group">
          <DirectoryChildren path={entry.path} depth={depth + 1} ctx={ctx} />
        </ul>
      )}
    </li>
  );
}

function DirectoryChildren({ path, depth, ctx }: { path: string; depth: number; ctx: TreeContext }) {
  const listing = useArtifactList(ctx.runId, path);
  const [shown, setShown] = useState(TREE_PAGE_SIZE);
  const indent = { paddingLeft: 6 + (depth - 1) * 16 };
  if (listing.isPending) return <li className="artifact-tree__status" style={indent} role="status">Loading…</li>;
  if (listing.isError) {
    return (
      <li className="artifact-tree__status inline-error" style={indent} role="alert">
        {errorMessage(listing.error)}{' '}
        <button type="button" className="link" onClick={() => void listing.refetch()}>Retry</button>
      </li>
    );
  }
  const entries = foldersFirst(listing.data);
  if (entries.length === 0) {
    return (
      <li className="artifact-tree__status muted" style={indent}>
        {path === '' ? 'This run has no artifacts.' : 'Empty folder'}
      </li>
    );
  }
  const remaining = entries.length - shown;
  return (
    <>
      {entries.slice(0, shown).map((entry) => (
        <TreeNode key={entry.path} entry={entry} depth={depth} ctx={ctx} />
      ))}
      {remaining > 0 && (
        <li className="artifact-tree__status" style={indent}>
          <button type="button" onClick={() => setShown((n) => n + TREE_PAGE_SIZE)}>
            Show more ({Math.min(remaining, TREE_PAGE_SIZE)} of {remaining} remaining)
          </button>
        </li>
      )}
    </>
  );
}

export interface ArtifactTreeProps {
  runId: string;
  selectedPath: string;
  onSelect: (path: string) => void;
}

export function ArtifactTree({ runId, selectedPath, onSelect }: ArtifactTreeProps) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set(ancestorsOf(selectedPath)));
  // A deep link (or back/forward) may select a path inside closed folders: open the way to it.
  useEffect(() => {
    const needed = ancestorsOf(selectedPath);
    setExpanded((prev) => (needed.every((p) => prev.has(p)) ? prev : new Set([...prev, ...needed])));
  }, [selectedPath]);

  const setOpen = (path: string, open: boolean) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (open) next.add(path);
      else next.delete(path);
      return next;
    });
  };
  const ctx: TreeContext = { runId, selectedPath, expanded, setOpen, onSelect };
  return (
    <ul className="artifact-tree" role="tree" aria-label="Artifacts" data-testid="artifact-tree">
      <DirectoryChildren path="" depth={1} ctx={ctx} />
    </ul>
  );
}
