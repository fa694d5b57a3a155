// Route element for /runs/:runId/artifacts/*: the splat is the selected artifact path.
import { useParams } from 'react-router';
import { ArtifactBrowser } from '@/features/artifacts/components/artifact-browser';

export function ArtifactsRoute() {
  const params = useParams();
  return <ArtifactBrowser runId={params.runId ?? ''} selectedPath={params['*'] ?? ''} />;
}
