-- cxscore counts (snowflake): save the result and score it with cxscore score --tallies COUNTS -c CONFIG --by assignment_group --period week --weight w
SELECT CAST(CASE WHEN LOWER(TRIM(CAST("assignment_group" AS VARCHAR))) IN ('?') THEN NULL ELSE "assignment_group" END AS VARCHAR) AS "assignment_group",
       CAST(date_trunc('week', CAST(CASE WHEN LOWER(TRIM(CAST("opened_at" AS VARCHAR))) IN ('?') THEN NULL ELSE "opened_at" END AS TIMESTAMP_NTZ)) AS DATE) AS cx_period,
       'csat' AS cx_metric,
       CAST(CASE WHEN LOWER(TRIM(CAST("satisfaction" AS VARCHAR))) IN ('?') THEN NULL ELSE "satisfaction" END AS VARCHAR) AS cx_answer,
       COUNT(*) AS cx_n,
       SUM(CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE)) AS cx_weight,
       SUM(CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE) * CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE)) AS cx_weight_sq
FROM "incidents"
WHERE CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE) > 0 AND CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE) < CAST('inf' AS DOUBLE)
GROUP BY CAST(CASE WHEN LOWER(TRIM(CAST("assignment_group" AS VARCHAR))) IN ('?') THEN NULL ELSE "assignment_group" END AS VARCHAR), CAST(date_trunc('week', CAST(CASE WHEN LOWER(TRIM(CAST("opened_at" AS VARCHAR))) IN ('?') THEN NULL ELSE "opened_at" END AS TIMESTAMP_NTZ)) AS DATE), CAST(CASE WHEN LOWER(TRIM(CAST("satisfaction" AS VARCHAR))) IN ('?') THEN NULL ELSE "satisfaction" END AS VARCHAR)
UNION ALL
SELECT CAST(CASE WHEN LOWER(TRIM(CAST("assignment_group" AS VARCHAR))) IN ('?') THEN NULL ELSE "assignment_group" END AS VARCHAR) AS "assignment_group",
       CAST(date_trunc('week', CAST(CASE WHEN LOWER(TRIM(CAST("opened_at" AS VARCHAR))) IN ('?') THEN NULL ELSE "opened_at" END AS TIMESTAMP_NTZ)) AS DATE) AS cx_period,
       'sla_met' AS cx_metric,
       CAST(CASE WHEN LOWER(TRIM(CAST("made_sla" AS VARCHAR))) IN ('?') THEN NULL ELSE "made_sla" END AS VARCHAR) AS cx_answer,
       COUNT(*) AS cx_n,
       SUM(CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE)) AS cx_weight,
       SUM(CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE) * CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE)) AS cx_weight_sq
FROM "incidents"
WHERE CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE) > 0 AND CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE) < CAST('inf' AS DOUBLE)
GROUP BY CAST(CASE WHEN LOWER(TRIM(CAST("assignment_group" AS VARCHAR))) IN ('?') THEN NULL ELSE "assignment_group" END AS VARCHAR), CAST(date_trunc('week', CAST(CASE WHEN LOWER(TRIM(CAST("opened_at" AS VARCHAR))) IN ('?') THEN NULL ELSE "opened_at" END AS TIMESTAMP_NTZ)) AS DATE), CAST(CASE WHEN LOWER(TRIM(CAST("made_sla" AS VARCHAR))) IN ('?') THEN NULL ELSE "made_sla" END AS VARCHAR)
UNION ALL
SELECT NULL AS "assignment_group",
       NULL AS cx_period,
       CAST(NULL AS VARCHAR) AS cx_metric,
       CAST(NULL AS VARCHAR) AS cx_answer,
       COUNT(*) AS cx_n,
       NULL AS cx_weight,
       NULL AS cx_weight_sq
FROM "incidents"
WHERE NOT COALESCE(CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE) > 0 AND CAST(CASE WHEN LOWER(TRIM(CAST("w" AS VARCHAR))) IN ('?') THEN NULL ELSE "w" END AS DOUBLE) < CAST('inf' AS DOUBLE), FALSE)
