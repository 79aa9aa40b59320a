//! The work system's pages — 组织体系 (working bodies, meetings, 五纳入五统一, 互办实事, honours),
//! 宣传教育, 服务保障 and 驻军贡献: for every record type a list (filtered by year, unit and category,
//! exported to XLSX), a detail page, and create/edit forms. One set of handlers serves every type
//! from its description in `shuangyong_domain::work`; [`save`] is shared with the JSON API.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, RawForm, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use shuangyong_domain::work::{self, FieldKind, KINDS, Kind};
use shuangyong_domain::{OrgPath, clock, ruby};
use shuangyong_store::org::{self, OrgUnit, Page};
use shuangyong_store::work::files::{self, FileInfo};
use shuangyong_store::work::{self as store_work, Filter, Record, totals};
use shuangyong_store::{StoreError, now};

use crate::AppState;
use crate::ctx::Auth;
use crate::error::{AppError, FieldErrors};
use crate::layout::{Layout, Pager, flash, query_string};

pub mod area;

/// The areas of the work system: (key, menu label, landing page).
pub const AREAS: &[(&str, &str, &str)] = &[
    ("org", "组织体系", "/org/work"),
    ("publicity", "宣传教育", "/publicity"),
    ("support", "服务保障", "/support"),
    ("troops", "驻军贡献", "/troops"),
];

pub fn area_label(area: &str) -> &'static str {
    AREAS.iter().find(|a| a.0 == area).map(|a| a.1).unwrap_or("")
}

pub fn area_home(area: &str) -> &'static str {
    AREAS.iter().find(|a| a.0 == area).map(|a| a.2).unwrap_or("/")
}

/// `/support/projects`: where a type's pages live.
pub fn base(kind: &Kind) -> String {
    format!("/{}/{}", kind.area, kind.key)
}

pub fn router() -> Router<AppState> {
    let mut r = Router::new().merge(area::router());
    for kind in KINDS.iter().copied() {
        let b = base(kind);
        r = r
            .route(
                &b,
                get(move |s: State<AppState>, a: Auth, q: Query<ListQuery>| list(kind, s, a, q))
                    .post(move |s: State<AppState>, a: Auth, f: RawForm| create(kind, s, a, f)),
            )
            .route(&format!("{b}/new"), get(move |s: State<AppState>, a: Auth, q: Query<NewQuery>| new(kind, s, a, q)))
            .route(
                &format!("{b}/export.xlsx"),
                get(move |s: State<AppState>, a: Auth, q: Query<ListQuery>| export(kind, s, a, q)),
            )
            .route(
                &format!("{b}/{{id}}"),
                get(move |s: State<AppState>, a: Auth, p: Path<i64>| show(kind, s, a, p))
                    .post(move |s: State<AppState>, a: Auth, p: Path<i64>, f: RawForm| update(kind, s, a, p, f)),
            )
            .route(
                &format!("{b}/{{id}}/edit"),
                get(move |s: State<AppState>, a: Auth, p: Path<i64>| edit(kind, s, a, p)),
            )
            .route(
                &format!("{b}/{{id}}/files"),
                post(move |s: State<AppState>, a: Auth, p: Path<i64>, m: Multipart| upload(kind, s, a, p, m))
                    .layer(DefaultBodyLimit::max(files::MAX_FILE + (1 << 20))),
            )
            .route(
                &format!("{b}/{{id}}/files/{{file}}"),
                get(move |s: State<AppState>, a: Auth, p: Path<(i64, i64)>| download(kind, s, a, p)),
            );
    }
    r
}

/// A list's query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub choice: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub parent: String,
    /// `2020-2024` or `2024`: records in force during those years (working bodies by term).
    #[serde(default)]
    pub active: String,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl ListQuery {
    pub fn filter(&self) -> Result<Filter, AppError> {
        let year = match self.year.trim() {
            "" => None,
            y => Some(
                y.parse::<i32>()
                    .ok()
                    .filter(|y| (1949..=2100).contains(y))
                    .ok_or_else(|| AppError::invalid("年度应为四位年份，如 2024"))?,
            ),
        };
        let unit = match self.unit.trim() {
            "" => None,
            u => Some(OrgPath::parse(u).map_err(|_| AppError::invalid("请从列表中选择单位"))?),
        };
        let parent = self.parent.trim().parse::<i64>().ok();
        let active = match self.active.trim() {
            "" => None,
            a => {
                let (f, t) = a.split_once('-').unwrap_or((a, a));
                match (f.trim().parse::<i32>(), t.trim().parse::<i32>()) {
                    (Ok(f), Ok(t)) if f <= t && (1949..=2100).contains(&f) && (1949..=2100).contains(&t) => {
                        Some((f, t))
                    }
                    _ => return Err(AppError::invalid("在任年份应写作 2020-2024 或 2024")),
                }
            }
        };
        Ok(Filter {
            year,
            unit,
            parent,
            choice: Some(self.choice.clone()).filter(|c| !c.is_empty()),
            q: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
            active,
        })
    }

    pub fn query_string(&self) -> String {
        query_string(&[
            ("year", &self.year),
            ("unit", &self.unit),
            ("choice", &self.choice),
            ("q", &self.q),
            ("parent", &self.parent),
            ("active", &self.active),
        ])
    }
}

/// Titles of the records a set links to, by field name.
pub async fn linked_titles(
    state: &AppState,
    kind: &Kind,
    records: &[Record],
) -> Result<HashMap<&'static str, HashMap<i64, String>>, AppError> {
    let mut out = HashMap::new();
    for f in kind.fields {
        if let FieldKind::Parent(k) | FieldKind::Ref(k) = f.kind
            && let Some(target) = work::kind(k)
        {
            let ids = store_work::linked_ids(records, f.name);
            out.insert(f.name, store_work::titles(&state.store, target, &ids).await?);
        }
    }
    Ok(out)
}

/// A value as read on a page: linked records by their title.
fn shown(kind: &Kind, r: &Record, i: usize, linked: &HashMap<&'static str, HashMap<i64, String>>) -> Cell {
    let f = &kind.fields[i];
    if let (FieldKind::Parent(k) | FieldKind::Ref(k), Some(id)) = (f.kind, r.vals[i].int()) {
        let title = linked.get(f.name).and_then(|m| m.get(&id)).cloned().unwrap_or_else(|| format!("编号 {id}"));
        let href = work::kind(k).map(|t| format!("{}/{id}", base(t)));
        return Cell { text: title, href };
    }
    Cell { text: kind.display(i, &r.vals), href: None }
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub href: String,
    pub unit: String,
    pub year: i32,
    pub title: String,
    pub cells: Vec<Cell>,
    pub flags: Vec<&'static str>,
}

/// Rows of a list: the listed fields, the unit's name, the warnings.
pub async fn rows(state: &AppState, kind: &'static Kind, records: &[Record]) -> Result<Vec<Row>, AppError> {
    let linked = linked_titles(state, kind, records).await?;
    let names = unit_names(state).await?;
    let today = clock::today(now());
    Ok(records
        .iter()
        .map(|r| Row {
            id: r.id,
            href: format!("{}/{}", base(kind), r.id),
            unit: names.get(r.org_path.as_str()).cloned().unwrap_or_else(|| r.org_path.to_string()),
            year: r.year,
            title: r.title(),
            cells: kind
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.listed && f.name != kind.title)
                .map(|(i, _)| shown(kind, r, i, &linked))
                .collect(),
            flags: kind.flags(&r.vals, today),
        })
        .collect())
}

async fn unit_names(state: &AppState) -> Result<HashMap<String, String>, AppError> {
    let rows = state.store.query_all(state.store.conn(), "SELECT path, name FROM org_unit", []).await?;
    Ok(rows
        .iter()
        .filter_map(|r| Some((r.try_get::<String>("", "path").ok()?, r.try_get::<String>("", "name").ok()?)))
        .collect())
}

/// Column heads of a list (after the title column).
pub fn heads(kind: &Kind) -> Vec<&'static str> {
    kind.fields.iter().filter(|f| f.listed && f.name != kind.title).map(|f| f.label).collect()
}

/// Years offered in filters: from 2015 to next year, newest first.
pub fn years() -> Vec<i32> {
    let this = chrono::Datelike::year(&clock::today(now()));
    (2015..=this + 1).rev().collect()
}

fn trail(kind: &Kind) -> Vec<(String, String)> {
    vec![(area_label(kind.area).to_owned(), area_home(kind.area).to_owned()), (kind.label.to_owned(), base(kind))]
}

fn refs(t: &[(String, String)]) -> Vec<(&str, &str)> {
    t.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "work/list.html")]
struct ListPage {
    layout: Layout,
    kind: &'static Kind,
    base: String,
    q: ListQuery,
    error: Option<String>,
    heads: Vec<&'static str>,
    rows: Vec<Row>,
    pager: Pager,
    years: Vec<i32>,
    units: Vec<OrgUnit>,
    choice_label: &'static str,
    choices: &'static [(&'static str, &'static str)],
    may_write: bool,
}

async fn list(
    kind: &'static Kind,
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let page = Page::new(q.page, q.per_page);
    let (records, total, error) = match q.filter() {
        Ok(f) => {
            let (r, t) = store_work::list(&state.store, &auth.scope(), kind, &f, page).await?;
            (r, t, None)
        }
        Err(e) => (Vec::new(), 0, Some(e.to_string())),
    };
    let rows = rows(&state, kind, &records).await?;
    let (choice_label, choices) = match store_work::choice_field(kind) {
        Some(work::Field { label, kind: FieldKind::Choice(c), .. }) => (*label, *c),
        _ => ("", &[][..]),
    };
    let t = vec![(area_label(kind.area).to_owned(), area_home(kind.area).to_owned())];
    let layout = Layout::new(&state, &auth.ctx, kind.area, &refs(&t), kind.label).await?;
    Ok(ListPage {
        layout,
        kind,
        base: base(kind),
        pager: Pager::new(page, total, &q.query_string()),
        q,
        error,
        heads: heads(kind),
        rows,
        years: years(),
        units: org::list(&state.store, &auth.scope()).await?,
        choice_label,
        choices,
        may_write: kind.may_write(auth.user.role),
    })
}

async fn export(
    kind: &'static Kind,
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let filter = q.filter()?;
    let (bytes, _) = store_work::export::xlsx(&state.store, &auth.user.actor(), &auth.scope(), kind, &filter).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.xlsx\"", kind.key)),
        ],
        bytes,
    )
        .into_response())
}

/// A section of a detail page: the records of another type hanging under this one.
pub struct Children {
    pub kind: &'static Kind,
    pub base: String,
    pub heads: Vec<&'static str>,
    pub rows: Vec<Row>,
    pub may_add: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "work/detail.html")]
struct DetailPage {
    layout: Layout,
    kind: &'static Kind,
    base: String,
    rec: Record,
    unit: String,
    facts: Vec<(&'static str, Cell, bool)>,
    flags: Vec<&'static str>,
    children: Vec<Children>,
    /// Articles: the body with ruby, escaped, and rare characters not yet marked.
    article_html: Option<String>,
    rare: String,
    /// Bases: person-visits by year.
    visits: Vec<(i32, i64)>,
    files: Vec<FileInfo>,
    history: Vec<shuangyong_store::audit::Entry>,
    may_edit: bool,
}

async fn show(
    kind: &'static Kind,
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<DetailPage, AppError> {
    let scope = auth.scope();
    let rec = store_work::get(&state.store, &scope, kind, id).await?;
    let linked = linked_titles(&state, kind, std::slice::from_ref(&rec)).await?;
    let facts = kind
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !(kind.key == "articles" && f.name == "body"))
        .map(|(i, f)| (f.label, shown(kind, &rec, i, &linked), f.kind == FieldKind::LongText))
        .collect();
    let mut children = Vec::new();
    for child in KINDS.iter().copied() {
        // Types hanging under this one (members of a group, items of a plan) or linking to it (events at a base).
        let ties = store_work::link_field(child)
            .is_some_and(|f| matches!(f.kind, FieldKind::Parent(k) | FieldKind::Ref(k) if k == kind.key));
        if !ties {
            continue;
        }
        let f = Filter { parent: Some(id), ..Default::default() };
        let records = store_work::all(&state.store, &scope, child, &f).await?;
        children.push(Children {
            kind: child,
            base: base(child),
            heads: heads(child),
            rows: rows(&state, child, &records).await?,
            may_add: child.may_write(auth.user.role),
        });
    }
    let (article_html, rare) = if kind.key == "articles" {
        let body = rec.get("body").text();
        (Some(ruby::render(body)), ruby::rare_chars(body).into_iter().collect())
    } else {
        (None, String::new())
    };
    let visits = if kind.key == "bases" {
        let this = chrono::Datelike::year(&clock::today(now()));
        totals::base_visits(&state.store, &scope, id, (this - 5)..=this).await?
    } else {
        Vec::new()
    };
    let unit = unit_names(&state).await?.get(rec.org_path.as_str()).cloned().unwrap_or_default();
    let t = trail(kind);
    let title = rec.title();
    let layout = Layout::new(&state, &auth.ctx, kind.area, &refs(&t), title).await?;
    Ok(DetailPage {
        layout,
        kind,
        base: base(kind),
        flags: kind.flags(&rec.vals, clock::today(now())),
        may_edit: scope.contains(&rec.org_path) && kind.may_write_record(auth.user.role, &rec.vals),
        unit,
        facts,
        children,
        article_html,
        rare,
        visits,
        files: files::list(&state.store, &scope, kind, id).await?,
        history: store_work::history(&state.store, &scope, kind, id).await?,
        rec,
    })
}

/// One input of a form.
pub struct Input {
    pub name: &'static str,
    pub label: &'static str,
    /// text, textarea, select
    pub widget: &'static str,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub hint: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "work/form.html")]
struct FormPage {
    layout: Layout,
    kind: &'static Kind,
    action: String,
    editing: Option<i64>,
    version: String,
    org_path: String,
    units: Vec<OrgUnit>,
    inputs: Vec<Input>,
    errors: FieldErrors,
    message: Option<String>,
    rare: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    parent: String,
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    auth: &Auth,
    kind: &'static Kind,
    editing: Option<i64>,
    input: &BTreeMap<String, String>,
    errors: FieldErrors,
    message: Option<String>,
) -> Result<FormPage, AppError> {
    let scope = auth.scope();
    let role = auth.user.role;
    let mut inputs = Vec::new();
    for f in kind.fields {
        let (widget, options, hint) = match f.kind {
            FieldKind::LongText => ("textarea", Vec::new(), ""),
            FieldKind::Choice(c) => {
                // A liaison officer picks only the troops' side.
                let opts = c
                    .iter()
                    .filter(|(code, _)| f.name != "side" || role.may_write_work() || *code == "troops")
                    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                    .collect();
                ("select", opts, "")
            }
            FieldKind::Parent(k) | FieldKind::Ref(k) => {
                let target = work::kind(k).ok_or_else(|| anyhow::anyhow!("kind {k}"))?;
                let opts = store_work::options(&state.store, &scope, target)
                    .await?
                    .into_iter()
                    .map(|(id, t)| (id.to_string(), t))
                    .collect();
                ("select", opts, "")
            }
            FieldKind::Date => ("text", Vec::new(), "如 2024-08-01"),
            FieldKind::Year => ("text", Vec::new(), "如 2024"),
            FieldKind::Amount(_) => ("text", Vec::new(), "最多两位小数，如 12500 或 3.5"),
            _ => ("text", Vec::new(), ""),
        };
        inputs.push(Input {
            name: f.name,
            label: f.label,
            widget,
            value: input.get(f.name).cloned().unwrap_or_default(),
            options,
            required: f.required,
            hint,
        });
    }
    let rare = if kind.key == "articles" {
        ruby::rare_chars(input.get("body").map(String::as_str).unwrap_or("")).into_iter().collect()
    } else {
        String::new()
    };
    let mut t = trail(kind);
    let title = match editing {
        Some(id) => {
            t.push(("记录".into(), format!("{}/{id}", base(kind))));
            format!("修改{}", kind.label)
        }
        None => format!("新增{}", kind.label),
    };
    let layout = Layout::new(state, &auth.ctx, kind.area, &refs(&t), title).await?;
    Ok(FormPage {
        layout,
        kind,
        action: match editing {
            Some(id) => format!("{}/{id}", base(kind)),
            None => base(kind),
        },
        editing,
        version: input.get("version").cloned().unwrap_or_default(),
        org_path: input.get("org_path").cloned().unwrap_or_else(|| auth.user.org_path.to_string()),
        units: org::list(&state.store, &scope).await?,
        inputs,
        errors,
        message,
        rare,
    })
}

async fn new(
    kind: &'static Kind,
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<NewQuery>,
) -> Result<FormPage, AppError> {
    auth.require(kind.may_write(auth.user.role))?;
    let mut input = BTreeMap::new();
    if let Some(link) = store_work::link_field(kind) {
        input.insert(link.name.to_owned(), q.parent.clone());
    }
    // Sensible first values: this year, the first choice.
    for f in kind.fields {
        match f.kind {
            FieldKind::Year => {
                input.insert(f.name.to_owned(), chrono::Datelike::year(&clock::today(now())).to_string());
            }
            FieldKind::Choice(c) if f.required && f.name != "side" => {
                input.entry(f.name.to_owned()).or_insert_with(|| c[0].0.to_owned());
            }
            FieldKind::Choice(_) if f.name == "side" && !auth.user.role.may_write_work() => {
                input.insert(f.name.to_owned(), "troops".into());
            }
            _ => {}
        }
    }
    form_page(&state, &auth, kind, None, &input, FieldErrors::new(), None).await
}

/// A record's values as a form holds them.
pub fn form_values(rec: &Record) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> =
        rec.kind.fields.iter().enumerate().map(|(i, f)| (f.name.to_owned(), rec.kind.input(i, &rec.vals[i]))).collect();
    m.insert("org_path".into(), rec.org_path.to_string());
    m.insert("version".into(), rec.version.to_string());
    m
}

/// Loads a record the user may change: in scope (not merely covering it) and, for a liaison
/// officer, on the troops' side.
async fn writable(state: &AppState, auth: &Auth, kind: &'static Kind, id: i64) -> Result<Record, AppError> {
    auth.require(kind.may_write(auth.user.role))?;
    let rec = store_work::get(&state.store, &auth.scope(), kind, id).await?;
    if !auth.scope().contains(&rec.org_path) {
        return Err(AppError::NotFound);
    }
    auth.require(kind.may_write_record(auth.user.role, &rec.vals))?;
    Ok(rec)
}

async fn edit(
    kind: &'static Kind,
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let rec = writable(&state, &auth, kind, id).await?;
    form_page(&state, &auth, kind, Some(id), &form_values(&rec), FieldErrors::new(), None).await
}

/// Creates (no `id`) or changes a record from form values, for pages and the API alike: checks
/// the role (a liaison officer only the troops' side), reads every field, and writes the record
/// and its audit entry in one transaction.
pub async fn save(
    state: &AppState,
    auth: &Auth,
    kind: &'static Kind,
    id: Option<i64>,
    mut input: BTreeMap<String, String>,
) -> Result<Record, AppError> {
    auth.require(kind.may_write(auth.user.role))?;
    if let Some(id) = id {
        writable(state, auth, kind, id).await?;
    }
    if kind.key == "articles" && input.get("mark_rare").is_some_and(|v| v == "1" || v == "on" || v == "true") {
        let marked = ruby::mark_rare(input.get("body").map(String::as_str).unwrap_or(""));
        input.insert("body".into(), marked);
    }
    let parsed = kind.parse(&input);
    if let Ok(vals) = &parsed {
        auth.require(kind.may_write_record(auth.user.role, vals))?;
    }
    let org_raw = input.get("org_path").map(|s| s.trim()).unwrap_or("");
    let org_path =
        if org_raw.is_empty() { Ok(auth.user.org_path.clone()) } else { OrgPath::parse(org_raw).map_err(|_| ()) };
    let mut fields = parsed.as_ref().err().cloned().unwrap_or_default();
    if org_path.is_err() {
        fields.insert("org_path", "请从列表中选择单位".into());
    }
    let version = match input.get("version").map(|v| v.trim()).unwrap_or("") {
        "" => None,
        v => v.parse::<i64>().ok(),
    };
    let (Ok(vals), Ok(org_path)) = (parsed, org_path) else {
        return Err(AppError::Invalid { message: "请修正标出的字段".into(), fields });
    };
    let tx = state.store.begin_write().await?;
    let actor = auth.user.actor();
    let scope = auth.scope();
    let rec = match id {
        None => store_work::create(&state.store, &tx, &actor, &scope, kind, &org_path, vals).await,
        Some(id) => store_work::update(&state.store, &tx, &actor, &scope, kind, id, version, &org_path, vals).await,
    }
    .map_err(|e| match e {
        StoreError::Invalid(m) => {
            let mut fields = FieldErrors::new();
            fields.insert("org_path", m.clone());
            AppError::Invalid { message: m, fields }
        }
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(rec)
}

/// Reads a posted form (repeated keys: the last wins; `_csrf` dropped).
fn form_map(body: &[u8]) -> BTreeMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "_csrf")
        .collect()
}

async fn saved_or_form(
    state: &AppState,
    auth: &Auth,
    kind: &'static Kind,
    id: Option<i64>,
    input: BTreeMap<String, String>,
) -> Result<Response, AppError> {
    match save(state, auth, kind, id, input.clone()).await {
        Ok(rec) => {
            let verb = if id.is_some() { "已保存" } else { "已新增" };
            flash(state, &auth.ctx, &format!("{verb}{}“{}”", kind.label, rec.title())).await?;
            Ok(Redirect::to(&format!("{}/{}", base(kind), rec.id)).into_response())
        }
        Err(AppError::Invalid { message, fields }) => {
            let page = form_page(state, auth, kind, id, &input, fields, Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict(m)) => {
            let page = form_page(state, auth, kind, id, &input, FieldErrors::new(), Some(m)).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn create(
    kind: &'static Kind,
    State(state): State<AppState>,
    auth: Auth,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    saved_or_form(&state, &auth, kind, None, form_map(&body)).await
}

async fn update(
    kind: &'static Kind,
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    saved_or_form(&state, &auth, kind, Some(id), form_map(&body)).await
}

/// Attaches a file (minutes, evidence) to a record the user may change.
async fn upload(
    kind: &'static Kind,
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    writable(&state, &auth, kind, id).await?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::invalid("上传未完成，请重新选择文件上传"))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("附件").to_owned();
            let bytes = field.bytes().await.map_err(|_| {
                AppError::invalid(format!("文件过大或上传中断：附件不超过 {} MB", files::MAX_FILE >> 20))
            })?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) = file.unwrap_or_default();
    // The transaction ends (committed or rolled back) before the flash message is written.
    let message = {
        let tx = state.store.begin_write().await?;
        match files::attach(&state.store, &tx, &auth.user.actor(), &auth.scope(), kind, id, &name, &bytes).await {
            Ok(f) => {
                tx.commit().await?;
                format!("已上传附件“{}”", f.file_name)
            }
            Err(StoreError::Invalid(m)) => m,
            Err(e) => return Err(e.into()),
        }
    };
    flash(&state, &auth.ctx, &message).await?;
    Ok(Redirect::to(&format!("{}/{id}", base(kind))).into_response())
}

/// `filename*` of a Content-Disposition header: UTF-8, percent-encoded.
fn encode_filename(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

/// Sends an attachment back, always as a download (never rendered in the browser).
async fn download(
    kind: &'static Kind,
    State(state): State<AppState>,
    auth: Auth,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (info, bytes) = files::get(&state.store, &auth.scope(), kind, id, file).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"file\"; filename*=UTF-8''{}", encode_filename(&info.file_name)),
            ),
        ],
        bytes,
    )
        .into_response())
}
