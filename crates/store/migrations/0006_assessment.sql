-- Model-county self-assessment: a province's scoring sheet imported as data (area → item →
-- sub-item, points, veto conditions), each sub-item linked to the records or files that evidence
-- it, with the points the county gives itself.

CREATE TABLE assessment_sheet (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    name TEXT NOT NULL,
    year BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE assessment_item (
    id BIGSERIAL PRIMARY KEY,
    sheet_id BIGINT NOT NULL REFERENCES assessment_sheet(id) ON DELETE CASCADE,
    county TEXT NOT NULL,
    seq BIGINT NOT NULL,
    area TEXT NOT NULL,
    item TEXT NOT NULL,
    sub_item TEXT NOT NULL,
    -- Points in hundredths (0.5 分 = 50); 0 for a veto condition.
    points BIGINT NOT NULL,
    veto BIGINT NOT NULL,
    criteria TEXT NOT NULL DEFAULT '',
    -- What the county gives itself (hundredths), whether a veto condition is met, the evidence.
    awarded BIGINT,
    vetoed BIGINT NOT NULL DEFAULT 0,
    evidence TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    updated_by TEXT,
    updated_at TIMESTAMPTZ
);
CREATE INDEX assessment_item_sheet ON assessment_item(sheet_id, seq);
