-- cxscore counts (duckdb): save the result and score it with cxscore score --tallies COUNTS -c CONFIG --by 'Re"gion`' --period week --weight w
SELECT CAST("Re""gion`" AS VARCHAR) AS "Re""gion`",
       CAST(date_trunc('week', TRY_CAST("Date" AS TIMESTAMP)) AS DATE) AS cx_period,
       'nps' AS cx_metric,
       CAST("Recommend" AS VARCHAR) AS cx_answer,
       CAST(NULL AS VARCHAR) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(TRY_CAST("w" AS DOUBLE)) AS cx_weight,
       SUM(TRY_CAST("w" AS DOUBLE) * TRY_CAST("w" AS DOUBLE)) AS cx_weight_sq
FROM "shop"."responses"
WHERE isfinite(TRY_CAST("w" AS DOUBLE)) AND TRY_CAST("w" AS DOUBLE) > 0
GROUP BY CAST("Re""gion`" AS VARCHAR), CAST(date_trunc('week', TRY_CAST("Date" AS TIMESTAMP)) AS DATE), CAST("Recommend" AS VARCHAR)
UNION ALL
SELECT CAST("Re""gion`" AS VARCHAR) AS "Re""gion`",
       CAST(date_trunc('week', TRY_CAST("Date" AS TIMESTAMP)) AS DATE) AS cx_period,
       'csat' AS cx_metric,
       CAST("Satisfaction" AS VARCHAR) AS cx_answer,
       CAST(NULL AS VARCHAR) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(TRY_CAST("w" AS DOUBLE)) AS cx_weight,
       SUM(TRY_CAST("w" AS DOUBLE) * TRY_CAST("w" AS DOUBLE)) AS cx_weight_sq
FROM "shop"."responses"
WHERE isfinite(TRY_CAST("w" AS DOUBLE)) AND TRY_CAST("w" AS DOUBLE) > 0
GROUP BY CAST("Re""gion`" AS VARCHAR), CAST(date_trunc('week', TRY_CAST("Date" AS TIMESTAMP)) AS DATE), CAST("Satisfaction" AS VARCHAR)
UNION ALL
SELECT CAST("Re""gion`" AS VARCHAR) AS "Re""gion`",
       CAST(date_trunc('week', TRY_CAST("Date" AS TIMESTAMP)) AS DATE) AS cx_period,
       'reopened' AS cx_metric,
       CAST("Reopens" AS VARCHAR) AS cx_answer,
       CAST("Status" AS VARCHAR) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(TRY_CAST("w" AS DOUBLE)) AS cx_weight,
       SUM(TRY_CAST("w" AS DOUBLE) * TRY_CAST("w" AS DOUBLE)) AS cx_weight_sq
FROM "shop"."responses"
WHERE isfinite(TRY_CAST("w" AS DOUBLE)) AND TRY_CAST("w" AS DOUBLE) > 0
GROUP BY CAST("Re""gion`" AS VARCHAR), CAST(date_trunc('week', TRY_CAST("Date" AS TIMESTAMP)) AS DATE), CAST("Reopens" AS VARCHAR), CAST("Status" AS VARCHAR)
UNION ALL
SELECT NULL AS "Re""gion`",
       NULL AS cx_period,
       CAST(NULL AS VARCHAR) AS cx_metric,
       CAST(NULL AS VARCHAR) AS cx_answer,
       CAST(NULL AS VARCHAR) AS cx_answer_2,
       COUNT(*) AS cx_n,
       NULL AS cx_weight,
       NULL AS cx_weight_sq
FROM "shop"."responses"
WHERE NOT COALESCE(isfinite(TRY_CAST("w" AS DOUBLE)) AND TRY_CAST("w" AS DOUBLE) > 0, FALSE)
