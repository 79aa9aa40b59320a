-- Search by index order. Each index a search walks holds, after its key, the columns the ranking
-- sorts by and then the id, so a tier of the ranking is a walk in index order that stops at its
-- LIMIT; and it carries org_path (and, where a tier excludes an earlier one, that tier's key), so
-- the scope test and the capped count read the index alone, without a lookup per match.
DROP INDEX person_pinyin;
CREATE INDEX person_pinyin ON person(name_pinyin, id, name_initials, org_path);
DROP INDEX person_initials;
CREATE INDEX person_initials ON person(name_initials, name_pinyin, id, org_path);
-- Name and birth date stay first: near-duplicate checks and the import's duplicate join use them.
DROP INDEX person_name;
CREATE INDEX person_name ON person(name, birth_date, id, org_path);
DROP INDEX person_name_rev;
CREATE INDEX person_name_rev ON person(name_rev, id, name, org_path);
DROP INDEX person_tail4;
CREATE INDEX person_tail4 ON person(id_tail4, name_pinyin, id, org_path);
