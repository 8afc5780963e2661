-- gold.consent: one row per customer, purpose and channel with the effective status and the event
-- that decided it. Rules: the latest event wins; at the same instant a withdrawal wins; an event for
-- channel 'all' applies to every channel; a do-not-contact request in force withdraws everything.
-- Do-not-contact itself is a row (purpose do_not_contact, channel all): granted = in force.
WITH events AS (
  SELECT x.customer_id, e.consent_event_id, e.purpose, e.channel, e.status, e.event_time, e.capture_source,
         e._source_system AS source_system
  FROM latest_consent_events e
  JOIN customer_xref x ON x.source = 'consent_events' AND x.record_id = e.consent_event_id
),
per_channel AS (
  SELECT e.*, c.channel_applied
  FROM events e
  LATERAL VIEW explode(CASE WHEN e.channel = 'all' THEN array('email', 'sms', 'phone', 'post') ELSE array(e.channel) END) c
    AS channel_applied
  WHERE e.purpose <> 'do_not_contact'
),
latest_choice AS (
  SELECT * FROM (
    SELECT p.*, row_number() OVER (
             PARTITION BY customer_id, purpose, channel_applied
             ORDER BY event_time DESC, CASE status WHEN 'withdrawn' THEN 0 ELSE 1 END, consent_event_id) AS nth
    FROM per_channel p)
  WHERE nth = 1
),
do_not_contact AS (
  -- the latest do-not-contact event per customer: granted puts the request in force, withdrawn lifts it
  SELECT * FROM (
    SELECT e.*, row_number() OVER (
             PARTITION BY customer_id
             ORDER BY event_time DESC, CASE status WHEN 'granted' THEN 0 ELSE 1 END, consent_event_id) AS nth
    FROM events e
    WHERE e.purpose = 'do_not_contact')
  WHERE nth = 1
),
in_force AS (
  SELECT * FROM do_not_contact WHERE status = 'granted'
)
SELECT c.customer_id,
       c.purpose,
       c.channel_applied AS channel,
       CASE WHEN d.customer_id IS NOT NULL THEN 'withdrawn' ELSE c.status END AS status,
       CASE WHEN d.customer_id IS NOT NULL THEN d.event_time ELSE c.event_time END AS decided_at,
       CASE WHEN d.customer_id IS NOT NULL THEN d.source_system ELSE c.source_system END AS decided_by_system,
       CASE WHEN d.customer_id IS NOT NULL THEN d.consent_event_id ELSE c.consent_event_id END AS decided_by_record,
       CASE WHEN d.customer_id IS NOT NULL THEN d.capture_source ELSE c.capture_source END AS capture_source,
       d.customer_id IS NOT NULL AS do_not_contact
FROM latest_choice c
LEFT JOIN in_force d ON d.customer_id = c.customer_id
UNION ALL
SELECT customer_id, purpose, channel, status, event_time, source_system, consent_event_id, capture_source,
       status = 'granted' AS do_not_contact
FROM do_not_contact
