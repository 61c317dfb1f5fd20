-- cxscore counts (bigquery): save the result and score it with cxscore score --tallies COUNTS -c CONFIG --by 'Re"gion`' --period week --weight w
SELECT CAST(`Re"gion\`` AS STRING) AS `Re"gion\``,
       DATE_TRUNC(DATE(SAFE_CAST(`Date` AS DATETIME)), ISOWEEK) AS cx_period,
       'nps' AS cx_metric,
       CAST(`Recommend` AS STRING) AS cx_answer,
       CAST(NULL AS STRING) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(SAFE_CAST(`w` AS FLOAT64)) AS cx_weight,
       SUM(SAFE_CAST(`w` AS FLOAT64) * SAFE_CAST(`w` AS FLOAT64)) AS cx_weight_sq
FROM `shop.responses`
WHERE SAFE_CAST(`w` AS FLOAT64) > 0 AND SAFE_CAST(`w` AS FLOAT64) < CAST('inf' AS FLOAT64)
GROUP BY CAST(`Re"gion\`` AS STRING), DATE_TRUNC(DATE(SAFE_CAST(`Date` AS DATETIME)), ISOWEEK), CAST(`Recommend` AS STRING)
UNION ALL
SELECT CAST(`Re"gion\`` AS STRING) AS `Re"gion\``,
       DATE_TRUNC(DATE(SAFE_CAST(`Date` AS DATETIME)), ISOWEEK) AS cx_period,
       'csat' AS cx_metric,
       CAST(`Satisfaction` AS STRING) AS cx_answer,
       CAST(NULL AS STRING) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(SAFE_CAST(`w` AS FLOAT64)) AS cx_weight,
       SUM(SAFE_CAST(`w` AS FLOAT64) * SAFE_CAST(`w` AS FLOAT64)) AS cx_weight_sq
FROM `shop.responses`
WHERE SAFE_CAST(`w` AS FLOAT64) > 0 AND SAFE_CAST(`w` AS FLOAT64) < CAST('inf' AS FLOAT64)
GROUP BY CAST(`Re"gion\`` AS STRING), DATE_TRUNC(DATE(SAFE_CAST(`Date` AS DATETIME)), ISOWEEK), CAST(`Satisfaction` AS STRING)
UNION ALL
SELECT CAST(`Re"gion\`` AS STRING) AS `Re"gion\``,
       DATE_TRUNC(DATE(SAFE_CAST(`Date` AS DATETIME)), ISOWEEK) AS cx_period,
       'reopened' AS cx_metric,
       CAST(`Reopens` AS STRING) AS cx_answer,
       CAST(`Status` AS STRING) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(SAFE_CAST(`w` AS FLOAT64)) AS cx_weight,
       SUM(SAFE_CAST(`w` AS FLOAT64) * SAFE_CAST(`w` AS FLOAT64)) AS cx_weight_sq
FROM `shop.responses`
WHERE SAFE_CAST(`w` AS FLOAT64) > 0 AND SAFE_CAST(`w` AS FLOAT64) < CAST('inf' AS FLOAT64)
GROUP BY CAST(`Re"gion\`` AS STRING), DATE_TRUNC(DATE(SAFE_CAST(`Date` AS DATETIME)), ISOWEEK), CAST(`Reopens` AS STRING), CAST(`Status` AS STRING)
UNION ALL
SELECT NULL AS `Re"gion\``,
       NULL AS cx_period,
       CAST(NULL AS STRING) AS cx_metric,
       CAST(NULL AS STRING) AS cx_answer,
       CAST(NULL AS STRING) AS cx_answer_2,
       COUNT(*) AS cx_n,
       NULL AS cx_weight,
       NULL AS cx_weight_sq
FROM `shop.responses`
WHERE NOT COALESCE(SAFE_CAST(`w` AS FLOAT64) > 0 AND SAFE_CAST(`w` AS FLOAT64) < CAST('inf' AS FLOAT64), FALSE)
