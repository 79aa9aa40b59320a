-- A cycle's lines by cycle, then enrolment: a month's lines are written program by program in the
-- order of the program's enrolments, so this one index grows at its end. It replaces the index by
-- cycle and the index by enrolment across all cycles, which grew in its middle every month (at a
-- million lines about a second of the month's run); an enrolment's lines are found through its
-- program's cycles, and a cycle lists its lines in this order (a person's month and back-pay
-- together).
DROP INDEX benefit_cycle_line_cycle;
DROP INDEX benefit_cycle_line_enrolment;
CREATE INDEX benefit_cycle_line_cycle ON benefit_cycle_line(cycle_id, enrolment_id);
