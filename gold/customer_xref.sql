-- gold.customer_xref: every source record and its unified customer, with how it was matched.
-- A record's identity (silver.identity_records.signature) joins its customer through linked pairs of
-- silver.scored_pairs; the strongest kind of link that stayed inside the customer names the method
-- (steward > rule > model). Records sharing one identity with another record are "exact" matches.
WITH record_customer AS (
  SELECT r.record_key, r.source, r.source_system, r.record_id, r.signature, m.customer_id
  FROM silver.identity_records r
  JOIN silver.customer_id_map m ON m.record_key = r.record_key
),
identity_customer AS (
  SELECT DISTINCT signature, customer_id FROM record_customer
),
kept_links AS (
  -- linked pairs whose two identities ended in the same customer (a veto split may have cut others)
  SELECT p.l_id, p.r_id, p.decision, p.match_probability
  FROM silver.scored_pairs p
  JOIN identity_customer l ON l.signature = p.l_id
  JOIN identity_customer r ON r.signature = p.r_id AND r.customer_id = l.customer_id
  WHERE p.decision IN ('linked', 'linked_by_rule', 'linked_by_steward')
),
identity_links AS (
  SELECT signature,
         max(CASE decision WHEN 'linked_by_steward' THEN 3 WHEN 'linked_by_rule' THEN 2 ELSE 1 END) AS strength,
         max(CASE WHEN decision = 'linked' THEN match_probability END) AS match_probability
  FROM kept_links
  LATERAL VIEW explode(array(l_id, r_id)) e AS signature
  GROUP BY signature
),
steward_joined AS (
  -- records a steward's newest decision on a pair joined to a record of the same customer
  SELECT DISTINCT k.joined_key AS record_key FROM (
    SELECT record_key_l, record_key_r, decision,
           row_number() OVER (PARTITION BY least(record_key_l, record_key_r), greatest(record_key_l, record_key_r)
                              ORDER BY decided_at DESC) AS nth
    FROM silver.steward_decisions) d
  JOIN record_customer l ON l.record_key = d.record_key_l
  JOIN record_customer r ON r.record_key = d.record_key_r AND r.customer_id = l.customer_id
  LATERAL VIEW explode(array(d.record_key_l, d.record_key_r)) k AS joined_key
  WHERE d.nth = 1 AND d.decision = 'match'
),
sizes AS (
  SELECT customer_id,
         count(*) AS records,
         count(DISTINCT signature) AS identities
  FROM record_customer
  GROUP BY customer_id
)
SELECT c.record_key,
       c.source,
       c.source_system,
       c.record_id,
       c.customer_id,
       CASE
         WHEN l.strength = 3 OR (s.record_key IS NOT NULL AND z.identities > 1) THEN 'steward'
         WHEN l.strength = 2 THEN 'rule'
         WHEN l.strength = 1 THEN 'model'
         WHEN z.records > 1 THEN 'exact'
         ELSE 'single'
       END AS match_method,
       CASE
         WHEN l.match_probability IS NOT NULL THEN l.match_probability
         WHEN l.strength IS NULL AND z.records > 1 THEN 1.0D
       END AS match_probability
FROM record_customer c
JOIN sizes z ON z.customer_id = c.customer_id
LEFT JOIN identity_links l ON l.signature = c.signature
LEFT JOIN steward_joined s ON s.record_key = c.record_key
