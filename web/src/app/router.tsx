// Every route of the UI. The server answers any non-API GET with index.html, so deep links work.
// All pages but /sign-in sit behind the AuthGate, which sends callers to /sign-in when the server
// wants credentials (bucketflow server --auth) and lets them straight through when it does not.
import { Navigate } from 'react-router';
import type { RouteObject } from 'react-router';
import { Layout, NotFoundPage } from '@/components/layout';
import { AuthGate } from '@/features/auth/components/auth-gate';
import { SessionControls } from '@/features/auth/components/session-controls';
import { SignInPage } from '@/features/auth/components/sign-in-page';
import { ExperimentsPage } from '@/features/experiments/components/experiments-page';
import { RunsPage } from '@/features/runs/components/runs-page';
import { ArtifactsRoute } from '@/features/artifacts/components/artifacts-route';
import { ComparePage } from '@/features/compare/components/compare-page';
import { RunLayout } from '@/features/run/components/run-layout';
import { RunOverview } from '@/features/run/components/run-overview';

export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  {
    path: '/',
    element: (
      <AuthGate>
        <Layout actions={<SessionControls />} />
      </AuthGate>
    ),
    children: [
      { index: true, element: <Navigate to="/experiments" replace /> },
      { path: 'experiments', element: <ExperimentsPage /> },
      { path: 'experiments/:ids', element: <RunsPage /> },
      {
        path: 'runs/:runId',
        element: <RunLayout />,
        children: [
          { index: true, element: <RunOverview /> },
          // The splat is the selected artifact path: /runs/:runId/artifacts/model/MLmodel.
          { path: 'artifacts/*', element: <ArtifactsRoute /> },
        ],
      },
      { path: 'compare', element: <ComparePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
