-- gold.customer: one row per unified customer: golden attributes (silver.golden_records), where the
-- customer's records come from, when they were first and last seen, and the consent summary.
WITH footprint AS (
  SELECT m.customer_id,
         count(*) AS record_count,
         min(r.record_time) AS first_seen,
         max(r.record_time) AS last_seen
  FROM silver.customer_id_map m
  JOIN silver.identity_records r ON r.record_key = m.record_key
  GROUP BY m.customer_id
),
consent_summary AS (
  SELECT customer_id,
         bool_or(purpose = 'do_not_contact' AND status = 'granted') AS do_not_contact,
         bool_or(purpose = 'marketing' AND channel = 'email' AND status = 'granted') AS marketing_email,
         bool_or(purpose = 'marketing' AND channel = 'sms' AND status = 'granted') AS marketing_sms,
         bool_or(purpose = 'marketing' AND channel = 'phone' AND status = 'granted') AS marketing_phone,
         bool_or(purpose = 'marketing' AND channel = 'post' AND status = 'granted') AS marketing_post
  FROM consent
  GROUP BY customer_id
)
SELECT g.customer_id,
       g.given_name, g.surname, g.email, g.phone, g.birth_date,
       g.house_number, g.street, g.unit, g.city, g.state, g.postcode,
       g.source_systems,
       f.record_count,
       f.first_seen,
       f.last_seen,
       coalesce(c.do_not_contact, false) AS do_not_contact,
       coalesce(c.marketing_email, false) AS marketing_email,
       coalesce(c.marketing_sms, false) AS marketing_sms,
       coalesce(c.marketing_phone, false) AS marketing_phone,
       coalesce(c.marketing_post, false) AS marketing_post
FROM silver.golden_records g
JOIN footprint f ON f.customer_id = g.customer_id
LEFT JOIN consent_summary c ON c.customer_id = g.customer_id
