-- 帮扶服务: housing cases, medical aid funds and claims, placements and training, priority
-- windows, preferential treatments, and the evidence files attached to cases. Money in fen.
-- INT8 (PostgreSQL's BIGINT) keeps these columns declared BIGINT on SQLite, as they always were.

CREATE TABLE housing_case (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    person_id BIGINT NOT NULL REFERENCES person(id),
    need TEXT NOT NULL,
    way TEXT NOT NULL,
    state TEXT NOT NULL,
    cost_fen INT8 NOT NULL DEFAULT 0,
    subsidy_fen INT8 NOT NULL DEFAULT 0,
    registered_on DATE NOT NULL,
    completed_on DATE,
    state_note TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX housing_case_org ON housing_case(org_path text_pattern_ops);
CREATE INDEX housing_case_person ON housing_case(person_id);

-- A yearly medical aid fund: what it received, what approved claims drew (paid). The balance
-- received - paid never goes below zero: approvals draw with a conditional UPDATE.
CREATE TABLE medical_fund (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    year INTEGER NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    received_fen INT8 NOT NULL,
    paid_fen INT8 NOT NULL DEFAULT 0,
    share_bp INTEGER NOT NULL,
    yearly_cap_fen INT8 NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (paid_fen >= 0 AND paid_fen <= received_fen),
    UNIQUE (org_path, year, name)
);

CREATE TABLE medical_claim (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    person_id BIGINT NOT NULL REFERENCES person(id),
    fund_id BIGINT NOT NULL REFERENCES medical_fund(id),
    hospital TEXT NOT NULL,
    admitted_on DATE NOT NULL,
    discharged_on DATE NOT NULL,
    total_fen INT8 NOT NULL,
    insurance_fen INT8 NOT NULL,
    aid_fen INT8 NOT NULL,
    reasons TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMPTZ,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX medical_claim_org ON medical_claim(org_path text_pattern_ops);
CREATE INDEX medical_claim_fund ON medical_claim(fund_id, state);
CREATE INDEX medical_claim_person ON medical_claim(person_id);

CREATE TABLE placement (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    person_id BIGINT NOT NULL REFERENCES person(id) UNIQUE,
    way TEXT NOT NULL,
    discharged_on DATE NOT NULL,
    employer TEXT NOT NULL DEFAULT '',
    placed_on DATE,
    state TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX placement_org ON placement(org_path text_pattern_ops);

CREATE TABLE training_course (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    name TEXT NOT NULL,
    institution TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE training_enrolment (
    course_id BIGINT NOT NULL REFERENCES training_course(id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES person(id),
    county TEXT NOT NULL,
    org_path TEXT NOT NULL,
    result TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (course_id, person_id)
);
CREATE INDEX training_enrolment_person ON training_enrolment(person_id);

CREATE TABLE priority_window (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    services TEXT NOT NULL DEFAULT '',
    in_service INTEGER NOT NULL DEFAULT 1,
    since DATE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX priority_window_org ON priority_window(org_path text_pattern_ops);

CREATE TABLE preferential_treatment (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    person_id BIGINT NOT NULL REFERENCES person(id),
    kind TEXT NOT NULL,
    granted_on DATE NOT NULL,
    description TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX preferential_treatment_org ON preferential_treatment(org_path text_pattern_ops);
CREATE INDEX preferential_treatment_person ON preferential_treatment(person_id);

-- Evidence files of housing cases and medical claims: content checked by its first bytes,
-- kept with its SHA-256, served only to users whose scope covers the case.
CREATE TABLE case_attachment (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL,
    case_kind TEXT NOT NULL,
    case_id INT8 NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INT8 NOT NULL,
    sha256 TEXT NOT NULL,
    data BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_attachment_case ON case_attachment(case_kind, case_id);
