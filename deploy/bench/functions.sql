-- Time model and campaign context of docs/matching.md for the benchmark query (query.sql).
-- Instants are Unix minutes (bigint); intervals of instants are int8multirange, whose union
-- merges overlapping and touching ranges as Normalize does.

-- absl::FromCivil in `zone`, in Unix minutes: a skipped local time takes the offset before the
-- change (PostgreSQL does the same), a repeated one its first occurrence (PostgreSQL takes the
-- offset after the change, so the earlier instant is tried with the offset of the day before).
CREATE FUNCTION civil_min(c timestamp, zone text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  t timestamptz := c AT TIME ZONE zone;
  before timestamptz := t - interval '1 day';
  earlier timestamptz := (c - ((before AT TIME ZONE zone) - (before AT TIME ZONE 'UTC')))
                         AT TIME ZONE 'UTC';
BEGIN
  IF earlier < t AND (earlier AT TIME ZONE zone) = c THEN t := earlier; END IF;
  RETURN floor(extract(epoch FROM t) / 60)::bigint;
END $$;

-- ExpandSchedule: the windows {s1,e1,s2,e2,...} in the local weeks of monday - 7, monday and
-- monday + 7 of `zone`, each occurrence converted on its own; empty and inverted ones dropped.
CREATE FUNCTION expand(windows int[], zone text, monday date) RETURNS int8multirange
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  ranges int8range[] := '{}';
  base timestamp;
  s int;
  e int;
  a bigint;
  b bigint;
BEGIN
  FOR week IN -1..1 LOOP
    base := (monday + 7 * week)::timestamp;
    FOR i IN 1 .. coalesce(array_length(windows, 1), 0) / 2 LOOP
      s := windows[2 * i - 1];
      e := windows[2 * i];
      IF e < s THEN e := e + 10080; END IF;
      CONTINUE WHEN e = s;
      a := civil_min(base + make_interval(mins => s), zone);
      b := civil_min(base + make_interval(mins => e), zone);
      IF b > a THEN ranges := ranges || int8range(a, b); END IF;
    END LOOP;
  END LOOP;
  RETURN int8multirange(VARIADIC ranges);
END $$;

-- The UTC offset of `zone` in minutes when it stays the same from local day monday - 8 to
-- monday + 22 (every local time a match converts for that reference week), else NULL. Sampled
-- every hour: no zone changes its offset twice within an hour. In a steady zone a local time is
-- an instant by arithmetic, as LocalClock does in matching/time_model.cc; elsewhere each one
-- goes through civil_min.
CREATE FUNCTION steady_offset(zone text, monday date) RETURNS int
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN count(DISTINCT o) = 1 AND min(o) % 60 = 0 THEN min(o) / 60 END
  FROM (SELECT extract(epoch FROM (h AT TIME ZONE zone) - (h AT TIME ZONE 'UTC'))::int AS o
        FROM generate_series((monday - 9)::timestamp AT TIME ZONE 'UTC',
                             (monday + 23)::timestamp AT TIME ZONE 'UTC', interval '1 hour')
          AS h) AS s
$$;

-- civil_min of midnight starting day `d` in `zone`, whose steady offset is `off` (or NULL).
CREATE FUNCTION day_min(d date, zone text, off int) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN off IS NULL THEN civil_min(d::timestamp, zone)
              ELSE (d - date '1970-01-01')::bigint * 1440 - off END
$$;

-- expand() in a zone whose steady offset is `off`: each occurrence by arithmetic.
CREATE FUNCTION expand_at(windows int[], zone text, monday date, off int) RETURNS int8multirange
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  ranges int8range[] := '{}';
  base bigint;
  s int;
  e int;
BEGIN
  IF off IS NULL THEN RETURN expand(windows, zone, monday); END IF;
  FOR week IN -1..1 LOOP
    base := (monday + 7 * week - date '1970-01-01')::bigint * 1440 - off;
    FOR i IN 1 .. coalesce(array_length(windows, 1), 0) / 2 LOOP
      s := windows[2 * i - 1];
      e := windows[2 * i];
      IF e < s THEN e := e + 10080; END IF;
      IF e > s THEN ranges := ranges || int8range(base + s, base + e); END IF;
    END LOOP;
  END LOOP;
  RETURN int8multirange(VARIADIC ranges);
END $$;

-- MinutesIn: minutes of `m` inside [a, b).
CREATE FUNCTION minutes_in(m int8multirange, a bigint, b bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(sum(upper(r) - lower(r)), 0)::bigint
  FROM unnest(m * int8multirange(int8range(a, b))) AS r
$$;

CREATE FUNCTION total_minutes(m int8multirange) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(sum(upper(r) - lower(r)), 0)::bigint FROM unnest(m) AS r
$$;

-- The minutes of the reference week that a job's expanded schedule `occ` covers. In a steady
-- zone the three weeks' occurrences fold onto one week, so it is the nominal minutes of the
-- windows (NominalWeeklyMinutes, precomputed per job).
CREATE FUNCTION week_minutes(occ int8multirange, zone text, monday date, off int, nominal bigint)
RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN off IS NOT NULL THEN nominal
              ELSE minutes_in(occ, civil_min(monday::timestamp, zone),
                              civil_min((monday + 7)::timestamp, zone)) END
$$;

-- MakeCampaignContext, with the ranking's per-campaign inputs.
CREATE TYPE campaign_context AS (
  name text, client text, client_keys text[], as_of date, rem_first date, rem_last date,
  zone text, monday date, week_start bigint, week_end bigint, rest_start bigint,
  rest_end bigint, imposed boolean, windows int8multirange, week_minutes bigint,
  weekly_minutes_per_seat int, countries text[], seg_paths text[], seg_levels int[],
  languages text[], language_levels int[], skills int[], rank_skills int[],
  min_rate bigint, min_obs bigint,
  -- The zones of the data and their steady offsets for this reference week (NULL: not steady),
  -- and the campaign's windows inside the reference week (rule 7's required time).
  zones text[], offsets int[], required int8multirange);

CREATE FUNCTION make_campaign_context(campaign_name text, today date) RETURNS campaign_context
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  k campaign;
  c campaign_context;
  client_country text;
  off int;
BEGIN
  SELECT * INTO STRICT k FROM campaign WHERE name = campaign_name;
  c.name := k.name;
  c.client := k.client;
  SELECT array_agg(key ORDER BY key) INTO c.client_keys FROM company_key WHERE company = k.client;
  IF c.client_keys IS NULL THEN c.client_keys := ARRAY['company:' || k.client]; END IF;
  c.as_of := greatest(today, coalesce(k.start_date, date '0001-01-01'));
  c.rem_first := c.as_of;
  c.rem_last := greatest(c.as_of, coalesce(k.end_date, date '9999-12-31'));
  c.zone := k.zone;
  c.monday := c.as_of + (8 - extract(isodow FROM c.as_of)::int) % 7;
  SELECT coalesce(array_agg(name ORDER BY name), '{}'),
         coalesce(array_agg(steady_offset(name, c.monday) ORDER BY name), '{}')
    INTO c.zones, c.offsets FROM zone;
  off := steady_offset(k.zone, c.monday);
  c.week_start := day_min(c.monday, k.zone, off);
  c.week_end := day_min(c.monday + 7, k.zone, off);
  c.rest_start := day_min(c.monday - 1, k.zone, off);
  c.rest_end := day_min(c.monday + 8, k.zone, off);
  c.imposed := coalesce(k.imposed_schedule, true);
  c.windows := expand_at(k.windows, k.zone, c.monday, off);
  c.required := c.windows * int8multirange(int8range(c.week_start, c.week_end));
  c.week_minutes := CASE WHEN c.imposed THEN minutes_in(c.windows, c.week_start, c.week_end)
                         ELSE k.weekly_minutes_per_seat END;
  c.weekly_minutes_per_seat := k.weekly_minutes_per_seat;
  IF cardinality(k.countries) > 0 THEN
    SELECT array_agg(upper(x COLLATE "C")) INTO c.countries FROM unnest(k.countries) AS x;
  ELSE
    SELECT country INTO client_country FROM company WHERE name = k.client;
    c.countries := CASE WHEN coalesce(client_country, '') = '' THEN '{}'::text[]
                        ELSE ARRAY[client_country] END;
  END IF;
  SELECT coalesce(array_agg(seg_path(s) ORDER BY n), '{}'),
         coalesce(array_agg(seg_level(seg_path(s)) ORDER BY n), '{}')
    INTO c.seg_paths, c.seg_levels FROM unnest(k.segments) WITH ORDINALITY AS u(s, n);
  SELECT coalesce(array_agg(lower(l COLLATE "C") ORDER BY n), '{}') INTO c.languages
    FROM unnest(k.languages) WITH ORDINALITY AS u(l, n);
  c.language_levels := k.language_levels;
  SELECT coalesce(array_agg(DISTINCT s), '{}') INTO c.skills FROM unnest(k.skills) AS s WHERE s <> 0;
  -- Skill fit: the campaign's skills and the skill of its kind (kind 1..3 is skill 1..3).
  SELECT coalesce(array_agg(DISTINCT s), '{}') INTO c.rank_skills
    FROM unnest(k.skills || CASE WHEN k.kind BETWEEN 1 AND 3 THEN ARRAY[k.kind] ELSE '{}' END) AS s
    WHERE s <> 0;
  c.min_rate := k.min_validated_rate_permille;
  c.min_obs := greatest(k.min_quality_observations, 1);
  RETURN c;
END $$;

-- Rules 6 (WORKING_TIME) and 7 (SCHEDULE) for one pair, and the slack component: MakeWorkWeek,
-- CheckWorkingTime, CheckSchedule and Slack of matching/workload.cc, rules.cc, ranking.cc.
-- `ok` is whether both rules pass; the checks run cheapest first and stop at the first failure
-- (the query needs no reason, and slack only for eligible pairs). Local times of steady zones
-- are converted by arithmetic (steady_offset); the averaging weeks of the employments are
-- counted by arithmetic too, and the contracts' only when the teleoperator has contracts.
CREATE FUNCTION working_time(c campaign_context, p policy, t teleoperator,
                             OUT ok boolean, OUT slack bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  e employment;
  k record;
  off int;
  occ int8multirange;
  wm bigint;
  week_total bigint := 0;  -- rule 6's week: the jobs the caps count
  all_total bigint := 0;   -- slack's: every job
  work int8multirange := '{}';  -- fixed work counted by rule 6, this campaign included
  busy int8multirange := '{}';  -- fixed work of salaried jobs and other missions (rule 7)
  -- Each job's fixed work: those the daily cap adds up, and those of the other jobs (rule 7).
  capped int8multirange[] := '{}';
  others int8multirange[] := '{}';
  free int8multirange;
  usable int8multirange;
  day_starts bigint[] := '{}';  -- the teleoperator's days touching the reference week
  t_off int;
  d date;
  d_start bigint;
  d_end bigint;
  load bigint;
  placeable bigint;
  past bigint := 0;  -- rule 6's average: the minutes of the weeks before the reference week
  lo int;
  hi int;
BEGIN
  ok := false;
  slack := 0;
  IF NOT t.zone_ok OR NOT t.availability_ok THEN RETURN; END IF;

  FOR e IN SELECT * FROM employment AS x WHERE x.tid = t.id ORDER BY x.idx LOOP
    -- Average: the weeks g in 1 .. average_weeks - 1 before the reference week (Monday
    -- monday - 7 g) that the employment overlaps count its nominal minutes.
    IF e.first IS NOT NULL AND e.last IS NOT NULL THEN
      lo := greatest(1, ceil((c.monday - e.last) / 7.0)::int);
      hi := least(p.average_weeks - 1, floor((c.monday + 6 - e.first) / 7.0)::int);
      IF hi >= lo THEN past := past + coalesce(e.nominal, 0) * (hi - lo + 1); END IF;
    END IF;
    CONTINUE WHEN (e.first <= c.rem_last AND c.rem_first <= e.last) IS NOT TRUE;
    IF NOT e.schedule_ok THEN RETURN; END IF;
    off := c.offsets[array_position(c.zones, e.zone)];
    occ := expand_at(e.windows, e.zone, c.monday, off);
    wm := week_minutes(occ, e.zone, c.monday, off, e.nominal);
    week_total := week_total + wm;
    all_total := all_total + wm;
    work := work + occ;
    busy := busy + occ;
    capped := capped || occ;
    others := others || occ;
  END LOOP;
  -- With each contract, its minutes for the average (when freelance counts): in the weeks g in
  -- 1 .. average_weeks - 1 before the reference week, the minutes logged, and in the weeks
  -- without logs where it is planned (accepted, campaign known and not this one, period
  -- overlapping that week: the weeks lo .. hi), its nominal minutes.
  FOR k IN
    SELECT x.*, coalesce(lg.minutes, 0)
                + CASE WHEN b.hi >= b.lo THEN coalesce(x.nominal, 0) * (b.hi - b.lo + 1 - lg.planned_logged)
                       ELSE 0 END AS past_minutes
      FROM contract AS x
     CROSS JOIN LATERAL (
       SELECT CASE WHEN planned THEN greatest(1, ceil((c.monday - x.last) / 7.0)::int) END AS lo,
              CASE WHEN planned THEN least(p.average_weeks - 1,
                                           floor((c.monday + 6 - greatest(x.accepted, x.first))
                                                 / 7.0)::int) END AS hi
         FROM (SELECT (x.campaign_known AND x.campaign <> c.name AND x.accepted IS NOT NULL
                       AND x.first IS NOT NULL AND x.last IS NOT NULL) IS TRUE AS planned) AS q) AS b
     CROSS JOIN LATERAL (
       SELECT sum(cw.minutes) AS minutes,
              count(*) FILTER (WHERE (c.monday - cw.monday) / 7 BETWEEN b.lo AND b.hi)
                AS planned_logged
         FROM contract_week AS cw
        WHERE cw.tid = x.tid AND cw.idx = x.idx
          AND cw.monday BETWEEN c.monday - 7 * (p.average_weeks - 1) AND c.monday - 7
          AND (c.monday - cw.monday) % 7 = 0) AS lg
     WHERE x.tid = t.id
     ORDER BY x.idx
  LOOP
    IF p.caps_include_freelance THEN past := past + k.past_minutes; END IF;
    CONTINUE WHEN (k.holds_time AND k.campaign <> c.name AND k.first <= c.rem_last
                   AND c.rem_first <= k.last) IS NOT TRUE;
    IF k.imposed AND NOT k.schedule_ok THEN RETURN; END IF;
    IF k.imposed THEN
      off := c.offsets[array_position(c.zones, k.zone)];
      occ := expand_at(k.windows, k.zone, c.monday, off);
      wm := week_minutes(occ, k.zone, c.monday, off, k.nominal);
      busy := busy + occ;
      others := others || occ;
      IF p.caps_include_freelance THEN
        work := work + occ;
        capped := capped || occ;
      END IF;
    ELSE
      wm := k.nominal;
    END IF;
    all_total := all_total + wm;
    IF p.caps_include_freelance THEN week_total := week_total + wm; END IF;
  END LOOP;
  all_total := all_total + c.week_minutes;
  IF p.caps_include_freelance THEN
    week_total := week_total + c.week_minutes;
    IF c.imposed THEN
      work := work + c.windows;
      capped := capped || c.windows;
    END IF;
  END IF;

  -- 6. Weekly cap.
  IF week_total > p.max_weekly_minutes THEN RETURN; END IF;

  -- 7. Imposed: every minute of the windows inside the reference week in free time
  -- (availability minus the fixed work of salaried jobs and other missions).
  t_off := c.offsets[array_position(c.zones, t.zone)];
  free := expand_at(t.availability, t.zone, c.monday, t_off) - busy;
  IF c.imposed AND NOT isempty(c.required - free) THEN RETURN; END IF;
  usable := c.required * free;

  -- The teleoperator's calendar days touching the reference week (DaysTouching).
  IF t_off IS NULL THEN
    d := (to_timestamp(c.week_start * 60) AT TIME ZONE t.zone)::date;
  ELSE
    d := date '1970-01-01' + floor((c.week_start + t_off) / 1440.0)::int;
  END IF;
  d_start := day_min(d, t.zone, t_off);
  WHILE d_start < c.week_end LOOP
    d_end := day_min(d + 1, t.zone, t_off);
    IF d_end > c.week_start THEN day_starts := day_starts || d_start; END IF;
    d := d + 1;
    d_start := d_end;
  END LOOP;
  day_starts := day_starts || d_start;  -- the end of the last day

  -- 6. Daily cap: each day's fixed work of the jobs counted (jobs add up). Only fixed work
  -- counts, so without any there is nothing to check.
  IF NOT isempty(work) THEN
    SELECT max((SELECT sum(upper(r) - lower(r))
                  FROM unnest(capped) AS m,
                       unnest(m * int8multirange(int8range(day_starts[i], day_starts[i + 1]))) AS r))
      INTO load FROM generate_series(1, cardinality(day_starts) - 1) AS i;
    IF load > p.max_daily_minutes THEN RETURN; END IF;
  END IF;

  -- 7. Flexible: per day, min(usable minutes, daily cap minus the day's other fixed work),
  -- summed, at least weekly_minutes_per_seat. Without other fixed work the sum is at least
  -- min(usable minutes, daily cap), and never more than the usable minutes: the days are summed
  -- only when neither bound decides.
  IF NOT c.imposed THEN
    placeable := total_minutes(usable);
    IF placeable < c.weekly_minutes_per_seat THEN RETURN; END IF;
    IF NOT isempty(busy) OR least(placeable, p.max_daily_minutes) < c.weekly_minutes_per_seat THEN
      SELECT sum(least(u, greatest(0, p.max_daily_minutes - coalesce(l, 0)))) INTO placeable
        FROM (SELECT (SELECT sum(upper(r) - lower(r))
                        FROM unnest(usable * int8multirange(int8range(day_starts[i], day_starts[i + 1])))
                          AS r) AS u,
                     (SELECT sum(upper(r) - lower(r))
                        FROM unnest(others) AS m,
                             unnest(m * int8multirange(int8range(day_starts[i], day_starts[i + 1])))
                               AS r) AS l
                FROM generate_series(1, cardinality(day_starts) - 1) AS i) AS s
       WHERE u > 0;
      placeable := coalesce(placeable, 0);
      IF placeable < c.weekly_minutes_per_seat THEN RETURN; END IF;
    END IF;
  END IF;

  -- 6. Daily rest: no work across the whole rest span, and after each start of work inside it
  -- min_daily_rest_minutes in a row without work within 24 h.
  -- `work` is normalized: its ranges are sorted and apart, so the gaps inside the 24 h after
  -- a start s are those after each range that ends before s + 24 h, up to the next range.
  IF NOT isempty(work) AND (
       WITH w AS (
         SELECT lower(r) AS lo, upper(r) AS up,
                coalesce(lead(lower(r)) OVER (ORDER BY lower(r)), upper(r) + 1440) AS nxt
           FROM unnest(work) AS r
          WHERE upper(r) > c.rest_start - 1440 AND lower(r) < c.rest_end + 1440)
       SELECT bool_or(s.lo < c.rest_start AND s.up >= c.rest_end
                      OR s.lo >= c.rest_start AND s.lo < c.rest_end
                         AND coalesce((SELECT max(least(g.nxt, s.lo + 1440) - g.up) FROM w AS g
                                        WHERE g.lo >= s.lo AND g.up < s.lo + 1440), 0)
                             < p.min_daily_rest_minutes)
         FROM w AS s) THEN
    RETURN;
  END IF;

  -- 6. Average over average_weeks: the reference week plus the weeks before it (`past`, summed
  -- in the loops above).
  IF week_total + past > p.max_average_weekly_minutes::bigint * p.average_weeks THEN RETURN; END IF;

  ok := true;
  slack := greatest(least(p.max_weekly_minutes - all_total, p.max_weekly_minutes), 0) * 1000
           / p.max_weekly_minutes;
END $$;
