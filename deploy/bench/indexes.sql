-- An index on every column the query (query.sql) filters or joins on, the zones the data names
-- (a property of the data, not of a campaign), then statistics.
CREATE INDEX ON company_key (company);
CREATE INDEX ON teleoperator (country);
CREATE INDEX ON teleoperator (verify_date);
CREATE INDEX ON teleoperator (appointments_set);
CREATE INDEX ON teleoperator USING gin (skills);
CREATE INDEX ON teleoperator_language (language, level);
CREATE INDEX ON teleoperator_language (tid);
CREATE INDEX ON teleoperator_sector (tid);
CREATE INDEX ON teleoperator_sector (path);
CREATE INDEX ON employment (tid, idx);
CREATE INDEX ON employment (first, last);
CREATE INDEX ON employment_key (key);
CREATE INDEX ON employment_key (tid, idx);
CREATE INDEX ON employer_segment (tid, idx);
CREATE INDEX ON employer_segment (path);
CREATE INDEX ON non_compete_segment (tid, idx);
CREATE INDEX ON non_compete_segment (path);
CREATE INDEX ON contract (tid, idx);
CREATE INDEX ON contract (campaign);
CREATE INDEX ON contract_key (key);
CREATE INDEX ON contract_key (tid, idx);
CREATE INDEX ON contract_segment (tid, idx);
CREATE INDEX ON contract_segment (path);
CREATE INDEX ON contract_week (tid, idx, monday);
CREATE INDEX ON revenue (tid, day);
-- The zones of the schedules a match converts (schema.sql, table zone).
INSERT INTO zone
  SELECT zone FROM teleoperator WHERE zone_ok
  UNION SELECT zone FROM employment WHERE schedule_ok
  UNION SELECT zone FROM contract WHERE imposed AND schedule_ok;
ANALYZE;
