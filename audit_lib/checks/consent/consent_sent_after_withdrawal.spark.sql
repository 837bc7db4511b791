-- Spark SQL has no ASOF JOIN: the consent state in force at send time is the last state event at or
-- before the send in one stream per subject and channel (state events sort before a send at the same
-- instant, as the as-of join's ">=" takes them). The DuckDB text beside it is the reference.
WITH consent_state AS (
  SELECT subject_id, channel, `at`,
         CASE WHEN bool_or(action = 'withdrawn') THEN 'withdrawn' ELSE 'granted' END AS state
  FROM consent_timeline
  WHERE subject_id IS NOT NULL AND channel IS NOT NULL
  GROUP BY subject_id, channel, `at`
), sent AS (
  SELECT m.message_id, m.subject_id, m.channel, m.campaign, m.sent_at FROM marketing_messages m
  JOIN decl_marketing_channels c ON c.channel = m.channel AND c.requires = 'opt_in_consent'
  WHERE m.sent_at >= :period_start AND m.sent_at < :period_end
    AND m.subject_id IS NOT NULL AND m.sent_at IS NOT NULL
), events AS (
  SELECT subject_id, channel, `at` AS t, 0 AS kind, named_struct('state', state, 'at', `at`) AS state,
         CAST(NULL AS STRING) AS message_id, CAST(NULL AS STRING) AS campaign
  FROM consent_state
  UNION ALL
  SELECT subject_id, channel, sent_at, 1, NULL, CAST(message_id AS STRING), CAST(campaign AS STRING) FROM sent
), placed AS (
  SELECT *, last_value(state, true) OVER (PARTITION BY subject_id, channel ORDER BY t, kind
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS in_force
  FROM events
)
SELECT 'marketing_messages/' || message_id AS record_ref, subject_id, t AS event_at,
       message_id, channel, campaign, in_force.`at` AS withdrawn_at
FROM placed
WHERE kind = 1 AND in_force.state = 'withdrawn'
ORDER BY event_at NULLS LAST, message_id NULLS LAST
