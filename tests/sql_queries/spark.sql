-- cxscore counts (spark): save the result and score it with cxscore score --tallies COUNTS -c CONFIG --by 'Re"gion`' --period week --weight w
SELECT CAST(`Re"gion``` AS STRING) AS `Re"gion```,
       CAST(date_trunc('week', CAST(`Date` AS TIMESTAMP)) AS DATE) AS cx_period,
       'nps' AS cx_metric,
       CAST(`Recommend` AS STRING) AS cx_answer,
       CAST(NULL AS STRING) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(CAST(`w` AS DOUBLE)) AS cx_weight,
       SUM(CAST(`w` AS DOUBLE) * CAST(`w` AS DOUBLE)) AS cx_weight_sq
FROM `shop`.`responses`
WHERE CAST(`w` AS DOUBLE) > 0 AND CAST(`w` AS DOUBLE) < CAST('Infinity' AS DOUBLE)
GROUP BY CAST(`Re"gion``` AS STRING), CAST(date_trunc('week', CAST(`Date` AS TIMESTAMP)) AS DATE), CAST(`Recommend` AS STRING)
UNION ALL
SELECT CAST(`Re"gion``` AS STRING) AS `Re"gion```,
       CAST(date_trunc('week', CAST(`Date` AS TIMESTAMP)) AS DATE) AS cx_period,
       'csat' AS cx_metric,
       CAST(`Satisfaction` AS STRING) AS cx_answer,
       CAST(NULL AS STRING) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(CAST(`w` AS DOUBLE)) AS cx_weight,
       SUM(CAST(`w` AS DOUBLE) * CAST(`w` AS DOUBLE)) AS cx_weight_sq
FROM `shop`.`responses`
WHERE CAST(`w` AS DOUBLE) > 0 AND CAST(`w` AS DOUBLE) < CAST('Infinity' AS DOUBLE)
GROUP BY CAST(`Re"gion``` AS STRING), CAST(date_trunc('week', CAST(`Date` AS TIMESTAMP)) AS DATE), CAST(`Satisfaction` AS STRING)
UNION ALL
SELECT CAST(`Re"gion``` AS STRING) AS `Re"gion```,
       CAST(date_trunc('week', CAST(`Date` AS TIMESTAMP)) AS DATE) AS cx_period,
       'reopened' AS cx_metric,
       CAST(`Reopens` AS STRING) AS cx_answer,
       CAST(`Status` AS STRING) AS cx_answer_2,
       COUNT(*) AS cx_n,
       SUM(CAST(`w` AS DOUBLE)) AS cx_weight,
       SUM(CAST(`w` AS DOUBLE) * CAST(`w` AS DOUBLE)) AS cx_weight_sq
FROM `shop`.`responses`
WHERE CAST(`w` AS DOUBLE) > 0 AND CAST(`w` AS DOUBLE) < CAST('Infinity' AS DOUBLE)
GROUP BY CAST(`Re"gion``` AS STRING), CAST(date_trunc('week', CAST(`Date` AS TIMESTAMP)) AS DATE), CAST(`Reopens` AS STRING), CAST(`Status` AS STRING)
UNION ALL
SELECT NULL AS `Re"gion```,
       NULL AS cx_period,
       CAST(NULL AS STRING) AS cx_metric,
       CAST(NULL AS STRING) AS cx_answer,
       CAST(NULL AS STRING) AS cx_answer_2,
       COUNT(*) AS cx_n,
       NULL AS cx_weight,
       NULL AS cx_weight_sq
FROM `shop`.`responses`
WHERE NOT COALESCE(CAST(`w` AS DOUBLE) > 0 AND CAST(`w` AS DOUBLE) < CAST('Infinity' AS DOUBLE), FALSE)
