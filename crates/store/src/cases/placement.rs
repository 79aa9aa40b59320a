//! 安置 and 技能培训: one placement record per discharged serviceman (way, employer, date, state),
//! training courses with enrolments, and the training rate: trained ÷ those due (自主就业
//! veterans discharged in the year), by township, with the list of those still due.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, QueryResult};
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::cases::{PlacementState, PlacementWay, Rate, TrainingResult, training_rate};
use shuangyong_domain::{OrgPath, text};

use super::housing::year_range;
use super::{Where, int, parse_path, person_in_scope};
use crate::audit::{self, Actor, Change};
use crate::org::Page;
use crate::{Scope, Store, StoreError, Tx, now};

#[derive(Debug, Clone)]
pub struct PlacementInput {
    pub person_id: i64,
    pub way: PlacementWay,
    pub discharged_on: NaiveDate,
    pub employer: String,
    /// Set when placed (已安置); empty while the person waits (待安置).
    pub placed_on: Option<NaiveDate>,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Placement {
    pub id: i64,
    pub org_path: OrgPath,
    pub person_id: i64,
    pub person_name: String,
    pub way: PlacementWay,
    pub discharged_on: NaiveDate,
    pub employer: String,
    pub placed_on: Option<NaiveDate>,
    pub state: PlacementState,
    pub note: String,
    /// Whether the person finished a course (结业).
    pub trained: bool,
}

impl Placement {
    fn snapshot(&self) -> serde_json::Value {
        json!({"way": self.way, "discharged_on": self.discharged_on, "employer": self.employer,
            "placed_on": self.placed_on, "state": self.state, "note": self.note})
    }
}

const COLUMNS: &str = "pl.id, pl.org_path, pl.person_id, p.name AS person_name, pl.way, pl.discharged_on, pl.employer, \
    pl.placed_on, pl.state, pl.note, \
    CASE WHEN EXISTS (SELECT 1 FROM training_enrolment e WHERE e.person_id = pl.person_id AND e.result = 'passed') \
    THEN 1 ELSE 0 END AS trained";
const FROM: &str = "FROM placement pl JOIN person p ON p.id = pl.person_id";

fn from_row(r: &QueryResult) -> Result<Placement, StoreError> {
    let way: String = r.try_get("", "way")?;
    let state: String = r.try_get("", "state")?;
    Ok(Placement {
        id: r.try_get("", "id")?,
        org_path: parse_path(&r.try_get::<String>("", "org_path")?)?,
        person_id: r.try_get("", "person_id")?,
        person_name: r.try_get("", "person_name")?,
        way: PlacementWay::from_code(&way).ok_or_else(|| anyhow::anyhow!("stored way {way}"))?,
        discharged_on: r.try_get("", "discharged_on")?,
        employer: r.try_get("", "employer")?,
        placed_on: r.try_get("", "placed_on")?,
        state: PlacementState::from_code(&state).ok_or_else(|| anyhow::anyhow!("stored state {state}"))?,
        note: r.try_get("", "note")?,
        trained: int(r, "trained")? == 1,
    })
}

async fn load<C: ConnectionTrait>(store: &Store, conn: &C, id: i64) -> Result<Placement, StoreError> {
    let r = store
        .query_one(conn, &format!("SELECT {COLUMNS} {FROM} WHERE pl.id = $1"), [id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&r)
}

pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<Placement, StoreError> {
    let p = load(store, store.conn(), id).await?;
    if !scope.contains(&p.org_path) {
        return Err(StoreError::NotFound);
    }
    Ok(p)
}

fn validate(input: &PlacementInput) -> Result<PlacementState, StoreError> {
    match input.placed_on {
        Some(d) if d < input.discharged_on => Err(StoreError::invalid("安置日期不能早于退役日期")),
        Some(_) if input.way == PlacementWay::Assigned && text::clean(&input.employer).is_empty() => {
            Err(StoreError::invalid("安排工作的，请填写接收单位"))
        }
        Some(_) => Ok(PlacementState::Placed),
        None => Ok(PlacementState::Pending),
    }
}

/// Records how a person in scope is placed (one record per person).
pub async fn create(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    input: PlacementInput,
) -> Result<Placement, StoreError> {
    let state = validate(&input)?;
    let (name, org_path) = person_in_scope(store, tx, scope, input.person_id).await?;
    let t = now();
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO placement (county, org_path, person_id, way, discharged_on, employer, placed_on, state, note, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            [
                org_path.county().into(),
                org_path.as_str().into(),
                input.person_id.into(),
                input.way.code().into(),
                input.discharged_on.into(),
                text::clean(&input.employer).into(),
                input.placed_on.into(),
                state.code().into(),
                text::clean(&input.note).into(),
                t.into(),
            ],
        )
        .await
        .map_err(|e| crate::db::conflict_on_unique(e, &format!("{name} 已有安置记录，请在该记录中修改")))?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    let p = load(store, tx, id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "create",
            entity: "placement",
            entity_id: id.to_string(),
            org_path: org_path.to_string(),
            summary: format!("登记 {name} 的安置：{}（{}）", p.way.label(), p.state.label()),
            before: None,
            after: Some(p.snapshot()),
        },
    )
    .await?;
    Ok(p)
}

/// Changes a placement. A placed person stays placed: clearing the date is refused.
pub async fn update(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    input: PlacementInput,
) -> Result<Placement, StoreError> {
    let state = validate(&input)?;
    let before = load(store, tx, id).await?;
    if !scope.contains(&before.org_path) {
        return Err(StoreError::NotFound);
    }
    if input.person_id != before.person_id {
        return Err(StoreError::invalid("安置记录的对象不能更改"));
    }
    if before.state == PlacementState::Placed && state == PlacementState::Pending {
        return Err(StoreError::invalid("已安置的记录不能改回待安置；如安置单位有变，请改填新的单位和日期"));
    }
    store
        .exec(
            tx,
            "UPDATE placement SET way = $1, discharged_on = $2, employer = $3, placed_on = $4, state = $5, note = $6, \
             updated_at = $7 WHERE id = $8",
            [
                input.way.code().into(),
                input.discharged_on.into(),
                text::clean(&input.employer).into(),
                input.placed_on.into(),
                state.code().into(),
                text::clean(&input.note).into(),
                now().into(),
                id.into(),
            ],
        )
        .await?;
    let after = load(store, tx, id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "update",
            entity: "placement",
            entity_id: id.to_string(),
            org_path: after.org_path.to_string(),
            summary: format!("修改 {} 的安置：{}（{}）", after.person_name, after.way.label(), after.state.label()),
            before: Some(before.snapshot()),
            after: Some(after.snapshot()),
        },
    )
    .await?;
    Ok(after)
}

#[derive(Debug, Clone, Default)]
pub struct PlacementFilter {
    pub unit: Option<OrgPath>,
    pub way: Option<PlacementWay>,
    pub state: Option<PlacementState>,
    /// Discharged in this year.
    pub year: Option<i32>,
    pub q: Option<String>,
}

fn where_of(scope: &Scope, f: &PlacementFilter) -> Where {
    let mut w = Where::new(scope, "pl.org_path");
    w.unit("pl.org_path", f.unit.as_ref());
    if let Some(way) = f.way {
        w.push("pl.way = ?", vec![way.code().into()]);
    }
    if let Some(s) = f.state {
        w.push("pl.state = ?", vec![s.code().into()]);
    }
    if let Some(y) = f.year {
        let (a, b) = year_range(y);
        w.push("pl.discharged_on >= ? AND pl.discharged_on <= ?", vec![a.into(), b.into()]);
    }
    w.name("p.name", f.q.as_deref());
    w
}

pub async fn list(
    store: &Store,
    scope: &Scope,
    f: &PlacementFilter,
    page: Page,
) -> Result<(Vec<Placement>, i64), StoreError> {
    where_of(scope, f).paged(store, (COLUMNS, FROM, "pl.discharged_on DESC, pl.id DESC"), page, from_row).await
}

pub async fn all(store: &Store, scope: &Scope, f: &PlacementFilter) -> Result<Vec<Placement>, StoreError> {
    let w = where_of(scope, f);
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {COLUMNS} {FROM} WHERE {} ORDER BY pl.org_path, pl.discharged_on, pl.id", w.sql()),
            w.params,
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// The placement figures of a year (or of all years): those owed a post or pension by the
/// government and how many are placed; the training rate; by township.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub placement: Rate,
    pub training: Rate,
    pub by_township: Vec<(OrgPath, Rate, Rate)>,
}

/// The township part of a path (`140929/02/222` → `140929/02`); the county itself stays.
fn township_of(p: &OrgPath) -> OrgPath {
    let parts: Vec<&str> = p.as_str().split('/').take(2).collect();
    OrgPath::parse(&parts.join("/")).unwrap_or_else(|_| p.clone())
}

/// Placement and training rates in scope for those discharged in `year` (all years if `None`).
pub async fn stats(store: &Store, scope: &Scope, year: Option<i32>) -> Result<Stats, StoreError> {
    let all = all(store, scope, &PlacementFilter { year, ..Default::default() }).await?;
    let (from, to) = match year {
        Some(y) => year_range(y),
        None => (NaiveDate::MIN, NaiveDate::MAX),
    };
    let placement_rate = |ps: &[&Placement]| {
        let due = ps.iter().filter(|p| p.way.government_placed()).count() as u64;
        let done = ps.iter().filter(|p| p.way.government_placed() && p.state == PlacementState::Placed).count() as u64;
        Rate { done, due }
    };
    let refs: Vec<&Placement> = all.iter().collect();
    let mut by: BTreeMap<OrgPath, Vec<&Placement>> = BTreeMap::new();
    for p in &all {
        by.entry(township_of(&p.org_path)).or_default().push(p);
    }
    Ok(Stats {
        placement: placement_rate(&refs),
        training: training_rate(all.iter().map(|p| (&p.way, p.discharged_on, p.trained)), from, to),
        by_township: by
            .into_iter()
            .map(|(t, ps)| {
                let tr = training_rate(ps.iter().map(|p| (&p.way, p.discharged_on, p.trained)), from, to);
                (t, placement_rate(&ps), tr)
            })
            .collect(),
    })
}

/// Those still due training: 自主就业, discharged in `year` (all years if `None`), without a
/// passed course.
pub async fn still_due(store: &Store, scope: &Scope, year: Option<i32>) -> Result<Vec<Placement>, StoreError> {
    let all = all(store, scope, &PlacementFilter { year, way: Some(PlacementWay::SelfEmployed), ..Default::default() })
        .await?;
    Ok(all.into_iter().filter(|p| !p.trained).collect())
}

pub const EXPORT_HEADERS: &[&str] =
    &["编号", "姓名", "所属单位", "安置方式", "退役日期", "接收单位", "安置日期", "状态", "已参加培训", "备注"];

pub fn export_row(p: &Placement, unit_name: &str) -> Vec<String> {
    vec![
        p.id.to_string(),
        p.person_name.clone(),
        unit_name.to_owned(),
        p.way.label().to_owned(),
        p.discharged_on.to_string(),
        p.employer.clone(),
        p.placed_on.map(|d| d.to_string()).unwrap_or_default(),
        p.state.label().to_owned(),
        if p.trained { "是" } else { "否" }.to_owned(),
        p.note.clone(),
    ]
}

// ---- training courses ----

#[derive(Debug, Clone)]
pub struct CourseInput {
    pub org_path: OrgPath,
    pub name: String,
    pub institution: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
pub struct Course {
    pub id: i64,
    pub org_path: OrgPath,
    pub name: String,
    pub institution: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub enrolled: i64,
    pub passed: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Enrolment {
    pub person_id: i64,
    pub person_name: String,
    pub org_path: String,
    pub result: TrainingResult,
}

const COURSE_COLUMNS: &str = "c.id, c.org_path, c.name, c.institution, c.starts_on, c.ends_on, \
    (SELECT COUNT(*) FROM training_enrolment e WHERE e.course_id = c.id) AS enrolled, \
    (SELECT COUNT(*) FROM training_enrolment e WHERE e.course_id = c.id AND e.result = 'passed') AS passed";

fn course_row(r: &QueryResult) -> Result<Course, StoreError> {
    Ok(Course {
        id: r.try_get("", "id")?,
        org_path: parse_path(&r.try_get::<String>("", "org_path")?)?,
        name: r.try_get("", "name")?,
        institution: r.try_get("", "institution")?,
        starts_on: r.try_get("", "starts_on")?,
        ends_on: r.try_get("", "ends_on")?,
        enrolled: int(r, "enrolled")?,
        passed: int(r, "passed")?,
    })
}

/// Courses are open to the whole county: a course of the county serves every township.
fn course_visible(scope: &Scope, course: &OrgPath) -> bool {
    scope.contains(course) || course.contains(scope.root())
}

pub async fn create_course(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    input: CourseInput,
) -> Result<i64, StoreError> {
    if !scope.contains(&input.org_path) {
        return Err(StoreError::invalid("所选单位不在您的管辖范围内"));
    }
    let name = text::clean(&input.name);
    let institution = text::clean(&input.institution);
    if name.is_empty() || institution.is_empty() {
        return Err(StoreError::invalid("请填写培训项目名称和承训机构"));
    }
    if input.ends_on < input.starts_on {
        return Err(StoreError::invalid("结束日期不能早于开始日期"));
    }
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO training_course (county, org_path, name, institution, starts_on, ends_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            [
                input.org_path.county().into(),
                input.org_path.as_str().into(),
                name.clone().into(),
                institution.clone().into(),
                input.starts_on.into(),
                input.ends_on.into(),
                now().into(),
            ],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "create",
            entity: "training_course",
            entity_id: id.to_string(),
            org_path: input.org_path.to_string(),
            summary: format!("开设培训“{name}”（{institution}，{} 至 {}）", input.starts_on, input.ends_on),
            before: None,
            after: None,
        },
    )
    .await?;
    Ok(id)
}

pub async fn courses(store: &Store, scope: &Scope) -> Result<Vec<Course>, StoreError> {
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {COURSE_COLUMNS} FROM training_course c WHERE c.county = $1 ORDER BY c.starts_on DESC, c.id DESC"),
            [scope.root().county().into()],
        )
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let c = course_row(&r)?;
        if course_visible(scope, &c.org_path) {
            out.push(c);
        }
    }
    Ok(out)
}

pub async fn get_course(store: &Store, scope: &Scope, id: i64) -> Result<Course, StoreError> {
    load_course(store, store.conn(), scope, id).await
}

async fn load_course<C: ConnectionTrait>(
    store: &Store,
    conn: &C,
    scope: &Scope,
    id: i64,
) -> Result<Course, StoreError> {
    let r = store
        .query_one(conn, &format!("SELECT {COURSE_COLUMNS} FROM training_course c WHERE c.id = $1"), [id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    let c = course_row(&r)?;
    if !course_visible(scope, &c.org_path) {
        return Err(StoreError::NotFound);
    }
    Ok(c)
}

/// The enrolments of a course that lie in the scope.
pub async fn enrolments(store: &Store, scope: &Scope, course_id: i64) -> Result<Vec<Enrolment>, StoreError> {
    get_course(store, scope, course_id).await?;
    let mut w = Where::new(scope, "e.org_path");
    w.push("e.course_id = ?", vec![course_id.into()]);
    let rows = store
        .query_all(
            store.conn(),
            &format!(
                "SELECT e.person_id, p.name AS person_name, e.org_path, e.result FROM training_enrolment e \
                 JOIN person p ON p.id = e.person_id WHERE {} ORDER BY e.org_path, p.name_pinyin",
                w.sql()
            ),
            w.params,
        )
        .await?;
    rows.iter()
        .map(|r| {
            let result: String = r.try_get("", "result")?;
            Ok(Enrolment {
                person_id: r.try_get("", "person_id")?,
                person_name: r.try_get("", "person_name")?,
                org_path: r.try_get("", "org_path")?,
                result: TrainingResult::from_code(&result).ok_or_else(|| anyhow::anyhow!("stored result {result}"))?,
            })
        })
        .collect()
}

/// Enrols a person in scope in a course, or records their result.
pub async fn enrol(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    course_id: i64,
    person_id: i64,
    result: TrainingResult,
) -> Result<(), StoreError> {
    let course = load_course(store, tx, scope, course_id).await?;
    let (name, org_path) = person_in_scope(store, tx, scope, person_id).await?;
    let existing = store
        .query_one(
            tx,
            "SELECT result FROM training_enrolment WHERE course_id = $1 AND person_id = $2",
            [course_id.into(), person_id.into()],
        )
        .await?;
    let before: Option<String> = existing.map(|r| r.try_get("", "result")).transpose()?;
    if before.as_deref() == Some(result.code()) {
        return Ok(());
    }
    if before.is_some() {
        store
            .exec(
                tx,
                "UPDATE training_enrolment SET result = $1, updated_at = $2 WHERE course_id = $3 AND person_id = $4",
                [result.code().into(), now().into(), course_id.into(), person_id.into()],
            )
            .await?;
    } else {
        store
            .exec(
                tx,
                "INSERT INTO training_enrolment (course_id, person_id, county, org_path, result, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                [
                    course_id.into(),
                    person_id.into(),
                    org_path.county().into(),
                    org_path.as_str().into(),
                    result.code().into(),
                    now().into(),
                ],
            )
            .await?;
    }
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: if before.is_some() { "update" } else { "create" },
            entity: "training_enrolment",
            entity_id: format!("{course_id}/{person_id}"),
            org_path: org_path.to_string(),
            summary: format!("{name} 参加培训“{}”：{}", course.name, result.label()),
            before: before.map(|b| json!({"result": b})),
            after: Some(json!({"result": result})),
        },
    )
    .await?;
    Ok(())
}
