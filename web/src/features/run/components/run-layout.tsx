// The frame of a run's pages: the header (name, status, times, experiment) and two tabs, Overview
// and Artifacts, whose content the router renders below (the artifact path is part of the URL).
import { Link, NavLink, Outlet, useParams } from 'react-router';
import { useExperiment } from '@/features/run/api/get-experiment';
import { useRun } from '@/features/run/api/get-run';
import { ErrorState, LoadingState } from '@/components/states';
import { formatDuration, formatTime } from '@/lib/format';
import type { Run } from '@/types/mlflow';
import '@/features/run/run.css';

function ExperimentLink({ experimentId }: { experimentId: string }) {
  const experiment = useExperiment(experimentId);
  return (
    <Link to={`/experiments/${encodeURIComponent(experimentId)}`}>
      {experiment.data?.name ?? `experiment ${experimentId}`}
    </Link>
  );
}

function tagValue(run: Run, key: string): string | undefined {
  return run.data.tags?.find((t) => t.key === key)?.value;
}

export function RunHeader({ run }: { run: Run }) {
  const { info } = run;
  const description = tagValue(run, 'mlflow.note.content');
  const parentRunId = tagValue(run, 'mlflow.parentRunId');
  return (
    <header className="run-header">
      <div className="run-header__title">
        <h1>{info.run_name || info.run_id}</h1>
        <span className={`badge badge--${info.status}`}>{info.status}</span>
        {info.lifecycle_stage === 'deleted' && <span className="badge badge--FAILED">deleted</span>}
      </div>
      <dl className="run-header__facts">
        <div><dt>Experiment</dt><dd><ExperimentLink experimentId={info.experiment_id} /></dd></div>
        <div><dt>Run ID</dt><dd><code>{info.run_id}</code></dd></div>
        <div><dt>Started</dt><dd>{formatTime(info.start_time) || '—'}</dd></div>
        <div><dt>Ended</dt><dd>{formatTime(info.end_time) || (info.status === 'RUNNING' ? 'running' : '—')}</dd></div>
        <div><dt>Duration</dt><dd>{formatDuration(info.start_time, info.end_time) || '—'}</dd></div>
        {info.user_id && <div><dt>User</dt><dd>{info.user_id}</dd></div>}
        {parentRunId && (
          <div><dt>Parent run</dt><dd><Link to={`/runs/${encodeURIComponent(parentRunId)}`}>{parentRunId}</Link></dd></div>
        )}
      </dl>
      {description && <p className="run-header__description">{description}</p>}
    </header>
  );
}

export function RunLayout() {
  const { runId = '' } = useParams();
  const run = useRun(runId);
  const base = `/runs/${encodeURIComponent(runId)}`;
  if (run.isPending) return <div className="page"><LoadingState label="Loading run…" /></div>;
  if (run.isError) {
    return (
      <div className="page">
        <ErrorState error={run.error} title="Cannot load the run" onRetry={() => void run.refetch()} />
      </div>
    );
  }
  return (
    <div className="page page--scroll run-page">
      <RunHeader run={run.data} />
      <nav className="tabs" aria-label="Run sections">
        <NavLink to={base} end className="tabs__tab">Overview</NavLink>
        <NavLink to={`${base}/artifacts`} className="tabs__tab">Artifacts</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}
