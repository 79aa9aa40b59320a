-- The benefits engine: programs, their effective-dated standards, applications and their
-- approvals, enrolments, and payment cycles whose lines are frozen when computed.
-- Money is integer fen. Periods are months written 'YYYY-MM'.

-- A program: the seven national ones (county '') and county top-ups of the same kinds.
CREATE TABLE benefit_program (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    national BIGINT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

-- From effective_from on, annual_fen a year for std_key (cause/grade, survivor group/registration,
-- or '' for flat and per-year-of-service programs).
CREATE TABLE benefit_standard (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    program_id BIGINT NOT NULL REFERENCES benefit_program(id),
    std_key TEXT NOT NULL,
    annual_fen BIGINT NOT NULL CHECK (annual_fen >= 0),
    effective_from DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (program_id, std_key, effective_from)
);

CREATE TABLE benefit_application (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    program_id BIGINT NOT NULL REFERENCES benefit_program(id),
    status TEXT NOT NULL,
    eligible BIGINT NOT NULL,
    verdict TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    submitted_by BIGINT NOT NULL,
    submitted_by_name TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    reviewed_by BIGINT,
    reviewed_by_name TEXT,
    reviewed_at TIMESTAMPTZ,
    review_note TEXT NOT NULL DEFAULT '',
    decided_by BIGINT,
    decided_by_name TEXT,
    decided_at TIMESTAMPTZ,
    decision_note TEXT NOT NULL DEFAULT '',
    start_month TEXT,
    enrolment_id BIGINT
);
CREATE INDEX benefit_application_status ON benefit_application(status, org_path);
CREATE INDEX benefit_application_person ON benefit_application(person_id);

-- A person in a program from start_month (to end_month). std_key and units are the basis of the
-- amount, set by the program's rule when enrolled and refreshed when the person's record changes.
CREATE TABLE benefit_enrolment (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    program_id BIGINT NOT NULL REFERENCES benefit_program(id),
    std_key TEXT NOT NULL,
    units BIGINT NOT NULL,
    start_month TEXT NOT NULL,
    end_month TEXT,
    application_id BIGINT,
    source TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, program_id)
);
CREATE INDEX benefit_enrolment_program ON benefit_enrolment(program_id, start_month);
-- People a cycle leaves out (not 正常, or no bank account): few, found without scanning everyone.
CREATE INDEX person_unpaid ON person(id) WHERE status <> 'normal' OR bank_account_sealed IS NULL;

CREATE TABLE benefit_cycle (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    program_id BIGINT NOT NULL REFERENCES benefit_program(id),
    period TEXT NOT NULL,
    status TEXT NOT NULL,
    lines BIGINT NOT NULL DEFAULT 0,
    total_fen BIGINT NOT NULL DEFAULT 0,
    skipped BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_by_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    approved_by BIGINT,
    approved_by_name TEXT,
    approved_at TIMESTAMPTZ,
    exported_at TIMESTAMPTZ,
    UNIQUE (county, program_id, period)
);

-- The standards a cycle used, per month paid and key; settled_fen is the annual amount that
-- back-pay has since brought those months up to.
CREATE TABLE benefit_cycle_rate (
    cycle_id BIGINT NOT NULL REFERENCES benefit_cycle(id),
    for_period TEXT NOT NULL,
    std_key TEXT NOT NULL,
    annual_fen BIGINT NOT NULL,
    settled_fen BIGINT NOT NULL,
    PRIMARY KEY (cycle_id, for_period, std_key)
);

-- A frozen payment line: who, how much, for which month, to which account (sealed, copied from the
-- person at the moment the cycle was computed).
CREATE TABLE benefit_cycle_line (
    id BIGSERIAL PRIMARY KEY,
    cycle_id BIGINT NOT NULL REFERENCES benefit_cycle(id),
    county TEXT NOT NULL,
    org_path TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    enrolment_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    for_period TEXT NOT NULL,
    std_key TEXT NOT NULL,
    units BIGINT NOT NULL,
    annual_fen BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    name TEXT NOT NULL,
    bank_name TEXT NOT NULL,
    account_sealed BYTEA NOT NULL,
    status TEXT NOT NULL,
    result_note TEXT NOT NULL DEFAULT '',
    settled_at TIMESTAMPTZ
);
-- By cycle only: lines are appended in order, so this index grows at its end (a cycle of a million
-- lines is written in seconds); a township's lines are found by scanning its cycle.
CREATE INDEX benefit_cycle_line_cycle ON benefit_cycle_line(cycle_id);
CREATE INDEX benefit_cycle_line_enrolment ON benefit_cycle_line(enrolment_id, for_period);
CREATE INDEX benefit_cycle_line_failed ON benefit_cycle_line(cycle_id) WHERE status = 'failed';

-- Enrolments in force for a cycle's month that were left out, and why.
CREATE TABLE benefit_cycle_skip (
    cycle_id BIGINT NOT NULL REFERENCES benefit_cycle(id),
    county TEXT NOT NULL,
    org_path TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    enrolment_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX benefit_cycle_skip_cycle ON benefit_cycle_skip(cycle_id);

-- The national programs and the standards DOMAIN.md gives for 2022–2025 (national minimums; those
-- marked 待核实 are examples to be checked against the province's figures).
INSERT INTO benefit_program (id, county, code, name, kind, national, created_at) VALUES (1, '', 'disability_pension', '残疾抚恤金', 'disability_pension', 1, '2024-01-01T00:00:00+00:00');
INSERT INTO benefit_program (id, county, code, name, kind, national, created_at) VALUES (2, '', 'survivor_pension', '三属定期抚恤金', 'survivor_pension', 1, '2024-01-01T00:00:00+00:00');
INSERT INTO benefit_program (id, county, code, name, kind, national, created_at) VALUES (3, '', 'demobilized_subsidy', '在乡复员军人定期定量补助', 'demobilized_subsidy', 1, '2024-01-01T00:00:00+00:00');
INSERT INTO benefit_program (id, county, code, name, kind, national, created_at) VALUES (4, '', 'ill_returnee_subsidy', '带病回乡退伍军人定期定量补助', 'ill_returnee_subsidy', 1, '2024-01-01T00:00:00+00:00');
INSERT INTO benefit_program (id, county, code, name, kind, national, created_at) VALUES (5, '', 'war_veteran_subsidy', '参战参试退役人员定期补助', 'war_veteran_subsidy', 1, '2024-01-01T00:00:00+00:00');
INSERT INTO benefit_program (id, county, code, name, kind, national, created_at) VALUES (6, '', 'martyr_elderly_child_subsidy', '烈士老年子女定期生活补助', 'martyr_elderly_child_subsidy', 1, '2024-01-01T00:00:00+00:00');
INSERT INTO benefit_program (id, county, code, name, kind, national, created_at) VALUES (7, '', 'rural_veteran_elderly', '农村籍退役士兵老年生活补助', 'rural_veteran_elderly', 1, '2024-01-01T00:00:00+00:00');
-- engine: postgres
-- The programs above took their ids by hand: the next one made by the serial is 8.
SELECT setval(pg_get_serial_sequence('benefit_program', 'id'), 7);
-- engine: both
INSERT INTO benefit_standard (county, program_id, std_key, annual_fen, effective_from, note, created_by, created_at) VALUES
    ('', 1, 'war/1', 11737200, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/1', 12441600, '2023-08-01', '由2024年标准按涨幅6%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/1', 13188000, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/1', 13584000, '2025-08-01', '2024年标准约提高3%（一级因战135840元为公布数）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/2', 10621200, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/2', 11258400, '2023-08-01', '由2024年标准按涨幅6%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/2', 11934000, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/2', 12291600, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/3', 9319200, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/3', 9878400, '2023-08-01', '由2024年标准按涨幅6%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/3', 10471200, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/3', 10785600, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/4', 7638000, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/4', 8096400, '2023-08-01', '由2024年标准按涨幅6%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/4', 8582400, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/4', 8840400, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/5', 5966400, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/5', 6324000, '2023-08-01', '由2024年标准按涨幅6%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/5', 6703200, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/5', 6904800, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/6', 4660800, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/6', 4940400, '2023-08-01', '由2024年标准按涨幅6%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/6', 5236800, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/6', 5394000, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/7', 3478800, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/7', 3687600, '2023-08-01', '由2024年标准按涨幅6%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/7', 3908400, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/7', 4026000, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/8', 2196000, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/8', 2328000, '2023-08-01', '由2024年标准按涨幅6%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/8', 2467200, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/8', 2541600, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/9', 1822800, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/9', 1932000, '2023-08-01', '由2024年标准按涨幅6%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/9', 2048400, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/9', 2109600, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/10', 1281600, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/10', 1358400, '2023-08-01', '由2024年标准按涨幅6%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/10', 1440000, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'war/10', 1483200, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/1', 11262000, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/1', 11824800, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/1', 12416400, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/1', 12788400, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/2', 9972000, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/2', 10470000, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/2', 10993200, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/2', 11323200, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/3', 8678400, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/3', 9112800, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/3', 9568800, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/3', 9855600, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/4', 6831600, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/4', 7173600, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/4', 7532400, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/4', 7758000, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/5', 5169600, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/5', 5427600, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/5', 5698800, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/5', 5869200, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/6', 4370400, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/6', 4588800, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/6', 4818000, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/6', 4962000, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/7', 3084000, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/7', 3237600, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/7', 3399600, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/7', 3501600, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/8', 1992000, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/8', 2091600, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/8', 2196000, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/8', 2262000, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/9', 1452000, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/9', 1524000, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/9', 1600800, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/9', 1648800, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/10', 1086000, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/10', 1140000, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/10', 1196400, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'duty/10', 1232400, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/1', 10588800, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/1', 11118000, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/1', 11673600, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/1', 12024000, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/2', 9328800, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/2', 9795600, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/2', 10285200, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/2', 10593600, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/3', 7900800, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/3', 8295600, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/3', 8710800, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/3', 8972400, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/4', 6103200, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/4', 6408000, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/4', 6728400, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/4', 6930000, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/5', 4666800, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/5', 4899600, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/5', 5144400, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/5', 5299200, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/6', 3588000, '2022-08-01', '由2023年标准按同幅推算（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/6', 3768000, '2023-08-01', '由2024年标准按涨幅5%倒推（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/6', 3956400, '2024-08-01', '2024年国家标准', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 1, 'illness/6', 4075200, '2025-08-01', '2024年标准约提高3%（按3%推算，待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'martyr_survivor/urban', 2851200, '2022-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'martyr_survivor/urban', 3022000, '2023-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'martyr_survivor/urban', 3202800, '2024-08-01', '2023年标准提高6%', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'martyr_survivor/urban', 3298800, '2025-08-01', '约提高3%（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'martyr_survivor/rural', 2557200, '2022-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'martyr_survivor/rural', 2710000, '2023-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'martyr_survivor/rural', 2872800, '2024-08-01', '2023年标准提高6%', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'martyr_survivor/rural', 2959200, '2025-08-01', '约提高3%（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'duty_death_survivor/urban', 2516400, '2022-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'duty_death_survivor/urban', 2642000, '2023-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'duty_death_survivor/urban', 2774400, '2024-08-01', '2023年标准提高5%', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'duty_death_survivor/urban', 2857200, '2025-08-01', '约提高3%（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'duty_death_survivor/rural', 2235600, '2022-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'duty_death_survivor/rural', 2347000, '2023-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'duty_death_survivor/rural', 2464800, '2024-08-01', '2023年标准提高5%', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'duty_death_survivor/rural', 2539200, '2025-08-01', '约提高3%（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'illness_death_survivor/urban', 2404800, '2022-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'illness_death_survivor/urban', 2525000, '2023-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'illness_death_survivor/urban', 2650800, '2024-08-01', '2023年标准提高5%', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'illness_death_survivor/urban', 2730000, '2025-08-01', '约提高3%（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'illness_death_survivor/rural', 2130000, '2022-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'illness_death_survivor/rural', 2237000, '2023-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'illness_death_survivor/rural', 2348400, '2024-08-01', '2023年标准提高5%', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 2, 'illness_death_survivor/rural', 2419200, '2025-08-01', '约提高3%（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 3, '', 2918400, '2022-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 3, '', 3050400, '2023-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 3, '', 3182500, '2024-08-01', '2024年提高1321元/年', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 3, '', 3278400, '2025-08-01', '约提高3%（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 5, '', 810000, '2022-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 5, '', 858000, '2023-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 5, '', 908400, '2024-08-01', '2024年提高42元/月', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 5, '', 936000, '2025-08-01', '约提高3%（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 4, '', 639600, '2022-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 4, '', 674400, '2023-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 4, '', 712200, '2024-08-01', '2024年提高31.5元/月', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 4, '', 733200, '2025-08-01', '约提高3%（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 6, '', 672000, '2022-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 6, '', 720000, '2023-08-01', '示例标准（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 6, '', 769200, '2024-08-01', '2024年提高41元/月', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 6, '', 792000, '2025-08-01', '约提高3%（待核实）', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 7, '', 64800, '2022-08-01', '每服役1年648元/年', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 7, '', 68800, '2023-08-01', '每服役1年688元/年', '系统(初始标准)', '2024-01-01T00:00:00+00:00'),
    ('', 7, '', 72000, '2024-08-01', '每服役1年720元/年（60元/月）', '系统(初始标准)', '2024-01-01T00:00:00+00:00');
