-- The walking skeleton: org tree, users, sessions, login throttling, the audit log.
-- Every table carries the county code: the distribution key where PostgreSQL is sharded.

CREATE TABLE org_unit (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE,
    parent_path TEXT REFERENCES org_unit(path),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX org_unit_parent ON org_unit(parent_path);
-- engine: postgres
-- The UNIQUE index on path uses the collation's order, which a LIKE prefix cannot use; SQLite's
-- case-sensitive LIKE uses the UNIQUE index itself.
CREATE INDEX org_unit_path_prefix ON org_unit(path text_pattern_ops);
-- engine: both

CREATE TABLE app_user (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ
);
CREATE INDEX app_user_org ON app_user(org_path text_pattern_ops);

CREATE TABLE user_session (
    id TEXT PRIMARY KEY,
    user_id BIGINT REFERENCES app_user(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    flash TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX user_session_expires ON user_session(expires_at);
CREATE INDEX user_session_user ON user_session(user_id);

CREATE TABLE login_attempt (
    username TEXT NOT NULL,
    ip TEXT NOT NULL,
    failures INTEGER NOT NULL,
    first_failure_at TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ,
    PRIMARY KEY (username, ip)
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    county TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    org_path TEXT NOT NULL,
    summary TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log(actor_id);
CREATE INDEX audit_log_at ON audit_log(at);

-- The head of the chain: the last sequence number and hash. Appends lock and advance it, so a
-- removed tail is caught as surely as a removed middle.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: the application never updates or deletes audit entries.
-- engine: sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- engine: postgres
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
-- engine: both

-- Settings of this installation (e.g. whether it is the demo database).
CREATE TABLE app_setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
