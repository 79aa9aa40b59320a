-- 帮扶服务: housing cases, medical aid funds and claims, placements and training, priority
-- windows, preferential treatments, and the evidence files attached to cases. Money in fen.

CREATE TABLE housing_case (
    id INTEGER PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    person_id INTEGER NOT NULL REFERENCES person(id),
    need TEXT NOT NULL,
    way TEXT NOT NULL,
    state TEXT NOT NULL,
    cost_fen BIGINT NOT NULL DEFAULT 0,
    subsidy_fen BIGINT NOT NULL DEFAULT 0,
    registered_on TEXT NOT NULL,
    completed_on TEXT,
    state_note TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX housing_case_org ON housing_case(org_path);
CREATE INDEX housing_case_person ON housing_case(person_id);

-- A yearly medical aid fund: what it received, what approved claims drew (paid). The balance
-- received - paid never goes below zero: approvals draw with a conditional UPDATE.
CREATE TABLE medical_fund (
    id INTEGER PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    year INTEGER NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    received_fen BIGINT NOT NULL,
    paid_fen BIGINT NOT NULL DEFAULT 0,
    share_bp INTEGER NOT NULL,
    yearly_cap_fen BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (paid_fen >= 0 AND paid_fen <= received_fen),
    UNIQUE (org_path, year, name)
);

CREATE TABLE medical_claim (
    id INTEGER PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    person_id INTEGER NOT NULL REFERENCES person(id),
    fund_id INTEGER NOT NULL REFERENCES medical_fund(id),
    hospital TEXT NOT NULL,
    admitted_on TEXT NOT NULL,
    discharged_on TEXT NOT NULL,
    total_fen BIGINT NOT NULL,
    insurance_fen BIGINT NOT NULL,
    aid_fen BIGINT NOT NULL,
    reasons TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX medical_claim_org ON medical_claim(org_path);
CREATE INDEX medical_claim_fund ON medical_claim(fund_id, state);
CREATE INDEX medical_claim_person ON medical_claim(person_id);

CREATE TABLE placement (
    id INTEGER PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    person_id INTEGER NOT NULL REFERENCES person(id) UNIQUE,
    way TEXT NOT NULL,
    discharged_on TEXT NOT NULL,
    employer TEXT NOT NULL DEFAULT '',
    placed_on TEXT,
    state TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX placement_org ON placement(org_path);

CREATE TABLE training_course (
    id INTEGER PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    name TEXT NOT NULL,
    institution TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE training_enrolment (
    course_id INTEGER NOT NULL REFERENCES training_course(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES person(id),
    county TEXT NOT NULL,
    org_path TEXT NOT NULL,
    result TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (course_id, person_id)
);
CREATE INDEX training_enrolment_person ON training_enrolment(person_id);

CREATE TABLE priority_window (
    id INTEGER PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    services TEXT NOT NULL DEFAULT '',
    in_service INTEGER NOT NULL DEFAULT 1,
    since TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX priority_window_org ON priority_window(org_path);

CREATE TABLE preferential_treatment (
    id INTEGER PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    person_id INTEGER NOT NULL REFERENCES person(id),
    kind TEXT NOT NULL,
    granted_on TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX preferential_treatment_org ON preferential_treatment(org_path);
CREATE INDEX preferential_treatment_person ON preferential_treatment(person_id);

-- Evidence files of housing cases and medical claims: content checked by its first bytes,
-- kept with its SHA-256, served only to users whose scope covers the case.
CREATE TABLE case_attachment (
    id INTEGER PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL,
    case_kind TEXT NOT NULL,
    case_id BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX case_attachment_case ON case_attachment(case_kind, case_id);
