-- The work system (组织体系, 宣传教育, 服务保障, 驻军贡献): one table per record type, described
-- field by field in shuangyong_domain::work. Every row carries its county and org unit (scope is a
-- prefix test on org_path) and rec_year, the year it counts in for filters and yearly totals.

-- 工作机构（双拥工作领导小组、办公室、专项工作组），按届
CREATE TABLE work_group (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    responsible TEXT NOT NULL DEFAULT '',
    duties TEXT NOT NULL DEFAULT '',
    term_start DATE NOT NULL,
    term_end DATE,
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX work_group_org ON work_group(org_path text_pattern_ops);
CREATE INDEX work_group_year ON work_group(county, rec_year);

-- 机构成员，按任期
CREATE TABLE work_group_member (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    group_id BIGINT NOT NULL REFERENCES work_group(id),
    name TEXT NOT NULL DEFAULT '',
    position TEXT NOT NULL DEFAULT '',
    member_role TEXT NOT NULL DEFAULT '',
    term_start DATE NOT NULL,
    term_end DATE,
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX work_group_member_org ON work_group_member(org_path text_pattern_ops);
CREATE INDEX work_group_member_year ON work_group_member(county, rec_year);
CREATE INDEX work_group_member_group_id ON work_group_member(group_id);

-- 会议
CREATE TABLE work_meeting (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    kind TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    held_on DATE NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    chair TEXT NOT NULL DEFAULT '',
    attendance BIGINT,
    attendees TEXT NOT NULL DEFAULT '',
    decisions TEXT NOT NULL DEFAULT '',
    minutes_file TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX work_meeting_org ON work_meeting(org_path text_pattern_ops);
CREATE INDEX work_meeting_year ON work_meeting(county, rec_year);

-- 五纳入五统一：每年每项一条
CREATE TABLE work_measure (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    year BIGINT NOT NULL,
    item TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    evidence_link TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX work_measure_org ON work_measure(org_path text_pattern_ops);
CREATE INDEX work_measure_year ON work_measure(county, rec_year);
CREATE UNIQUE INDEX work_measure_unique ON work_measure(org_path, year, item);

-- 互办实事计划：每单位每年一份
CREATE TABLE work_plan (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    year BIGINT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    parties TEXT NOT NULL DEFAULT '',
    signed_on DATE,
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX work_plan_org ON work_plan(org_path text_pattern_ops);
CREATE INDEX work_plan_year ON work_plan(county, rec_year);
CREATE UNIQUE INDEX work_plan_unique ON work_plan(org_path, year);

-- 互办实事事项：side 为 county（地方为部队办）或 troops（部队为地方办）；金额为分
CREATE TABLE work_plan_item (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES work_plan(id),
    side TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    budget BIGINT,
    spent BIGINT,
    deadline DATE,
    progress BIGINT,
    state TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX work_plan_item_org ON work_plan_item(org_path text_pattern_ops);
CREATE INDEX work_plan_item_year ON work_plan_item(county, rec_year);
CREATE INDEX work_plan_item_plan_id ON work_plan_item(plan_id);

-- 荣誉：全国、省级双拥模范县的命名
CREATE TABLE work_honour (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    year BIGINT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    round BIGINT NOT NULL,
    conferred_by TEXT NOT NULL DEFAULT '',
    document TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX work_honour_org ON work_honour(org_path text_pattern_ops);
CREATE INDEX work_honour_year ON work_honour(county, rec_year);
CREATE UNIQUE INDEX work_honour_unique ON work_honour(org_path, title, round);

-- 教育基地
CREATE TABLE edu_base (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    since BIGINT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX edu_base_org ON edu_base(org_path text_pattern_ops);
CREATE INDEX edu_base_year ON edu_base(county, rec_year);

-- 宣传教育活动；participants 为人次
CREATE TABLE edu_event (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    kind TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    held_on DATE NOT NULL,
    base_id BIGINT REFERENCES edu_base(id),
    place TEXT NOT NULL DEFAULT '',
    organiser TEXT NOT NULL DEFAULT '',
    participants BIGINT NOT NULL,
    participant_kind TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX edu_event_org ON edu_event(org_path text_pattern_ops);
CREATE INDEX edu_event_year ON edu_event(county, rec_year);
CREATE INDEX edu_event_base_id ON edu_event(base_id);

-- 宣传文章；正文中【】标出需注音的词
CREATE TABLE edu_article (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    dated DATE NOT NULL,
    state TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX edu_article_org ON edu_article(org_path text_pattern_ops);
CREATE INDEX edu_article_year ON edu_article(county, rec_year);

-- 服务保障项目与资金；amount 为所选单位（元、亩、人）的百分之一
CREATE TABLE support_project (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    year BIGINT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    amount BIGINT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX support_project_org ON support_project(org_path text_pattern_ops);
CREATE INDEX support_project_year ON support_project(county, rec_year);

-- 支援部队任务的群众疏散，每次一条
CREATE TABLE support_evacuation (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    held_on DATE NOT NULL,
    operation TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    people BIGINT NOT NULL,
    accidents BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX support_evacuation_org ON support_evacuation(org_path text_pattern_ops);
CREATE INDEX support_evacuation_year ON support_evacuation(county, rec_year);

-- 走访慰问；amount 为分
CREATE TABLE support_visit (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    visited_on DATE NOT NULL,
    occasion TEXT NOT NULL DEFAULT '',
    leaders TEXT NOT NULL DEFAULT '',
    visited_unit TEXT NOT NULL DEFAULT '',
    gifts TEXT NOT NULL DEFAULT '',
    amount BIGINT,
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX support_visit_org ON support_visit(org_path text_pattern_ops);
CREATE INDEX support_visit_year ON support_visit(county, rec_year);

-- 驻军贡献；amount 为分，people 为人数或人次
CREATE TABLE troops_contribution (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    rec_year BIGINT NOT NULL,
    happened_on DATE NOT NULL,
    kind TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    amount BIGINT,
    people BIGINT,
    beneficiary TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX troops_contribution_org ON troops_contribution(org_path text_pattern_ops);
CREATE INDEX troops_contribution_year ON troops_contribution(county, rec_year);
-- Files attached to work records (会议纪要, 佐证材料): kept in the database, so a backup holds them.
CREATE TABLE work_file (
    id BIGSERIAL PRIMARY KEY,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL REFERENCES org_unit(path),
    entity TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX work_file_record ON work_file(entity, record_id);
