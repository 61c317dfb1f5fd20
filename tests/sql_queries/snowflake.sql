-- cxscore counts (snowflake): save the result and score it with cxscore score --tallies COUNTS -c CONFIG --by 'Re"gion`' --period week --weight w
SELECT CAST("Re""gion`" AS VARCHAR) AS "Re""gion`",
       CAST(date_trunc('week', CAST("Date" AS TIMESTAMP_NTZ)) AS DATE) AS cx_period,
       'nps' AS cx_metric,
       CAST("Recommend" AS VARCHAR) AS cx_answer,
       CAST(NULL AS VARCHAR) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(CAST("w" AS DOUBLE)) AS cx_weight,
       SUM(CAST("w" AS DOUBLE) * CAST("w" AS DOUBLE)) AS cx_weight_sq
FROM "shop"."responses"
WHERE CAST("w" AS DOUBLE) > 0 AND CAST("w" AS DOUBLE) < CAST('inf' AS DOUBLE)
GROUP BY CAST("Re""gion`" AS VARCHAR), CAST(date_trunc('week', CAST("Date" AS TIMESTAMP_NTZ)) AS DATE), CAST("Recommend" AS VARCHAR)
UNION ALL
SELECT CAST("Re""gion`" AS VARCHAR) AS "Re""gion`",
       CAST(date_trunc('week', CAST("Date" AS TIMESTAMP_NTZ)) AS DATE) AS cx_period,
       'csat' AS cx_metric,
       CAST("Satisfaction" AS VARCHAR) AS cx_answer,
       CAST(NULL AS VARCHAR) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(CAST("w" AS DOUBLE)) AS cx_weight,
       SUM(CAST("w" AS DOUBLE) * CAST("w" AS DOUBLE)) AS cx_weight_sq
FROM "shop"."responses"
WHERE CAST("w" AS DOUBLE) > 0 AND CAST("w" AS DOUBLE) < CAST('inf' AS DOUBLE)
GROUP BY CAST("Re""gion`" AS VARCHAR), CAST(date_trunc('week', CAST("Date" AS TIMESTAMP_NTZ)) AS DATE), CAST("Satisfaction" AS VARCHAR)
UNION ALL
SELECT CAST("Re""gion`" AS VARCHAR) AS "Re""gion`",
       CAST(date_trunc('week', CAST("Date" AS TIMESTAMP_NTZ)) AS DATE) AS cx_period,
       'reopened' AS cx_metric,
       CAST("Reopens" AS VARCHAR) AS cx_answer,
       CAST("Status" AS VARCHAR) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(CAST("w" AS DOUBLE)) AS cx_weight,
       SUM(CAST("w" AS DOUBLE) * CAST("w" AS DOUBLE)) AS cx_weight_sq
FROM "shop"."responses"
WHERE CAST("w" AS DOUBLE) > 0 AND CAST("w" AS DOUBLE) < CAST('inf' AS DOUBLE)
GROUP BY CAST("Re""gion`" AS VARCHAR), CAST(date_trunc('week', CAST("Date" AS TIMESTAMP_NTZ)) AS DATE), CAST("Reopens" AS VARCHAR), CAST("Status" AS VARCHAR)
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
WHERE NOT COALESCE(CAST("w" AS DOUBLE) > 0 AND CAST("w" AS DOUBLE) < CAST('inf' AS DOUBLE), FALSE)
