-- gold.household: one row per household: its members, the address most of them live at, the phone
-- and e-mail two or more of them share (their golden values), when it was first and last seen, and the
-- orders and revenue of all its members (customer_360).
WITH members AS (
  SELECT m.household_id, c.customer_id, c.house_number, c.street, c.unit, c.city, c.state, c.postcode,
         c.phone, c.email, c.first_seen, c.last_seen, x.order_count, x.revenue, x.last_order_at
  FROM household_member m
  JOIN customer c ON c.customer_id = m.customer_id
  JOIN customer_360 x ON x.customer_id = m.customer_id
),
address AS (
  -- the address most members hold; ties: the one seen last, then the smallest
  SELECT * FROM (
    SELECT household_id, house_number, street, unit, city, state, postcode,
           row_number() OVER (PARTITION BY household_id
                              ORDER BY count(*) DESC, max(last_seen) DESC, street, house_number, unit, postcode) AS nth
    FROM members
    WHERE street IS NOT NULL
    GROUP BY household_id, house_number, street, unit, city, state, postcode)
  WHERE nth = 1
),
phones AS (
  SELECT * FROM (
    SELECT household_id, phone,
           row_number() OVER (PARTITION BY household_id ORDER BY count(*) DESC, phone) AS nth
    FROM members
    WHERE phone IS NOT NULL
    GROUP BY household_id, phone
    HAVING count(*) >= 2)
  WHERE nth = 1
),
emails AS (
  SELECT * FROM (
    SELECT household_id, email,
           row_number() OVER (PARTITION BY household_id ORDER BY count(*) DESC, email) AS nth
    FROM members
    WHERE email IS NOT NULL
    GROUP BY household_id, email
    HAVING count(*) >= 2)
  WHERE nth = 1
),
totals AS (
  SELECT household_id,
         count(*) AS member_count,
         array_sort(collect_list(customer_id)) AS members,
         min(first_seen) AS first_seen,
         max(last_seen) AS last_seen,
         sum(order_count) AS order_count,
         CAST(sum(revenue) AS DECIMAL(14, 2)) AS revenue,
         max(last_order_at) AS last_order_at
  FROM members
  GROUP BY household_id
)
SELECT t.household_id,
       t.member_count,
       t.members,
       a.house_number, a.street, a.unit, a.city, a.state, a.postcode,
       p.phone AS shared_phone,
       e.email AS shared_email,
       t.first_seen,
       t.last_seen,
       t.order_count,
       t.revenue,
       t.last_order_at
FROM totals t
LEFT JOIN address a ON a.household_id = t.household_id
LEFT JOIN phones p ON p.household_id = t.household_id
LEFT JOIN emails e ON e.household_id = t.household_id
