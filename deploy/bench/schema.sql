-- The PostgreSQL side of the matching benchmark (issue 4, docs/performance.md): tables loaded
-- with COPY from the CSV files `callmatch-bench --export_dir` writes, and the functions the
-- per-campaign query (query.sql) calls. It reproduces docs/matching.md bit for bit.
--
-- What is precomputed (once per teleoperator or company, never per campaign), as the index
-- does: MakeTeleoperatorFacts (employers and clients resolved to their sorted group keys, zones
-- and windows checked, nominal weekly minutes, minutes logged per contract and ISO week, the log
-- aggregates of rule 12 and quality, the revenue logs), CompanyGroupKeys, and the NACE path of
-- every teleoperator-side segment (generated columns). Campaigns are stored as their raw fields;
-- everything that depends on the campaign (as-of date, remaining period, reference week, zones,
-- expansions, the client's keys, the rules, the score) is computed by the query.

-- docs/matching.md, "Segments": a code's path "N/82/82.2/82.20/" (so that "one path is a
-- prefix of the other" is a string prefix test), "#" and the normalized code for a code that
-- does not parse, NULL for an empty one.
CREATE FUNCTION seg_norm(code text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT upper(btrim(code, E' \t\n\013\f\r') COLLATE "C")
$$;

CREATE FUNCTION nace_section(division int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN division BETWEEN 1 AND 3 THEN 'A' WHEN division BETWEEN 5 AND 9 THEN 'B'
    WHEN division BETWEEN 10 AND 33 THEN 'C' WHEN division = 35 THEN 'D'
    WHEN division BETWEEN 36 AND 39 THEN 'E' WHEN division BETWEEN 41 AND 43 THEN 'F'
    WHEN division BETWEEN 45 AND 47 THEN 'G' WHEN division BETWEEN 49 AND 53 THEN 'H'
    WHEN division BETWEEN 55 AND 56 THEN 'I' WHEN division BETWEEN 58 AND 63 THEN 'J'
    WHEN division BETWEEN 64 AND 66 THEN 'K' WHEN division = 68 THEN 'L'
    WHEN division BETWEEN 69 AND 75 THEN 'M' WHEN division BETWEEN 77 AND 82 THEN 'N'
    WHEN division = 84 THEN 'O' WHEN division = 85 THEN 'P'
    WHEN division BETWEEN 86 AND 88 THEN 'Q' WHEN division BETWEEN 90 AND 93 THEN 'R'
    WHEN division BETWEEN 94 AND 96 THEN 'S' WHEN division BETWEEN 97 AND 98 THEN 'T'
    WHEN division = 99 THEN 'U' END
$$;

CREATE FUNCTION seg_path(code text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  n text := seg_norm(code);
  section text;
BEGIN
  IF n = '' THEN RETURN NULL; END IF;
  IF n ~ '^[A-U]$' THEN RETURN n || '/'; END IF;
  IF n ~ '^[0-9]{2}(\.[0-9]([0-9]([A-Z])?)?)?$' THEN
    section := nace_section(substr(n, 1, 2)::int);
    IF section IS NOT NULL THEN
      RETURN section || '/' || substr(n, 1, 2) || '/'
        || CASE WHEN length(n) >= 4 THEN substr(n, 1, 4) || '/' ELSE '' END
        || CASE WHEN length(n) >= 5 THEN substr(n, 1, 5) || '/' ELSE '' END
        || CASE WHEN length(n) >= 6 THEN n || '/' ELSE '' END;
    END IF;
  END IF;
  RETURN '#' || n;
END $$;

-- 1 (section) to 5 (sub-class); 0 for a code that does not parse.
CREATE FUNCTION seg_level(path text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN path IS NULL OR left(path, 1) = '#' THEN 0
              ELSE length(path) - length(replace(path, '/', '')) END
$$;

-- SegmentsOverlap on paths: one a prefix of the other; unparsed codes only when spelled alike.
CREATE FUNCTION seg_overlap(a text, b text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT a IS NOT NULL AND b IS NOT NULL AND
         CASE WHEN left(a, 1) = '#' OR left(b, 1) = '#' THEN a = b
              ELSE starts_with(a, b) OR starts_with(b, a) END
$$;

-- Policy: DefaultPolicy() (matching/policy.h).
CREATE TABLE policy (
  former_employee_cooloff_days int, max_weekly_minutes int, max_average_weekly_minutes int,
  average_weeks int, max_daily_minutes int, min_daily_rest_minutes int,
  caps_include_freelance boolean, registration_max_age_days int,
  weight_skill_fit bigint, weight_sector_fit bigint, weight_language bigint, weight_slack bigint,
  weight_quality bigint, weight_fairness bigint, weight_dependence_penalty bigint,
  quality_prior_permille int, quality_prior_observations int, fairness_window_days int,
  revenue_window_days int);
INSERT INTO policy VALUES (180, 2880, 2640, 12, 600, 660, true, 183,
                           1000, 1000, 500, 500, 1000, 500, 1000, 500, 10, 90, 365);

CREATE TABLE company (name text COLLATE "C" PRIMARY KEY, country text NOT NULL);
CREATE TABLE company_key (company text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL);

-- Raw campaign fields. windows: {start1,end1,start2,end2,...} in minutes from Monday 00:00.
CREATE TABLE campaign (
  name text COLLATE "C" PRIMARY KEY, client text COLLATE "C" NOT NULL, state int, kind int,
  segments text[], languages text[], language_levels int[], skills int[], countries text[],
  zone text, windows int[], weekly_minutes_per_seat int, start_date date, end_date date,
  imposed_schedule boolean, min_validated_rate_permille int, min_quality_observations int);

CREATE TABLE teleoperator (
  id int PRIMARY KEY, name text COLLATE "C" NOT NULL, country text,
  reg_verified boolean, verify_date date, reg_number_ok boolean,
  zone text, zone_ok boolean, availability_ok boolean, availability int[], skills int[],
  appointments_set bigint, appointments_validated bigint);
-- The highest level listed per language (lower case).
CREATE TABLE teleoperator_language (tid int NOT NULL, language text NOT NULL, level int NOT NULL);
CREATE TABLE teleoperator_sector (tid int NOT NULL, code text,
  path text COLLATE "C" GENERATED ALWAYS AS (seg_path(code)) STORED,
  level int GENERATED ALWAYS AS (seg_level(seg_path(code))) STORED);

-- Dates: unset bounds are 0001-01-01 and 9999-12-31 (kFarPast, kFarFuture). zone: the
-- schedule's, else the teleoperator's; schedule_ok: zone known and windows valid.
CREATE TABLE employment (
  tid int NOT NULL, idx int NOT NULL, first date, last date, exclusivity boolean,
  authorisation boolean, has_nc boolean, nc_end date, schedule_ok boolean, zone text,
  windows int[], nominal bigint);
CREATE TABLE employment_key (tid int NOT NULL, idx int NOT NULL, key text COLLATE "C" NOT NULL);
CREATE TABLE employer_segment (tid int NOT NULL, idx int NOT NULL, code text,
  path text COLLATE "C" GENERATED ALWAYS AS (seg_path(code)) STORED);
CREATE TABLE non_compete_segment (tid int NOT NULL, idx int NOT NULL, code text,
  path text COLLATE "C" GENERATED ALWAYS AS (seg_path(code)) STORED);

-- A contract with what its (other) campaign says: imposed, its calling windows and zone,
-- nominal weekly minutes, segments.
CREATE TABLE contract (
  tid int NOT NULL, idx int NOT NULL, campaign text COLLATE "C", campaign_known boolean,
  client text COLLATE "C", holds_time boolean, first date, last date, start_set boolean,
  accepted date, imposed boolean, schedule_ok boolean, zone text, windows int[], nominal bigint);
CREATE TABLE contract_key (tid int NOT NULL, idx int NOT NULL, key text COLLATE "C" NOT NULL);
CREATE TABLE contract_segment (tid int NOT NULL, idx int NOT NULL, code text,
  path text COLLATE "C" GENERATED ALWAYS AS (seg_path(code)) STORED);
-- Minutes logged on a contract per ISO week (a week with any dated log has a row).
-- The time zones the data names (filled after the load by indexes.sql, like an index: it
-- depends on no campaign). A match looks each one's UTC offset up once (steady_offset).
CREATE TABLE zone (name text PRIMARY KEY);
CREATE TABLE contract_week (tid int NOT NULL, idx int NOT NULL, monday date NOT NULL,
  minutes bigint NOT NULL);
CREATE TABLE revenue (tid int NOT NULL, day date NOT NULL, client text COLLATE "C",
  minor_units bigint NOT NULL);
