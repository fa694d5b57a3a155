// The artifacts section of a run page: the tree on the left, the selected file's preview on the
// right. The selection lives in the URL (/runs/:runId/artifacts/<path>) so it can be shared.
import { useNavigate } from 'react-router';
import { useArtifactList } from '@/features/artifacts/api/list-artifacts';
import { ArtifactPreview } from '@/features/artifacts/components/artifact-preview';
import { ArtifactTree } from '@/features/artifacts/components/artifact-tree';
import { artifactRoute, normalisePath, parentOf } from '@/features/artifacts/utils/artifact-paths';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import '@/features/artifacts/artifacts.css';

function SelectedArtifact({ runId, path }: { runId: string; path: string }) {
  // The parent's listing (already loaded by the tree) says whether the path is a file and its size.
  const listing = useArtifactList(runId, parentOf(path), path !== '');
  if (path === '') {
    return <EmptyState title="Select a file to preview it">Folders open in place; every file has a download link.</EmptyState>;
  }
  if (listing.isPending) return <LoadingState />;
  if (listing.isError) return <ErrorState error={listing.error} title="Cannot list the folder" onRetry={() => void listing.refetch()} />;
  const entry = listing.data.find((e) => e.path === path);
  if (!entry) {
    return <EmptyState title="Not found">This run has no artifact at “{path}”.</EmptyState>;
  }
  if (entry.isDir) {
    return <EmptyState title={`Folder ${path}`}>Select a file inside it to preview it.</EmptyState>;
  }
  return <ArtifactPreview runId={runId} entry={entry} />;
}

export function ArtifactBrowser({ runId, selectedPath }: { runId: string; selectedPath: string }) {
  const navigate = useNavigate();
  const path = normalisePath(selectedPath);
  return (
    <div className="artifact-browser">
      <nav className="artifact-browser__tree" aria-label="Artifact tree">
        <ArtifactTree runId={runId} selectedPath={path} onSelect={(p) => void navigate(artifactRoute(runId, p))} />
      </nav>
      <div className="artifact-browser__preview">
        <SelectedArtifact runId={runId} path={path} />
      </div>
    </div>
  );
}
