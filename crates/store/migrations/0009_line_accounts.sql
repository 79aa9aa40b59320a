-- A payment line no longer copies the bank and the account (69 of its 175 bytes, a million lines a
-- month): it records the person's version it was computed from, and the account of that version is
-- the person's own, or, once the person's bank or account has changed, the one kept here.
--
-- person_account_history: every bank and account a person had before a change, with the last
-- version of the person that had it. The account a line was paid to is the first row of its person
-- with valid_through >= the line's person_version, else the person's current one. A trigger keeps
-- it, so no path that changes a person can forget: every change of a person raises its version.
CREATE TABLE person_account_history (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL,
    valid_through INTEGER NOT NULL,
    bank_name TEXT NOT NULL,
    account_sealed BYTEA,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_account_history_person ON person_account_history(person_id, valid_through);

-- engine: sqlite
CREATE TRIGGER person_account_changed AFTER UPDATE OF bank_name, bank_account_sealed ON person
WHEN OLD.bank_name IS NOT NEW.bank_name OR OLD.bank_account_sealed IS NOT NEW.bank_account_sealed
BEGIN
    SELECT RAISE(ABORT, 'a change of bank or account must raise the person''s version')
    WHERE NEW.version <= OLD.version;
    INSERT INTO person_account_history (person_id, valid_through, bank_name, account_sealed, recorded_at)
    VALUES (OLD.id, OLD.version, OLD.bank_name, OLD.bank_account_sealed, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

-- A person merged into another is deleted; the lines paid to them keep their account.
CREATE TRIGGER person_account_deleted AFTER DELETE ON person
BEGIN
    INSERT INTO person_account_history (person_id, valid_through, bank_name, account_sealed, recorded_at)
    VALUES (OLD.id, OLD.version, OLD.bank_name, OLD.bank_account_sealed, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

-- engine: postgres
CREATE FUNCTION person_account_history_keep() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.bank_name IS NOT DISTINCT FROM NEW.bank_name
           AND OLD.bank_account_sealed IS NOT DISTINCT FROM NEW.bank_account_sealed THEN
            RETURN NULL;
        END IF;
        IF NEW.version <= OLD.version THEN
            RAISE EXCEPTION 'a change of bank or account must raise the person''s version';
        END IF;
    END IF;
    INSERT INTO person_account_history (person_id, valid_through, bank_name, account_sealed, recorded_at)
    VALUES (OLD.id, OLD.version, OLD.bank_name, OLD.bank_account_sealed, now());
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER person_account_changed AFTER UPDATE OF bank_name, bank_account_sealed ON person
    FOR EACH ROW EXECUTE FUNCTION person_account_history_keep();
-- A person merged into another is deleted; the lines paid to them keep their account.
CREATE TRIGGER person_account_deleted AFTER DELETE ON person
    FOR EACH ROW EXECUTE FUNCTION person_account_history_keep();

-- engine: both
-- Lines written before this keep their copy (bank_name, account_sealed; person_version NULL); lines
-- written since have person_version and no copy.
-- engine: sqlite
-- SQLite cannot drop NOT NULL: the table is built again.
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
    person_version INTEGER,
    status TEXT NOT NULL,
    result_note TEXT NOT NULL DEFAULT '',
    settled_at TEXT,
    bank_name TEXT,
    account_sealed BLOB
);
INSERT INTO benefit_cycle_line_new (id, cycle_id, county, org_path, person_id, enrolment_id, kind, for_period, std_key,
    units, annual_fen, amount_fen, name, person_version, status, result_note, settled_at, bank_name, account_sealed)
SELECT id, cycle_id, county, org_path, person_id, enrolment_id, kind, for_period, std_key,
    units, annual_fen, amount_fen, name, NULL, status, result_note, settled_at, bank_name, account_sealed
FROM benefit_cycle_line;
DROP TABLE benefit_cycle_line;
ALTER TABLE benefit_cycle_line_new RENAME TO benefit_cycle_line;
CREATE INDEX benefit_cycle_line_cycle ON benefit_cycle_line(cycle_id, enrolment_id);
CREATE INDEX benefit_cycle_line_failed ON benefit_cycle_line(cycle_id) WHERE status = 'failed';
-- engine: postgres
ALTER TABLE benefit_cycle_line ALTER COLUMN bank_name DROP NOT NULL;
ALTER TABLE benefit_cycle_line ALTER COLUMN account_sealed DROP NOT NULL;
ALTER TABLE benefit_cycle_line ADD COLUMN person_version INTEGER;
-- engine: both
