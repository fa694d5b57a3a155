// Run-relative artifact paths ("model/MLmodel"), as the listing returns them, and their URL form.

/** "a/b/c.txt" -> "a/b"; top-level entries have the root "" as parent. */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** "a/b/c.txt" -> ["a", "a/b"]: the directories to open to show the path in the tree. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i += 1) out.push(parts.slice(0, i).join('/'));
  return out;
}

/** Trims slashes a hand-edited URL may carry ("/a//b/" -> "a/b"). */
export function normalisePath(path: string): string {
  return path.split('/').filter((p) => p !== '').join('/');
}

/** The page URL that selects `path` in a run's artifact browser (each segment escaped). */
export function artifactRoute(runId: string, path: string): string {
  const base = `/runs/${encodeURIComponent(runId)}/artifacts`;
  const clean = normalisePath(path);
  return clean === '' ? base : `${base}/${clean.split('/').map(encodeURIComponent).join('/')}`;
}
