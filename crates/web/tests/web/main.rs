//! Web tests: one binary, a fresh database per app, requests through the router in process.
//! They run on SQLite, or on PostgreSQL when SHUANGYONG_TEST_PG is set.

mod api;
mod benefits;
mod cases;
mod login;
mod matrix;
mod pages;
mod registry;
mod security;
mod support;
mod work;
