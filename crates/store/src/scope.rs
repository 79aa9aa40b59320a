//! The org subtree a user may see. Every store call that reads people or cases takes one; there is
//! no way to ask for "everything" except a scope at the county's root.

use shuangyong_domain::OrgPath;

/// A subtree of the org tree. Built from an authenticated user's unit, or from the county root
/// for the command line (which runs with the operator's full authority).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    root: OrgPath,
}

impl Scope {
    pub fn new(root: OrgPath) -> Self {
        Scope { root }
    }

    pub fn root(&self) -> &OrgPath {
        &self.root
    }

    pub fn contains(&self, path: &OrgPath) -> bool {
        self.root.contains(path)
    }

    /// Whether a raw path string lies in scope (unparseable paths never do).
    pub fn contains_str(&self, path: &str) -> bool {
        OrgPath::parse(path).is_ok_and(|p| self.root.contains(&p))
    }

    /// The SQL condition for `column` lying in this scope, with its two parameters, numbered from
    /// `first`: `(column = $n OR column LIKE $n+1)`.
    pub fn sql(&self, column: &str, first: usize) -> (String, [sea_orm::Value; 2]) {
        (
            format!("({column} = ${first} OR {column} LIKE ${})", first + 1),
            [self.root.as_str().into(), self.root.descendants_pattern().into()],
        )
    }

    /// The same condition in a form no index can serve (`column || ''`), for queries where another
    /// condition is far more selective: a name or ID searched county-wide must be looked up by its
    /// own index, not by walking every person of the county in the org_path index.
    pub fn sql_unindexed(&self, column: &str, first: usize) -> (String, [sea_orm::Value; 2]) {
        self.sql(&format!("{column} || ''"), first)
    }
}
