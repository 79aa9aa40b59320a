-- Model-county self-assessment: a province's scoring sheet imported as data (area → item →
-- sub-item, points, veto conditions), each sub-item linked to the records or files that evidence
-- it, with the points the county gives itself.

CREATE TABLE assessment_sheet (
    id INTEGER PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE assessment_item (
    id INTEGER PRIMARY KEY,
    sheet_id INTEGER NOT NULL REFERENCES assessment_sheet(id) ON DELETE CASCADE,
    county TEXT NOT NULL,
    seq INTEGER NOT NULL,
    area TEXT NOT NULL,
    item TEXT NOT NULL,
    sub_item TEXT NOT NULL,
    -- Points in hundredths (0.5 分 = 50); 0 for a veto condition.
    points INTEGER NOT NULL,
    veto INTEGER NOT NULL,
    criteria TEXT NOT NULL DEFAULT '',
    -- What the county gives itself (hundredths), whether a veto condition is met, the evidence.
    awarded INTEGER,
    vetoed INTEGER NOT NULL DEFAULT 0,
    evidence TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    updated_by TEXT,
    updated_at TEXT
);
CREATE INDEX assessment_item_sheet ON assessment_item(sheet_id, seq);
