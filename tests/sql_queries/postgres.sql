-- cxscore counts (postgres): save the result and score it with cxscore score --tallies COUNTS -c CONFIG --by 'Re"gion`' --period week --weight w
SELECT CAST("Re""gion`" AS text) AS "Re""gion`",
       CAST(date_trunc('week', CAST("Date" AS timestamp)) AS DATE) AS cx_period,
       'nps' AS cx_metric,
       CAST("Recommend" AS text) AS cx_answer,
       CAST(NULL AS text) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(CAST("w" AS double precision)) AS cx_weight,
       SUM(CAST("w" AS double precision) * CAST("w" AS double precision)) AS cx_weight_sq
FROM "shop"."responses"
WHERE CAST("w" AS double precision) > 0 AND CAST("w" AS double precision) < CAST('Infinity' AS double precision)
GROUP BY CAST("Re""gion`" AS text), CAST(date_trunc('week', CAST("Date" AS timestamp)) AS DATE), CAST("Recommend" AS text)
UNION ALL
SELECT CAST("Re""gion`" AS text) AS "Re""gion`",
       CAST(date_trunc('week', CAST("Date" AS timestamp)) AS DATE) AS cx_period,
       'csat' AS cx_metric,
       CAST("Satisfaction" AS text) AS cx_answer,
       CAST(NULL AS text) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(CAST("w" AS double precision)) AS cx_weight,
       SUM(CAST("w" AS double precision) * CAST("w" AS double precision)) AS cx_weight_sq
FROM "shop"."responses"
WHERE CAST("w" AS double precision) > 0 AND CAST("w" AS double precision) < CAST('Infinity' AS double precision)
GROUP BY CAST("Re""gion`" AS text), CAST(date_trunc('week', CAST("Date" AS timestamp)) AS DATE), CAST("Satisfaction" AS text)
UNION ALL
SELECT CAST("Re""gion`" AS text) AS "Re""gion`",
       CAST(date_trunc('week', CAST("Date" AS timestamp)) AS DATE) AS cx_period,
       'reopened' AS cx_metric,
       CAST("Reopens" AS text) AS cx_answer,
       CAST("Status" AS text) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(CAST("w" AS double precision)) AS cx_weight,
       SUM(CAST("w" AS double precision) * CAST("w" AS double precision)) AS cx_weight_sq
FROM "shop"."responses"
WHERE CAST("w" AS double precision) > 0 AND CAST("w" AS double precision) < CAST('Infinity' AS double precision)
GROUP BY CAST("Re""gion`" AS text), CAST(date_trunc('week', CAST("Date" AS timestamp)) AS DATE), CAST("Reopens" AS text), CAST("Status" AS text)
UNION ALL
SELECT NULL AS "Re""gion`",
       NULL AS cx_period,
       CAST(NULL AS text) AS cx_metric,
       CAST(NULL AS text) AS cx_answer,
       CAST(NULL AS text) AS cx_answer_2,
       COUNT(*) AS cx_n,
       NULL AS cx_weight,
       NULL AS cx_weight_sq
FROM "shop"."responses"
WHERE NOT COALESCE(CAST("w" AS double precision) > 0 AND CAST("w" AS double precision) < CAST('Infinity' AS double precision), FALSE)
