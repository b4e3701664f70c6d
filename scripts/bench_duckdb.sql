-- The labour-force and re-employment indicators of the review periods, in
-- plain SQL over the extract's files, for the benchmark's comparison with
-- `fullemp run` (scripts/bench_run.sh). DuckDB reads and types the files
-- itself (its CSV sniffer, or Parquet's own types). scripts/bench_duckdb.py
-- fills in the placeholders: {persons}, {unemployment}, {employment},
-- {communities} (a read_csv or read_parquet call each) and {periods} (a
-- VALUES list of (year, start, cutoff)).
--
-- The definitions are the indicators' (docs/indicators.md): labour force =
-- persons active in the community's ledger at the cut-off A, of working age
-- (16 <= age < 60 for men, 55 for women), able to work; employed = of them,
-- those with an employment record anywhere covering A; registered
-- unemployed = registrations in the community open at A; U = registrations
-- overlapping [S, A]; R = of U, those with an employment start (anywhere) in
-- [max(S, registered_on), A]. Contract checks (rejects) are not repeated here.

CREATE OR REPLACE TEMP TABLE periods(year INTEGER, s DATE, a DATE);
INSERT INTO periods VALUES {periods};

CREATE OR REPLACE TEMP TABLE persons AS
    SELECT person_id, community_code, gender, birth_date, labor_capacity, entered_on, left_on
    FROM {persons};
CREATE OR REPLACE TEMP TABLE unemployment AS
    SELECT person_id, community_code, registered_on, ended_on FROM {unemployment};
CREATE OR REPLACE TEMP TABLE employment AS
    SELECT person_id, started_on, ended_on FROM {employment};
CREATE OR REPLACE TEMP TABLE communities AS
    SELECT community_code FROM {communities};

CREATE OR REPLACE TEMP TABLE indicators AS
WITH employed_at AS (
    SELECT DISTINCT p.year, e.person_id
    FROM employment e JOIN periods p
      ON e.started_on <= p.a AND (e.ended_on IS NULL OR e.ended_on >= p.a)
),
ledger_at AS (
    SELECT p.year, l.community_code, l.person_id, l.gender,
           year(p.a) - year(l.birth_date)
             - CASE WHEN month(p.a) * 100 + day(p.a)
                         < month(l.birth_date) * 100 + day(l.birth_date)
                    THEN 1 ELSE 0 END AS age
    FROM persons l JOIN periods p
      ON l.entered_on <= p.a AND (l.left_on IS NULL OR l.left_on > p.a)
    WHERE l.labor_capacity
),
labour_force AS (
    SELECT DISTINCT year, community_code, person_id
    FROM ledger_at
    WHERE age >= 16 AND age < CASE WHEN gender IN ('男', 'M', 'm') THEN 60 ELSE 55 END
),
labour_counts AS (
    SELECT f.year, f.community_code,
           count(*) AS labor_force, count(e.person_id) AS employed
    FROM labour_force f LEFT JOIN employed_at e
      ON e.year = f.year AND e.person_id = f.person_id
    GROUP BY ALL
),
open_at AS (
    SELECT p.year, count(DISTINCT r.person_id) AS registered_unemployed, r.community_code
    FROM unemployment r JOIN periods p
      ON r.registered_on <= p.a AND (r.ended_on IS NULL OR r.ended_on > p.a)
    GROUP BY p.year, r.community_code
),
in_period AS (
    SELECT p.year, p.s, p.a, r.community_code, r.person_id, r.registered_on
    FROM unemployment r JOIN periods p
      ON r.registered_on <= p.a AND (r.ended_on IS NULL OR r.ended_on >= p.s)
),
u_counts AS (
    SELECT year, community_code, count(DISTINCT person_id) AS unemployed_in_period
    FROM in_period GROUP BY ALL
),
r_counts AS (
    SELECT u.year, u.community_code, count(DISTINCT u.person_id) AS reemployed_in_period
    FROM in_period u JOIN employment e
      ON e.person_id = u.person_id
     AND e.started_on >= greatest(u.s, u.registered_on) AND e.started_on <= u.a
    GROUP BY ALL
)
SELECT c.community_code, p.year,
       coalesce(lc.labor_force, 0) AS labor_force,
       coalesce(lc.employed, 0) AS employed,
       coalesce(o.registered_unemployed, 0) AS registered_unemployed,
       CASE WHEN coalesce(lc.employed, 0) + coalesce(o.registered_unemployed, 0) > 0
            THEN coalesce(o.registered_unemployed, 0)
                 / (coalesce(lc.employed, 0) + coalesce(o.registered_unemployed, 0)) END
         AS registered_unemployment_rate,
       coalesce(u.unemployed_in_period, 0) AS unemployed_in_period,
       coalesce(r.reemployed_in_period, 0) AS reemployed_in_period,
       CASE WHEN coalesce(u.unemployed_in_period, 0) > 0
            THEN coalesce(r.reemployed_in_period, 0) / u.unemployed_in_period END
         AS reemployment_rate
FROM communities c CROSS JOIN periods p
LEFT JOIN labour_counts lc ON lc.community_code = c.community_code AND lc.year = p.year
LEFT JOIN open_at o ON o.community_code = c.community_code AND o.year = p.year
LEFT JOIN u_counts u ON u.community_code = c.community_code AND u.year = p.year
LEFT JOIN r_counts r ON r.community_code = c.community_code AND r.year = p.year;
