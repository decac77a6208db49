-- The top 50 of one campaign (psql variables :campaign and :today), exactly as ReferenceMatch
-- ranks them (docs/matching.md). Rules 1-5 and 8-12 are set conditions; rules 6 and 7 and the
-- slack component run per pair in working_time() on the teleoperators that pass the others.
-- Output: campaign, rank, teleoperator, score, and the size of the eligible set (a check).
SELECT c.name AS campaign, row_number() OVER (ORDER BY s.score DESC, s.name) AS rank,
       s.name AS teleoperator, s.score, s.eligible
FROM make_campaign_context(:'campaign', :'today'::date) AS c,
LATERAL (
  SELECT e.name,
         floor((  e.skill_fit * p.weight_skill_fit + e.sector_fit * p.weight_sector_fit
                + e.language * p.weight_language + e.slack * p.weight_slack
                + e.quality * p.weight_quality + e.fairness * p.weight_fairness
                - e.dependence * p.weight_dependence_penalty)::numeric / 1000)::bigint AS score,
         count(*) OVER () AS eligible
  FROM policy AS p,
  LATERAL (
    SELECT t.name, w.slack,
      -- skill_fit
      CASE WHEN cardinality(c.rank_skills) = 0 THEN 1000
           ELSE 1000 * (SELECT count(*) FROM unnest(c.rank_skills) AS s WHERE s = ANY (t.skills))
                / cardinality(c.rank_skills) END AS skill_fit,
      -- sector_fit
      CASE WHEN cardinality(c.seg_paths) = 0 THEN 0
           ELSE (SELECT sum(best)::bigint FROM (
                   SELECT coalesce(max(CASE WHEN ts.tid IS NULL THEN 0
                                            WHEN cs.level = 0 OR ts.level = 0 THEN 1000
                                            ELSE 1000 * least(cs.level, ts.level) / cs.level END),
                                   0) AS best
                   FROM unnest(c.seg_paths, c.seg_levels) WITH ORDINALITY AS cs(path, level, n)
                   LEFT JOIN teleoperator_sector AS ts
                     ON ts.tid = t.id AND seg_overlap(ts.path, cs.path)
                   GROUP BY cs.n) AS b) / cardinality(c.seg_paths) END AS sector_fit,
      -- language
      CASE WHEN cardinality(c.languages) = 0 THEN 0
           ELSE (SELECT sum(1000 * coalesce((SELECT max(l.level) FROM teleoperator_language AS l
                                             WHERE l.tid = t.id AND l.language = need), 0) / 7)::bigint
                 FROM unnest(c.languages) AS need) / cardinality(c.languages) END AS language,
      -- quality
      CASE WHEN t.appointments_set + p.quality_prior_observations <= 0 THEN p.quality_prior_permille
           ELSE (1000 * t.appointments_validated
                 + p.quality_prior_observations::bigint * p.quality_prior_permille)
                / (t.appointments_set + p.quality_prior_observations) END AS quality,
      -- fairness
      1000 / (1 + (SELECT count(*) FROM contract AS k
                   WHERE k.tid = t.id AND k.accepted IS NOT NULL AND k.start_set
                     AND k.first >= c.as_of - p.fairness_window_days)) AS fairness,
      -- dependence_penalty
      (SELECT CASE WHEN v.total <= 0 THEN 0
                   ELSE least(greatest(v.from_client, 0), v.total) * 1000 / v.total END
       FROM (SELECT coalesce(sum(r.minor_units), 0)::bigint AS total,
                    coalesce(sum(r.minor_units) FILTER (WHERE r.client = c.client), 0)::bigint
                      AS from_client
             FROM revenue AS r
             WHERE r.tid = t.id AND r.day > c.as_of - p.revenue_window_days
               AND r.day <= c.as_of) AS v) AS dependence
    FROM teleoperator AS t,
    LATERAL working_time(c, p, t) AS w
    WHERE
      -- 10 COUNTRY
      (cardinality(c.countries) = 0 OR t.country = ANY (c.countries))
      -- 11 REGISTRATION
      AND t.reg_verified AND t.reg_number_ok
      AND c.as_of - t.verify_date <= p.registration_max_age_days
      -- 12 CAMPAIGN_THRESHOLD
      AND NOT (c.min_rate > 0 AND t.appointments_set >= c.min_obs
               AND t.appointments_validated * 1000 < c.min_rate * t.appointments_set)
      -- 9 SKILL
      AND t.skills @> c.skills
      -- 8 LANGUAGE
      AND NOT EXISTS (
        SELECT 1 FROM unnest(c.languages, c.language_levels) AS need(language, level)
        WHERE NOT EXISTS (SELECT 1 FROM teleoperator_language AS l
                          WHERE l.tid = t.id AND l.language = need.language
                            AND l.level >= need.level))
      -- 1 EMPLOYEE_OF_CLIENT
      AND NOT EXISTS (
        SELECT 1 FROM employment AS x JOIN employment_key AS xk ON xk.tid = x.tid AND xk.idx = x.idx
        WHERE x.tid = t.id AND xk.key = ANY (c.client_keys)
          AND ((x.first <= c.rem_last AND c.rem_first <= x.last)
               OR (x.last < c.as_of AND c.as_of - x.last < p.former_employee_cooloff_days)))
      -- 2 COMPETING_EMPLOYER
      AND NOT EXISTS (
        SELECT 1 FROM employment AS x
        WHERE x.tid = t.id AND x.first <= c.rem_last AND c.rem_first <= x.last
          AND NOT EXISTS (SELECT 1 FROM employment_key AS xk
                          WHERE xk.tid = x.tid AND xk.idx = x.idx AND xk.key = ANY (c.client_keys))
          AND EXISTS (SELECT 1 FROM employer_segment AS s, unnest(c.seg_paths) AS cp
                      WHERE s.tid = x.tid AND s.idx = x.idx AND seg_overlap(s.path, cp)))
      -- 3 NON_COMPETE
      AND NOT EXISTS (
        SELECT 1 FROM employment AS x
        WHERE x.tid = t.id AND x.has_nc AND x.first <= c.rem_last AND x.nc_end >= c.as_of
          AND EXISTS (SELECT 1 FROM non_compete_segment AS s, unnest(c.seg_paths) AS cp
                      WHERE s.tid = x.tid AND s.idx = x.idx AND seg_overlap(s.path, cp)))
      -- 4 EXCLUSIVITY
      AND NOT EXISTS (
        SELECT 1 FROM employment AS x
        WHERE x.tid = t.id AND x.first <= c.rem_last AND c.rem_first <= x.last
          AND x.exclusivity AND NOT x.authorisation)
      -- 5 CONFLICTING_MISSION
      AND NOT EXISTS (
        SELECT 1 FROM contract AS x
        WHERE x.tid = t.id AND x.holds_time AND x.first <= c.rem_last AND c.rem_first <= x.last
          AND NOT EXISTS (SELECT 1 FROM contract_key AS xk
                          WHERE xk.tid = x.tid AND xk.idx = x.idx AND xk.key = ANY (c.client_keys))
          AND EXISTS (SELECT 1 FROM contract_segment AS s, unnest(c.seg_paths) AS cp
                      WHERE s.tid = x.tid AND s.idx = x.idx AND seg_overlap(s.path, cp)))
      -- 6 WORKING_TIME, 7 SCHEDULE
      AND w.ok
  ) AS e
  ORDER BY score DESC, e.name
  LIMIT 50
) AS s
ORDER BY rank;
