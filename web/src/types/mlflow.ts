// Shapes of the MLflow REST API (2.0) as the server returns them. Proto3 JSON omits empty lists and
// default values, so every collection is optional and readers default it.

export type LifecycleStage = 'active' | 'deleted';
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface Tag {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage: LifecycleStage;
  last_update_time?: number;
  creation_time?: number;
  tags?: Tag[];
}

export interface Metric {
  key: string;
  value: number | string; // "NaN", "Infinity" and "-Infinity" arrive as strings
  timestamp: number;
  step?: number;
}

export interface Param {
  key: string;
  value: string;
}

export interface RunInfo {
  run_id: string;
  run_uuid?: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status: RunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage: LifecycleStage;
}

export interface RunData {
  metrics?: Metric[];
  params?: Param[];
  tags?: Tag[];
}

export interface DatasetInput {
  tags?: Tag[];
  dataset: {
    name: string;
    digest: string;
    source_type: string;
    source: string;
    schema?: string;
    profile?: string;
  };
}

export interface Run {
  info: RunInfo;
  data: RunData;
  inputs?: { dataset_inputs?: DatasetInput[] };
}

export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number | string;
}

export interface SearchExperimentsResponse {
  experiments?: Experiment[];
  next_page_token?: string;
}

export interface SearchRunsResponse {
  runs?: Run[];
  next_page_token?: string;
}

export interface MetricHistoryResponse {
  metrics?: Metric[];
  next_page_token?: string;
}

/** One point of metrics/get-history-bulk-interval (the metric carries its run). */
export interface MetricWithRunId extends Metric {
  run_id: string;
}

export interface ListArtifactsResponse {
  root_uri?: string;
  files?: FileInfo[];
  next_page_token?: string;
}

/** GET /ajax-api/2.0/bucketflow/artifacts/download-url */
export interface DownloadUrlResponse {
  url: string;
  source: 'bucket' | 'server';
  expires_at?: number;
  /** Not sent by the server: when the browser received the URL (epoch ms). */
  received_at?: number;
}

/** The JSON body of every MLflow error response. */
export interface MlflowErrorBody {
  error_code: string;
  message: string;
}
