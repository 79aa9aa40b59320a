-- The registry of 优抚对象: people, their categories, service records, households, duplicate flags
-- and yearly life checks. ID numbers, phones and bank accounts are stored sealed (AES-GCM) with
-- blind indexes (HMAC) for exact look-up; nothing in this schema holds them in plain text.

CREATE TABLE household (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    name TEXT COLLATE "C" NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

-- One committed import file: who, when, which file (by SHA-256), how many rows.
CREATE TABLE import_batch (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows_total INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE person (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    name TEXT COLLATE "C" NOT NULL,
    name_pinyin TEXT COLLATE "C" NOT NULL,
    name_initials TEXT COLLATE "C" NOT NULL,
    -- The name reversed: a given name typed alone ("国藩") is a prefix of it, found by index.
    name_rev TEXT COLLATE "C" NOT NULL,
    id_sealed BYTEA NOT NULL,
    id_index TEXT NOT NULL UNIQUE,
    id_tail4 TEXT NOT NULL,
    id_tail5 TEXT NOT NULL,
    id_tail6 TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date DATE NOT NULL,
    ethnicity TEXT NOT NULL DEFAULT '',
    registration TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    phone_sealed BYTEA,
    phone_index TEXT,
    bank_account_sealed BYTEA,
    bank_name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    status_date DATE,
    status_reason TEXT NOT NULL DEFAULT '',
    household_id BIGINT REFERENCES household(id),
    note TEXT NOT NULL DEFAULT '',
    import_batch BIGINT REFERENCES import_batch(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_org ON person(org_path text_pattern_ops);
-- Name first (exact and prefix search), birth date second (near-duplicate checks).
CREATE INDEX person_name ON person(name, birth_date);
CREATE INDEX person_pinyin ON person(name_pinyin);
CREATE INDEX person_initials ON person(name_initials);
CREATE INDEX person_name_rev ON person(name_rev);
CREATE INDEX person_tail4 ON person(id_tail4);
CREATE INDEX person_tail5 ON person(id_tail5);
CREATE INDEX person_tail6 ON person(id_tail6);
CREATE INDEX person_phone ON person(phone_index);
CREATE INDEX person_birth ON person(birth_date);
CREATE INDEX person_import ON person(import_batch);

CREATE TABLE person_category (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    cause TEXT,
    grade INTEGER,
    serviceman_id BIGINT REFERENCES person(id),
    serviceman_name TEXT NOT NULL DEFAULT '',
    relation TEXT,
    since DATE,
    UNIQUE (person_id, category)
);
CREATE INDEX person_category_category ON person_category(category);

CREATE TABLE service_record (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    enlisted DATE,
    discharged DATE,
    branch TEXT NOT NULL DEFAULT '',
    rank TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT ''
);
CREATE INDEX service_record_person ON service_record(person_id);

-- Two records that may be one person (same name and birth date in one township), for a manager
-- to merge or keep apart.
CREATE TABLE duplicate_flag (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL,
    person_a BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    person_b BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    resolved_by TEXT,
    resolved_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_a, person_b)
);

CREATE TABLE life_check_campaign (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    year INTEGER NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    deadline DATE NOT NULL,
    closed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE life_check (
    campaign_id BIGINT NOT NULL REFERENCES life_check_campaign(id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    county TEXT NOT NULL,
    confirmed_at TIMESTAMPTZ NOT NULL,
    confirmed_by TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, person_id)
);

-- Programs a person was recorded as receiving when migrated from older rolls (享受待遇), kept
-- until the benefits engine turns them into enrolments checked against their rules.
CREATE TABLE benefit_claim (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    program TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, program)
);

-- A file uploaded for import, sealed, waiting between its preview and its commit (an hour at most).
CREATE TABLE import_upload (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
