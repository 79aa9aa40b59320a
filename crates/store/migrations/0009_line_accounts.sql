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

-- Lines written before this keep their copy (bank_name, account_sealed; person_version NULL); lines
-- written since have person_version and no copy.
ALTER TABLE benefit_cycle_line ALTER COLUMN bank_name DROP NOT NULL;
ALTER TABLE benefit_cycle_line ALTER COLUMN account_sealed DROP NOT NULL;
ALTER TABLE benefit_cycle_line ADD COLUMN person_version INTEGER;
