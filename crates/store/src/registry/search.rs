//! The search box's statements: a ranking in tiers, each tier a walk of one index in that index's
//! own order that stops at its LIMIT, and a count that stops at [`SEARCH_COUNT_CAP`].
//!
//! One condition with an OR of two index ranges (pinyin or initials) cannot be read in order: the
//! engine has to collect every match, look each up for its scope, count them all and sort them all
//! before it can give the first twenty. Split into disjoint tiers, each tier is a range of one
//! index that holds the columns it sorts by and the scope's org_path (migration 0007), so a page
//! costs the rows it shows and the count costs at most the cap, whatever the number of matches.
//!
//! The tiers, best first (each excludes the rows of the earlier ones):
//! - a name: the exact name; names that begin with it; names that end with it (the given name);
//! - pinyin: the exact full pinyin; the exact initials; full pinyin that begins with it; initials
//!   that begin with it;
//! - the last 4–6 characters of an ID number, a whole ID number, a phone: one tier.
//!
//! Order within a tier is the order of its index:
//! - exact name: by birth date, then id (people of one name, oldest first);
//! - names that begin or end with it: by the name (the reversed name for endings), birth date, id;
//!   that is by character code, not by pinyin;
//! - exact pinyin, exact initials and pinyin prefixes: by full pinyin, then id (as before the tiers);
//! - initials prefixes: by initials, then full pinyin, then id;
//! - ID tails, ID numbers and phones: by full pinyin, then id.

use sea_orm::{QueryResult, Value};

use super::{Query, prefix_upper, reversed};
use crate::crypto::FieldCrypto;
use crate::db::Backend;
use crate::{Store, StoreError};

/// A search counts its matches only up to this number: past it the list says "more than 1000,
/// narrow the search" and its pages stop there. Counting every one of 20,000 people whose initials
/// begin with "wl" was most of the time a search took; nobody pages through them.
pub const SEARCH_COUNT_CAP: i64 = 1000;

/// How many people a list found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Total {
    /// The exact number or, when `capped`, [`SEARCH_COUNT_CAP`].
    pub count: i64,
    /// More people match than were counted (a search only).
    pub capped: bool,
}

impl Total {
    pub fn exact(count: i64) -> Total {
        Total { count, capped: false }
    }

    /// A count of a search, made with a limit of cap + 1.
    fn of_search(n: i64, cap: Option<i64>) -> Total {
        match cap {
            Some(cap) if n > cap => Total { count: cap, capped: true },
            _ => Total::exact(n),
        }
    }
}

/// One tier of a ranking.
struct Tier {
    /// The condition, `?` for each of `vals` in turn.
    cond: &'static str,
    vals: Vec<Value>,
    /// How the tier's index reads its matches (ends with `p.id`).
    order: &'static str,
    /// The same order before `p.id` as two text keys, for merging the tiers' pages.
    keys: [&'static str; 2],
}

/// The tiers of a search term, best first.
fn tiers(crypto: &FieldCrypto, q: &Query) -> Vec<Tier> {
    let by_pinyin = "p.name_pinyin, p.id";
    match q {
        Query::Name(n) => {
            let (nu, r) = (prefix_upper(n), reversed(n));
            let ru = prefix_upper(&r);
            vec![
                Tier {
                    cond: "p.name = ?",
                    vals: vec![n.clone().into()],
                    order: "p.birth_date, p.id",
                    keys: ["''", "CAST(p.birth_date AS TEXT)"],
                },
                Tier {
                    cond: "p.name > ? AND p.name < ?",
                    vals: vec![n.clone().into(), nu.clone().into()],
                    order: "p.name, p.birth_date, p.id",
                    keys: ["p.name", "CAST(p.birth_date AS TEXT)"],
                },
                Tier {
                    cond: "p.name_rev >= ? AND p.name_rev < ? AND NOT (p.name >= ? AND p.name < ?)",
                    vals: vec![r.into(), ru.into(), n.clone().into(), nu.into()],
                    order: "p.name_rev, p.id",
                    keys: ["p.name_rev", "''"],
                },
            ]
        }
        Query::Pinyin(k) => {
            let ku = prefix_upper(k);
            let k = || Value::from(k.clone());
            vec![
                Tier { cond: "p.name_pinyin = ?", vals: vec![k()], order: by_pinyin, keys: ["p.name_pinyin", "''"] },
                Tier {
                    cond: "p.name_initials = ? AND p.name_pinyin <> ?",
                    vals: vec![k(), k()],
                    order: by_pinyin,
                    keys: ["p.name_pinyin", "''"],
                },
                Tier {
                    cond: "p.name_pinyin > ? AND p.name_pinyin < ? AND p.name_initials <> ?",
                    vals: vec![k(), ku.clone().into(), k()],
                    order: by_pinyin,
                    keys: ["p.name_pinyin", "''"],
                },
                Tier {
                    cond: "p.name_initials > ? AND p.name_initials < ? \
                           AND NOT (p.name_pinyin >= ? AND p.name_pinyin < ?)",
                    vals: vec![k(), ku.clone().into(), k(), ku.into()],
                    order: "p.name_initials, p.name_pinyin, p.id",
                    keys: ["p.name_initials", "p.name_pinyin"],
                },
            ]
        }
        Query::IdTail(t) => {
            let (cond, kind) = match t.len() {
                4 => ("p.id_tail4 = ?", "id_tail4"),
                5 => ("p.id_tail5 = ?", "id_tail5"),
                _ => ("p.id_tail6 = ?", "id_tail6"),
            };
            vec![Tier {
                cond,
                vals: vec![crypto.index(kind, t).into()],
                order: by_pinyin,
                keys: ["p.name_pinyin", "''"],
            }]
        }
        Query::IdNumber(raw) => {
            let idx = match shuangyong_domain::id_number::IdNumber::parse(raw) {
                Ok(idn) => crypto.index("id", idn.as_str()),
                Err(_) => crypto.index("id", raw),
            };
            vec![Tier {
                cond: "p.id_index = ?",
                vals: vec![idx.into()],
                order: by_pinyin,
                keys: ["p.name_pinyin", "''"],
            }]
        }
        Query::Phone(ph) => vec![Tier {
            cond: "p.phone_index = ?",
            vals: vec![crypto.index("phone", ph).into()],
            order: by_pinyin,
            keys: ["p.name_pinyin", "''"],
        }],
    }
}

/// The statements of a search, numbered for one list of parameters.
pub(crate) struct Statements {
    /// `SELECT COUNT(*) AS n`, capped when asked.
    pub count: (String, Vec<Value>),
    /// One page and the count in one statement: `total` on every row, and one row with the
    /// person's columns NULL when the page is empty.
    pub page: (String, Vec<Value>),
    /// Each tier alone as its index reads it, for the plan test.
    pub tiers: Vec<(String, Vec<Value>)>,
}

/// Builds the statements of a search: `wh` (with `params`) is the scope and the filters.
pub(crate) fn statements(
    store: &Store,
    wh: &str,
    mut params: Vec<Value>,
    q: &Query,
    offset: i64,
    limit: i64,
    cap: Option<i64>,
) -> Result<Statements, StoreError> {
    let tiers = tiers(store.crypto()?, q);
    let mut conds = Vec::with_capacity(tiers.len());
    for t in &tiers {
        let mut s = t.cond.to_owned();
        for v in &t.vals {
            params.push(v.clone());
            s = s.replacen('?', &format!("${}", params.len()), 1);
        }
        conds.push(format!("{wh} AND {s}"));
    }
    let n = params.len();
    let with = |extra: &[i64]| {
        let mut p = params.clone();
        p.extend(extra.iter().map(|&x| Value::from(x)));
        p
    };

    // The count: the tiers are disjoint, so their rows together are the matches, each once.
    let union = conds.iter().map(|c| format!("SELECT 1 AS one FROM person p WHERE {c}")).collect::<Vec<_>>();
    let counted = |limit_at: usize| match cap {
        Some(_) => format!("SELECT COUNT(*) AS n FROM ({} LIMIT ${limit_at}) c0", union.join(" UNION ALL ")),
        None => format!("SELECT COUNT(*) AS n FROM ({}) c0", union.join(" UNION ALL ")),
    };
    let count = (counted(n + 1), with(&cap.map(|c| vec![c + 1]).unwrap_or_default()));

    // Each tier gives at most offset + limit rows in its index order; the merge keeps the page.
    let window = |i: usize, t: &Tier| {
        format!(
            "SELECT {i} AS tier, {} AS k1, {} AS k2, p.id AS id FROM person p WHERE {} ORDER BY {} LIMIT ${}",
            t.keys[0],
            t.keys[1],
            conds[i],
            t.order,
            n + 1
        )
    };
    let c = if store.backend() == Backend::Postgres { " COLLATE \"C\"" } else { "" };
    let merged = tiers
        .iter()
        .enumerate()
        .map(|(i, t)| format!("SELECT * FROM ({}) t{i}", window(i, t)))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    // One round trip: the count, the page's ids and their rows.
    let page = (
        format!(
            "WITH c AS ({count}) \
             SELECT c.n AS total, r.* FROM c LEFT JOIN ( \
               SELECT u.tier, u.k1, u.k2, {columns}, {categories} AS categories \
               FROM (SELECT * FROM ({merged}) m ORDER BY m.tier, m.k1{c}, m.k2{c}, m.id LIMIT ${l} OFFSET ${o}) u \
               JOIN person p ON p.id = u.id \
             ) r ON 1 = 1 \
             ORDER BY r.tier, r.k1{c}, r.k2{c}, r.id",
            count = counted(n + 4),
            columns = super::ROW_COLUMNS,
            categories = super::CATEGORIES,
            l = n + 2,
            o = n + 3,
        ),
        with(&[[offset + limit, limit, offset].as_slice(), &cap.map(|c| vec![c + 1]).unwrap_or_default()].concat()),
    );
    let tiers = tiers.iter().enumerate().map(|(i, t)| (window(i, t), with(&[offset + limit]))).collect();
    Ok(Statements { count, page, tiers })
}

/// Runs a search: the rows of one page, best first, and how many match (up to `cap`).
pub(crate) async fn run(
    store: &Store,
    wh: &str,
    params: Vec<Value>,
    q: &Query,
    offset: i64,
    limit: i64,
    cap: Option<i64>,
) -> Result<(Vec<QueryResult>, Total), StoreError> {
    let st = statements(store, wh, params, q, offset, limit, cap)?;
    // Past the counted matches there is no page: the list says to narrow the search instead.
    if cap.is_some_and(|c| offset >= c) {
        let n = store.count_of(store.conn(), &st.count.0, st.count.1).await?;
        return Ok((Vec::new(), Total::of_search(n, cap)));
    }
    let mut rows = store.query_all(store.conn(), &st.page.0, st.page.1).await?;
    let n = match rows.first() {
        Some(r) => r.try_get::<i64>("", "total")?,
        None => 0,
    };
    // An empty page is one row without a person.
    rows.retain(|r| r.try_get::<Option<i64>>("", "id").ok().flatten().is_some());
    Ok((rows, Total::of_search(n, cap)))
}

/// The query plans of a search's statements (SQLite: `EXPLAIN QUERY PLAN` details; PostgreSQL:
/// `EXPLAIN` lines), the count first, then each tier alone, then the page.
pub async fn explain(
    store: &Store,
    scope: &crate::Scope,
    filter: &super::Filter,
    page: crate::org::Page,
) -> Result<Vec<Vec<String>>, StoreError> {
    let (wh, params) = super::conditions(scope, filter, true);
    let q = filter.q.as_deref().and_then(super::classify).ok_or_else(|| StoreError::invalid("没有可查找的内容"))?;
    let st = statements(store, &wh.join(" AND "), params, &q, page.offset(), page.limit(), Some(SEARCH_COUNT_CAP))?;
    let mut out = Vec::new();
    for (sql, vals) in std::iter::once(st.count).chain(st.tiers).chain(std::iter::once(st.page)) {
        let rows = match store.backend() {
            Backend::Sqlite => store.query_all(store.conn(), &format!("EXPLAIN QUERY PLAN {sql}"), vals).await?,
            Backend::Postgres => store.query_all(store.conn(), &format!("EXPLAIN {sql}"), vals).await?,
        };
        let col = if store.backend() == Backend::Sqlite { "detail" } else { "QUERY PLAN" };
        out.push(rows.iter().map(|r| r.try_get::<String>("", col)).collect::<Result<Vec<_>, _>>()?);
    }
    Ok(out)
}
