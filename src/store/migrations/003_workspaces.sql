-- Schema version 3: workspaces, users, memberships, API tokens and the audit log (issue #6).
--
-- The migration runner applies this with foreign keys off and checks them (foreign_key_check)
-- before it commits, as SQLite's "12-step" table rebuild requires
-- (https://www.sqlite.org/lang_altertable.html#otheralter): experiments is rebuilt below.

CREATE TABLE workspaces (
  workspace_id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name                  TEXT NOT NULL UNIQUE,
  external_id           TEXT NOT NULL,
  default_experiment_id INTEGER NOT NULL,
  creation_time         INTEGER NOT NULL,
  -- The workspace's own bucket; all NULL while artifacts go to the server's local directory.
  bucket                TEXT,
  prefix                TEXT,
  region                TEXT,
  s3_endpoint           TEXT,
  sts_endpoint          TEXT,
  addressing            TEXT,
  role_arn              TEXT,
  bucket_external_id    TEXT
);
-- Every database from before workspaces maps onto workspace 1, whose Default experiment is 0.
INSERT INTO workspaces (workspace_id, name, external_id, default_experiment_id, creation_time)
VALUES (1, 'default', lower(hex(randomblob(16))), 0,
        CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));

-- Step 4-7 of the rebuild: names become unique per workspace, and ids AUTOINCREMENT so that an
-- id is never handed out twice (callers cache id -> workspace forever, and deleting a workspace
-- hard-deletes its experiments). Copying with explicit ids moves sqlite_sequence to the max.
CREATE TABLE experiments_new (
  experiment_id     INTEGER PRIMARY KEY AUTOINCREMENT,  -- 0 is the default workspace's Default
  workspace_id      INTEGER NOT NULL DEFAULT 1 REFERENCES workspaces(workspace_id),
  name              TEXT NOT NULL,
  artifact_location TEXT NOT NULL,
  lifecycle_stage   TEXT NOT NULL DEFAULT 'active',
  creation_time     INTEGER NOT NULL,
  last_update_time  INTEGER NOT NULL,
  UNIQUE (workspace_id, name)
);
INSERT INTO experiments_new (experiment_id, workspace_id, name, artifact_location,
                             lifecycle_stage, creation_time, last_update_time)
SELECT experiment_id, 1, name, artifact_location, lifecycle_stage, creation_time,
       last_update_time
FROM experiments;
DROP TABLE experiments;
ALTER TABLE experiments_new RENAME TO experiments;
CREATE INDEX experiments_by_workspace ON experiments(workspace_id, creation_time);

CREATE TABLE users (
  user_id       INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL DEFAULT '',  -- argon2id encoded; '' = no password sign-in
  is_admin      INTEGER NOT NULL DEFAULT 0,
  creation_time INTEGER NOT NULL
);

CREATE TABLE memberships (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(workspace_id),
  user_id      INTEGER NOT NULL REFERENCES users(user_id),
  role         INTEGER NOT NULL,  -- store::Role: 1 reader, 2 editor, 3 admin
  PRIMARY KEY (workspace_id, user_id)
) WITHOUT ROWID;
CREATE INDEX memberships_by_user ON memberships(user_id, workspace_id);

CREATE TABLE tokens (
  token_id        INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id         INTEGER NOT NULL REFERENCES users(user_id),
  workspace_id    INTEGER REFERENCES workspaces(workspace_id),  -- NULL: not bound
  name            TEXT NOT NULL DEFAULT '',
  hash            TEXT NOT NULL UNIQUE,  -- hex SHA-256 of the secret
  creation_time   INTEGER NOT NULL,
  expiry_time     INTEGER,
  revocation_time INTEGER
);
CREATE INDEX tokens_by_user ON tokens(user_id);
CREATE INDEX tokens_by_workspace ON tokens(workspace_id);

-- Names for display (the log outlives the workspaces and users it mentions), plus the workspace
-- id the log is read by: names can be reused after a delete, AUTOINCREMENT ids never are. No
-- foreign key: entries stay when their workspace goes. NULL workspace_id: a server-wide action.
CREATE TABLE audit_log (
  audit_id     INTEGER PRIMARY KEY AUTOINCREMENT,
  time         INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  workspace    TEXT NOT NULL DEFAULT '',
  workspace_id INTEGER,
  action       TEXT NOT NULL,
  target       TEXT NOT NULL DEFAULT '',
  detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_workspace ON audit_log(workspace_id, audit_id);
