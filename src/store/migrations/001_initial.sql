-- Bucketflow metadata schema, version 1 (SQLite).
-- Runs and metric keys are interned to integers: the uuid / key text is kept once and every
-- hot table (metrics, latest_metrics, params, tags) joins on small integers.

CREATE TABLE experiments (
  experiment_id     INTEGER PRIMARY KEY,  -- 0 is the Default experiment
  name              TEXT NOT NULL UNIQUE,
  artifact_location TEXT NOT NULL,
  lifecycle_stage   TEXT NOT NULL DEFAULT 'active',
  creation_time     INTEGER NOT NULL,
  last_update_time  INTEGER NOT NULL
);

CREATE TABLE experiment_tags (
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  key           TEXT NOT NULL,
  value         TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;

CREATE TABLE runs (
  run_id          INTEGER PRIMARY KEY,   -- internal; never leaves the store
  run_uuid        TEXT NOT NULL UNIQUE,  -- the MLflow run id (32 hex chars)
  experiment_id   INTEGER NOT NULL REFERENCES experiments(experiment_id),
  name            TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  status          TEXT NOT NULL,
  start_time      INTEGER NOT NULL,
  end_time        INTEGER,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active',
  artifact_uri    TEXT NOT NULL,
  deleted_time    INTEGER
);
CREATE INDEX runs_by_experiment ON runs(experiment_id, start_time DESC, run_uuid);

CREATE TABLE params (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX params_by_key ON params(key, value, run_id);

CREATE TABLE tags (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX tags_by_key ON tags(key, value, run_id);

CREATE TABLE metric_keys (
  key_id INTEGER PRIMARY KEY,
  key    TEXT NOT NULL UNIQUE
);

-- Full history. value is NULL when is_nan = 1 (SQLite cannot store NaN).
CREATE TABLE metrics (
  run_id    INTEGER NOT NULL,
  key_id    INTEGER NOT NULL,
  step      INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  value     REAL,
  is_nan    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX metrics_history ON metrics(run_id, key_id, step, timestamp);

-- The latest value per (run, key): the maximum by (step, timestamp, value), as MLflow keeps it.
CREATE TABLE latest_metrics (
  run_id    INTEGER NOT NULL,
  key_id    INTEGER NOT NULL,
  step      INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  value     REAL,
  is_nan    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, key_id)
) WITHOUT ROWID;
CREATE INDEX latest_metrics_by_key ON latest_metrics(key_id, value, run_id);

CREATE TABLE datasets (
  dataset_id    INTEGER PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  name          TEXT NOT NULL,
  digest        TEXT NOT NULL,
  source_type   TEXT NOT NULL,
  source        TEXT NOT NULL,
  schema        TEXT,
  profile       TEXT,
  UNIQUE (experiment_id, name, digest)
);

CREATE TABLE run_inputs (
  run_id     INTEGER NOT NULL REFERENCES runs(run_id),
  dataset_id INTEGER NOT NULL REFERENCES datasets(dataset_id),
  PRIMARY KEY (run_id, dataset_id)
) WITHOUT ROWID;

CREATE TABLE input_tags (
  run_id     INTEGER NOT NULL,
  dataset_id INTEGER NOT NULL,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (run_id, dataset_id, key)
) WITHOUT ROWID;
