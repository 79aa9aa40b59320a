-- Payment lines, written a million a month, with less to do for each:
-- * One index, by cycle then enrolment: a month's lines are written program by program in the
--   order of the program's enrolments, so it grows at its end. It replaces the index by cycle and
--   the index by enrolment across all cycles, which grew in its middle every month (at a million
--   lines about a second of the month's run); an enrolment's lines are found through its program's
--   cycles, and a cycle lists its lines in this order (a person's month and back-pay together).
-- * No foreign key on cycle_id (a look-up of the cycle for every line written): lines are written
--   only by the run that creates their cycle, in its transaction, and cycles are never deleted.
--   Like person_id and enrolment_id, which never had one, it records what was paid.
-- engine: sqlite
-- SQLite cannot drop a foreign key: the table is built again without it.
CREATE TABLE benefit_cycle_line_new (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL,
    county TEXT NOT NULL,
    org_path TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    enrolment_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    for_period TEXT NOT NULL,
    std_key TEXT NOT NULL,
    units INTEGER NOT NULL,
    annual_fen INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    name TEXT NOT NULL,
    bank_name TEXT NOT NULL,
    account_sealed BLOB NOT NULL,
    status TEXT NOT NULL,
    result_note TEXT NOT NULL DEFAULT '',
    settled_at TEXT
);
INSERT INTO benefit_cycle_line_new (id, cycle_id, county, org_path, person_id, enrolment_id, kind, for_period, std_key,
    units, annual_fen, amount_fen, name, bank_name, account_sealed, status, result_note, settled_at)
SELECT id, cycle_id, county, org_path, person_id, enrolment_id, kind, for_period, std_key,
    units, annual_fen, amount_fen, name, bank_name, account_sealed, status, result_note, settled_at
FROM benefit_cycle_line;
DROP TABLE benefit_cycle_line;
ALTER TABLE benefit_cycle_line_new RENAME TO benefit_cycle_line;
CREATE INDEX benefit_cycle_line_cycle ON benefit_cycle_line(cycle_id, enrolment_id);
CREATE INDEX benefit_cycle_line_failed ON benefit_cycle_line(cycle_id) WHERE status = 'failed';
-- engine: postgres
DROP INDEX benefit_cycle_line_cycle;
DROP INDEX benefit_cycle_line_enrolment;
CREATE INDEX benefit_cycle_line_cycle ON benefit_cycle_line(cycle_id, enrolment_id);
ALTER TABLE benefit_cycle_line DROP CONSTRAINT benefit_cycle_line_cycle_id_fkey;
-- engine: both
