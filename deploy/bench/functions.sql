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

-- MakeCampaignContext, with the ranking's per-campaign inputs.
CREATE TYPE campaign_context AS (
  name text, client text, client_keys text[], as_of date, rem_first date, rem_last date,
  zone text, monday date, week_start bigint, week_end bigint, rest_start bigint,
  rest_end bigint, imposed boolean, windows int8multirange, week_minutes bigint,
  weekly_minutes_per_seat int, countries text[], seg_paths text[], seg_levels int[],
  languages text[], language_levels int[], skills int[], rank_skills int[],
  min_rate bigint, min_obs bigint);

CREATE FUNCTION make_campaign_context(campaign_name text, today date) RETURNS campaign_context
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  k campaign;
  c campaign_context;
  client_country text;
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
  c.week_start := civil_min(c.monday::timestamp, k.zone);
  c.week_end := civil_min((c.monday + 7)::timestamp, k.zone);
  c.rest_start := civil_min((c.monday - 1)::timestamp, k.zone);
  c.rest_end := civil_min((c.monday + 8)::timestamp, k.zone);
  c.imposed := coalesce(k.imposed_schedule, true);
  c.windows := expand(k.windows, k.zone, c.monday);
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
-- (the query needs no reason, and slack only for eligible pairs).
CREATE FUNCTION working_time(c campaign_context, teleoperator_id int,
                             OUT ok boolean, OUT slack bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  p policy;
  t teleoperator;
  e employment;
  k contract;
  occ int8multirange;
  -- The jobs: 0 salaried, 1 other mission, 2 this campaign.
  kinds int[] := '{}';
  fixed boolean[] := '{}';
  occs int8multirange[] := '{}';
  wm bigint;
  week_total bigint := 0;  -- rule 6's week: the jobs the caps count
  all_total bigint := 0;   -- slack's: every job
  work int8multirange := '{}';  -- fixed work counted by rule 6, this campaign included
  busy int8multirange := '{}';  -- fixed work of salaried jobs and other missions (rule 7)
  free int8multirange;
  required int8multirange;
  usable int8multirange;
  day_starts bigint[] := '{}';  -- the teleoperator's days touching the reference week
  d date;
  d_start bigint;
  d_end bigint;
  load bigint;
  placeable bigint;
  past bigint;
BEGIN
  ok := false;
  slack := 0;
  SELECT * INTO p FROM policy;
  SELECT * INTO t FROM teleoperator WHERE id = teleoperator_id;
  IF NOT t.zone_ok OR NOT t.availability_ok THEN RETURN; END IF;

  FOR e IN SELECT * FROM employment AS x WHERE x.tid = teleoperator_id
             AND x.first <= c.rem_last AND c.rem_first <= x.last ORDER BY x.idx LOOP
    IF NOT e.schedule_ok THEN RETURN; END IF;
    occ := expand(e.windows, e.zone, c.monday);
    wm := minutes_in(occ, civil_min(c.monday::timestamp, e.zone),
                     civil_min((c.monday + 7)::timestamp, e.zone));
    kinds := kinds || 0;
    fixed := fixed || true;
    occs := occs || occ;
    week_total := week_total + wm;
    all_total := all_total + wm;
    work := work + occ;
    busy := busy + occ;
  END LOOP;
  FOR k IN SELECT * FROM contract AS x WHERE x.tid = teleoperator_id AND x.holds_time
             AND x.campaign <> c.name AND x.first <= c.rem_last AND c.rem_first <= x.last
             ORDER BY x.idx LOOP
    IF k.imposed AND NOT k.schedule_ok THEN RETURN; END IF;
    IF k.imposed THEN
      occ := expand(k.windows, k.zone, c.monday);
      wm := minutes_in(occ, civil_min(c.monday::timestamp, k.zone),
                       civil_min((c.monday + 7)::timestamp, k.zone));
      busy := busy + occ;
      IF p.caps_include_freelance THEN work := work + occ; END IF;
    ELSE
      occ := '{}';
      wm := k.nominal;
    END IF;
    kinds := kinds || 1;
    fixed := fixed || k.imposed;
    occs := occs || occ;
    all_total := all_total + wm;
    IF p.caps_include_freelance THEN week_total := week_total + wm; END IF;
  END LOOP;
  kinds := kinds || 2;
  fixed := fixed || c.imposed;
  occs := occs || CASE WHEN c.imposed THEN c.windows ELSE '{}'::int8multirange END;
  all_total := all_total + c.week_minutes;
  IF p.caps_include_freelance THEN
    week_total := week_total + c.week_minutes;
    IF c.imposed THEN work := work + c.windows; END IF;
  END IF;

  -- 6. Weekly cap.
  IF week_total > p.max_weekly_minutes THEN RETURN; END IF;

  -- 7. Imposed: every minute of the windows inside the reference week in free time
  -- (availability minus the fixed work of salaried jobs and other missions).
  free := expand(t.availability, t.zone, c.monday) - busy;
  required := c.windows * int8multirange(int8range(c.week_start, c.week_end));
  IF c.imposed AND NOT isempty(required - free) THEN RETURN; END IF;
  usable := required * free;

  -- The teleoperator's calendar days touching the reference week (DaysTouching).
  d := (to_timestamp(c.week_start * 60) AT TIME ZONE t.zone)::date;
  d_start := civil_min(d::timestamp, t.zone);
  WHILE d_start < c.week_end LOOP
    d_end := civil_min((d + 1)::timestamp, t.zone);
    IF d_end > c.week_start THEN day_starts := day_starts || d_start; END IF;
    d := d + 1;
    d_start := d_end;
  END LOOP;
  day_starts := day_starts || d_start;  -- the end of the last day

  -- 6. Daily cap: each day's fixed work of the jobs counted (jobs add up). Only fixed work
  -- counts, so without any there is nothing to check.
  IF NOT isempty(work) THEN
    FOR i IN 1 .. cardinality(day_starts) - 1 LOOP
      load := 0;
      FOR j IN 1 .. cardinality(kinds) LOOP
        IF fixed[j] AND (p.caps_include_freelance OR kinds[j] = 0) THEN
          load := load + minutes_in(occs[j], day_starts[i], day_starts[i + 1]);
        END IF;
      END LOOP;
      IF load > p.max_daily_minutes THEN RETURN; END IF;
    END LOOP;
  END IF;

  -- 7. Flexible: per day, min(usable minutes, daily cap minus the day's other fixed work),
  -- summed, at least weekly_minutes_per_seat. Without other fixed work the sum is at least
  -- min(usable minutes, daily cap), and never more than the usable minutes: the days are summed
  -- only when neither bound decides.
  IF NOT c.imposed THEN
    placeable := total_minutes(usable);
    IF placeable < c.weekly_minutes_per_seat THEN RETURN; END IF;
    IF NOT isempty(busy) OR least(placeable, p.max_daily_minutes) < c.weekly_minutes_per_seat THEN
      placeable := 0;
      FOR i IN 1 .. cardinality(day_starts) - 1 LOOP
        load := 0;
        FOR j IN 1 .. cardinality(kinds) LOOP
          IF fixed[j] AND kinds[j] < 2 THEN
            load := load + minutes_in(occs[j], day_starts[i], day_starts[i + 1]);
          END IF;
        END LOOP;
        placeable := placeable + least(minutes_in(usable, day_starts[i], day_starts[i + 1]),
                                       greatest(0, p.max_daily_minutes - load));
      END LOOP;
      IF placeable < c.weekly_minutes_per_seat THEN RETURN; END IF;
    END IF;
  END IF;

  -- 6. Daily rest: no work across the whole rest span, and after each start of work inside it
  -- min_daily_rest_minutes in a row without work within 24 h.
  IF EXISTS (SELECT 1 FROM unnest(work) AS x
              WHERE lower(x) < c.rest_start AND upper(x) >= c.rest_end)
     OR EXISTS (SELECT 1 FROM unnest(work) AS x
                 WHERE lower(x) >= c.rest_start AND lower(x) < c.rest_end
                   AND (SELECT coalesce(max(upper(g) - lower(g)), 0)
                          FROM unnest(int8multirange(int8range(lower(x), lower(x) + 1440)) - work)
                            AS g) < p.min_daily_rest_minutes) THEN
    RETURN;
  END IF;

  -- 6. Average over average_weeks: the reference week plus, for each week before it, the
  -- nominal minutes of the employments overlapping it and, when freelance counts, per contract
  -- its minutes logged that week, else its nominal minutes when planned that week.
  SELECT (SELECT coalesce(sum(x.nominal), 0)
            FROM employment AS x, generate_series(1, p.average_weeks - 1) AS g
           WHERE x.tid = teleoperator_id
             AND x.first <= c.monday - 7 * g + 6 AND c.monday - 7 * g <= x.last)
       + CASE WHEN p.caps_include_freelance THEN
           (SELECT coalesce(sum(coalesce(
                     (SELECT cw.minutes FROM contract_week AS cw
                       WHERE cw.tid = x.tid AND cw.idx = x.idx AND cw.monday = c.monday - 7 * g),
                     CASE WHEN x.campaign_known AND x.campaign <> c.name AND x.accepted IS NOT NULL
                               AND x.accepted <= c.monday - 7 * g + 6
                               AND x.first <= c.monday - 7 * g + 6 AND c.monday - 7 * g <= x.last
                          THEN x.nominal ELSE 0 END)), 0)
              FROM contract AS x, generate_series(1, p.average_weeks - 1) AS g
             WHERE x.tid = teleoperator_id)
         ELSE 0 END
    INTO past;
  IF week_total + past > p.max_average_weekly_minutes::bigint * p.average_weeks THEN RETURN; END IF;

  ok := true;
  slack := greatest(least(p.max_weekly_minutes - all_total, p.max_weekly_minutes), 0) * 1000
           / p.max_weekly_minutes;
END $$;
