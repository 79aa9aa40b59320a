-- Payment lines, written a million a month, with less to do for each:
-- * One index, by cycle then enrolment: a month's lines are written program by program in the
--   order of the program's enrolments, so it grows at its end. It replaces the index by cycle and
--   the index by enrolment across all cycles, which grew in its middle every month (at a million
--   lines about a second of the month's run); an enrolment's lines are found through its program's
--   cycles, and a cycle lists its lines in this order (a person's month and back-pay together).
-- * No foreign key on cycle_id (a look-up of the cycle for every line written): lines are written
--   only by the run that creates their cycle, in its transaction, and cycles are never deleted.
--   Like person_id and enrolment_id, which never had one, it records what was paid.
DROP INDEX benefit_cycle_line_cycle;
DROP INDEX benefit_cycle_line_enrolment;
CREATE INDEX benefit_cycle_line_cycle ON benefit_cycle_line(cycle_id, enrolment_id);
ALTER TABLE benefit_cycle_line DROP CONSTRAINT benefit_cycle_line_cycle_id_fkey;
