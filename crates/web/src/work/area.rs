//! The landing page of each work area — its record types with yearly totals — and the
//! 五纳入五统一 checklist of a year, where a missing item shows plainly.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;
use shuangyong_domain::work::{self, FieldKind, KINDS, Kind, amount_display};
use shuangyong_domain::{OrgPath, clock};
use shuangyong_store::now;
use shuangyong_store::org::{self, OrgUnit};
use shuangyong_store::work::totals::{self, ChecklistItem};

use super::{AREAS, area_home, area_label, base};
use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::Layout;

pub fn router() -> Router<AppState> {
    let mut r = Router::new().route("/org/measures/checklist", get(checklist));
    for (area, _, home) in AREAS.iter().copied() {
        r = r.route(home, get(move |s: State<AppState>, a: Auth| landing(area, s, a)));
    }
    r
}

/// One record type on its area's page: yearly records and sums.
pub struct Section {
    pub kind: &'static Kind,
    pub base: String,
    /// Labels of the summed fields.
    pub heads: Vec<String>,
    /// (year, records, sums as read).
    pub years: Vec<(i32, i64, Vec<String>)>,
    /// Over the years shown, by category: (category as read, records, sum as read).
    pub by_choice: Vec<(String, i64, String)>,
    pub choice_label: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "work/area.html")]
struct AreaPage {
    layout: Layout,
    area: &'static str,
    sections: Vec<Section>,
    /// Each honour held and its rounds in a row (荣誉 by level), on the 组织体系 page.
    honour_runs: Vec<(&'static str, &'static str, i64)>,
}

async fn landing(area: &'static str, State(state): State<AppState>, auth: Auth) -> Result<AreaPage, AppError> {
    let scope = auth.scope();
    let this = chrono::Datelike::year(&clock::today(now()));
    // The five years up to the latest with records (a county enters last year's work late).
    let mut latest = None;
    for kind in KINDS.iter().copied().filter(|k| k.area == area) {
        latest = latest.max(totals::latest_year(&state.store, &scope, kind).await?);
    }
    let last = latest.unwrap_or(this).min(this + 1);
    let mut sections = Vec::new();
    for kind in KINDS.iter().copied().filter(|k| k.area == area) {
        let summed: Vec<&work::Field> =
            kind.fields.iter().filter(|f| matches!(f.kind, FieldKind::Count | FieldKind::Amount(_))).collect();
        // Amounts in a unit read from each record (元, 亩) are summed per unit on the type's own page.
        let summed: Vec<&work::Field> = summed.into_iter().filter(|f| f.kind != FieldKind::Amount(None)).collect();
        let rows = totals::by_year(&state.store, &scope, kind, (last - 4)..=last, &[]).await?;
        let (by_choice, choice_label) = by_choice(&state, &scope, kind, (last - 4)..=last).await?;
        sections.push(Section {
            kind,
            base: base(kind),
            heads: summed.iter().map(|f| f.label.to_owned()).collect(),
            years: rows
                .iter()
                .rev()
                .map(|t| {
                    let sums = summed
                        .iter()
                        .map(|f| match f.kind {
                            FieldKind::Amount(_) => amount_display(t.sum(f.name)),
                            _ => t.sum(f.name).to_string(),
                        })
                        .collect();
                    (t.year, t.records, sums)
                })
                .collect(),
            by_choice,
            choice_label,
        });
    }
    let mut honour_runs = Vec::new();
    if area == "org" {
        for (code, label) in shuangyong_domain::work::HONOUR_TITLES {
            let n = totals::consecutive_rounds(&state.store, &scope, code, this).await?;
            if n > 0 {
                honour_runs.push((*code, *label, n));
            }
        }
    }
    let layout = Layout::new(&state, &auth.ctx, area, &[], area_label(area)).await?;
    Ok(AreaPage { layout, area, sections, honour_runs })
}

/// A type's records over the years by its category (and, for amounts in several units, by unit).
async fn by_choice(
    state: &AppState,
    scope: &shuangyong_store::Scope,
    kind: &'static Kind,
    years: std::ops::RangeInclusive<i32>,
) -> Result<(Vec<(String, i64, String)>, &'static str), AppError> {
    let Some(choice) = shuangyong_store::work::choice_field(kind) else { return Ok((Vec::new(), "")) };
    let amount = kind.fields.iter().find(|f| matches!(f.kind, FieldKind::Amount(_)));
    let count = kind.fields.iter().find(|f| f.kind == FieldKind::Count);
    let by_unit = amount.is_some_and(|f| f.kind == FieldKind::Amount(None));
    let by: Vec<&'static str> = if by_unit { vec![choice.name, "unit"] } else { vec![choice.name] };
    let rows = totals::by_year(&state.store, scope, kind, years, &by).await?;
    let mut out: Vec<(Vec<String>, i64, i64, i64)> = Vec::new();
    for t in rows {
        let a = amount.map(|f| t.sum(f.name)).unwrap_or(0);
        let c = count.map(|f| t.sum(f.name)).unwrap_or(0);
        match out.iter_mut().find(|o| o.0 == t.group) {
            Some(o) => {
                o.1 += t.records;
                o.2 += a;
                o.3 += c;
            }
            None => out.push((t.group.clone(), t.records, a, c)),
        }
    }
    let label = |choices: &[(&str, &'static str)], code: &str| {
        choices.iter().find(|c| c.0 == code).map(|c| c.1.to_owned()).unwrap_or_else(|| code.to_owned())
    };
    let FieldKind::Choice(choices) = choice.kind else { return Ok((Vec::new(), "")) };
    Ok((
        out.into_iter()
            .map(|(g, n, a, c)| {
                let unit = match amount.map(|f| f.kind) {
                    Some(FieldKind::Amount(Some(u))) => u.to_owned(),
                    Some(FieldKind::Amount(None)) => {
                        label(work::AMOUNT_UNITS, g.get(1).map(String::as_str).unwrap_or(""))
                    }
                    _ => String::new(),
                };
                let mut sum = Vec::new();
                if amount.is_some() && a > 0 {
                    sum.push(format!("{} {unit}", amount_display(a)));
                }
                if let Some(f) = count.filter(|_| c > 0) {
                    sum.push(format!("{}：{c}", f.label));
                }
                (label(choices, &g[0]), n, sum.join("；"))
            })
            .collect(),
        choice.label,
    ))
}

#[derive(Debug, Default, Deserialize)]
struct ChecklistQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    unit: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "work/checklist.html")]
struct ChecklistPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    unit: OrgUnit,
    units: Vec<OrgUnit>,
    items: Vec<ChecklistItem>,
    missing: usize,
    may_write: bool,
}

async fn checklist(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ChecklistQuery>,
) -> Result<ChecklistPage, AppError> {
    let scope = auth.scope();
    let this = chrono::Datelike::year(&clock::today(now()));
    // By default the latest year with records (this year's items are often entered late).
    let latest = totals::latest_year(&state.store, &scope, &work::MEASURES).await?.unwrap_or(this);
    let year = q.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or(latest);
    let unit_path = OrgPath::parse(q.unit.trim()).unwrap_or_else(|_| scope.root().clone());
    let unit = org::get(&state.store, &scope, &unit_path).await?;
    let items = totals::checklist(&state.store, &scope, &unit_path, year).await?;
    let missing = items.iter().filter(|i| !i.done()).count();
    let t = [(area_label("org"), area_home("org")), ("五纳入五统一", "/org/measures")];
    let layout = Layout::new(&state, &auth.ctx, "org", &t, format!("{year}年五纳入五统一落实情况")).await?;
    Ok(ChecklistPage {
        layout,
        year,
        years: super::years(),
        unit,
        units: org::list(&state.store, &scope).await?,
        items,
        missing,
        may_write: work::MEASURES.may_write(auth.user.role),
    })
}
