//! Integration tests: the real router on a free port, a fresh database per test (SQLite by
//! default, PostgreSQL when `SESAME_TEST_POSTGRES` names a server), a real SMTP server.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod fixtures;
mod helpers;

mod access_requests;
mod accounts;
mod activation;
mod admin;
mod approval;
mod cli;
mod foundation;
mod instances;
mod lab_api;
mod lab_review;
mod mail;
mod operations;
mod results;
mod security;
mod self_service;
mod shared_accounts;
