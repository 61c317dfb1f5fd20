-- cxscore counts (postgres): save the result and score it with cxscore score --tallies COUNTS -c CONFIG --by assignment_group --period week --weight w
SELECT CAST(CASE WHEN LOWER(TRIM(CAST("assignment_group" AS text))) IN ('?') THEN NULL ELSE "assignment_group" END AS text) AS "assignment_group",
       CAST(date_trunc('week', CAST(CASE WHEN LOWER(TRIM(CAST("opened_at" AS text))) IN ('?') THEN NULL ELSE "opened_at" END AS timestamp)) AS DATE) AS cx_period,
       'csat' AS cx_metric,
       CAST(CASE WHEN LOWER(TRIM(CAST("satisfaction" AS text))) IN ('?') THEN NULL ELSE "satisfaction" END AS text) AS cx_answer,
       COUNT(*) AS cx_n,
       SUM(CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision)) AS cx_weight,
       SUM(CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision) * CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision)) AS cx_weight_sq
FROM "incidents"
WHERE CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision) > 0 AND CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision) < CAST('Infinity' AS double precision)
GROUP BY CAST(CASE WHEN LOWER(TRIM(CAST("assignment_group" AS text))) IN ('?') THEN NULL ELSE "assignment_group" END AS text), CAST(date_trunc('week', CAST(CASE WHEN LOWER(TRIM(CAST("opened_at" AS text))) IN ('?') THEN NULL ELSE "opened_at" END AS timestamp)) AS DATE), CAST(CASE WHEN LOWER(TRIM(CAST("satisfaction" AS text))) IN ('?') THEN NULL ELSE "satisfaction" END AS text)
UNION ALL
SELECT CAST(CASE WHEN LOWER(TRIM(CAST("assignment_group" AS text))) IN ('?') THEN NULL ELSE "assignment_group" END AS text) AS "assignment_group",
       CAST(date_trunc('week', CAST(CASE WHEN LOWER(TRIM(CAST("opened_at" AS text))) IN ('?') THEN NULL ELSE "opened_at" END AS timestamp)) AS DATE) AS cx_period,
       'sla_met' AS cx_metric,
       CAST(CASE WHEN LOWER(TRIM(CAST("made_sla" AS text))) IN ('?') THEN NULL ELSE "made_sla" END AS text) AS cx_answer,
       COUNT(*) AS cx_n,
       SUM(CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision)) AS cx_weight,
       SUM(CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision) * CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision)) AS cx_weight_sq
FROM "incidents"
WHERE CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision) > 0 AND CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision) < CAST('Infinity' AS double precision)
GROUP BY CAST(CASE WHEN LOWER(TRIM(CAST("assignment_group" AS text))) IN ('?') THEN NULL ELSE "assignment_group" END AS text), CAST(date_trunc('week', CAST(CASE WHEN LOWER(TRIM(CAST("opened_at" AS text))) IN ('?') THEN NULL ELSE "opened_at" END AS timestamp)) AS DATE), CAST(CASE WHEN LOWER(TRIM(CAST("made_sla" AS text))) IN ('?') THEN NULL ELSE "made_sla" END AS text)
UNION ALL
SELECT NULL AS "assignment_group",
       NULL AS cx_period,
       CAST(NULL AS text) AS cx_metric,
       CAST(NULL AS text) AS cx_answer,
       COUNT(*) AS cx_n,
       NULL AS cx_weight,
       NULL AS cx_weight_sq
FROM "incidents"
WHERE NOT COALESCE(CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision) > 0 AND CAST(CASE WHEN LOWER(TRIM(CAST("w" AS text))) IN ('?') THEN NULL ELSE "w" END AS double precision) < CAST('Infinity' AS double precision), FALSE)
