-- gold.customer_360: behaviour metrics per unified customer as of the run (run_context.as_of).
-- Revenue is in USD: the fx table below converts other currencies (replace it with your rates table);
-- an order in an unlisted currency counts as an order but adds no revenue. Household figures sum the
-- members of the customer's household (gold.household_member).
WITH ctx AS (
  SELECT as_of FROM run_context
),
fx AS (
  SELECT * FROM VALUES ('USD', 1.00), ('CAD', 0.73) AS fx(currency, usd_rate)
),
orders AS (
  SELECT x.customer_id, o.order_time, o.status, o.total_amount * fx.usd_rate AS amount_usd
  FROM latest_ecommerce_orders o
  JOIN customer_xref x ON x.source = 'ecommerce_orders' AND x.record_id = o.order_id
  LEFT JOIN fx ON fx.currency = o.currency
  CROSS JOIN ctx
  WHERE o.order_time <= ctx.as_of
),
order_stats AS (
  SELECT customer_id,
         count_if(status <> 'cancelled') AS order_count,
         sum(CASE WHEN status NOT IN ('cancelled', 'returned') THEN amount_usd END) AS revenue,
         count_if(status NOT IN ('cancelled', 'returned') AND amount_usd IS NOT NULL) AS revenue_orders,
         min(CASE WHEN status <> 'cancelled' THEN order_time END) AS first_order_at,
         max(CASE WHEN status <> 'cancelled' THEN order_time END) AS last_order_at
  FROM orders
  GROUP BY customer_id
),
buyers AS (
  SELECT s.*,
         datediff(ctx.as_of, s.last_order_at) AS recency_days,
         datediff(ctx.as_of, s.first_order_at) AS tenure_days,
         CASE WHEN s.order_count >= 2
              THEN greatest(datediff(s.last_order_at, s.first_order_at) / (s.order_count - 1), 7)
              ELSE 180 END AS expected_gap_days
  FROM order_stats s
  CROSS JOIN ctx
  WHERE s.order_count > 0
),
cutoffs AS (
  -- quintile boundaries among buyers; a score counts the boundaries a customer is past
  SELECT approx_percentile(recency_days, array(0.2, 0.4, 0.6, 0.8)) AS recency,
         approx_percentile(order_count, array(0.2, 0.4, 0.6, 0.8)) AS frequency,
         approx_percentile(coalesce(revenue, 0), array(0.2, 0.4, 0.6, 0.8)) AS monetary
  FROM buyers
),
rfm AS (
  SELECT b.*,
         5 - size(filter(c.recency, x -> b.recency_days > x)) AS rfm_recency,
         1 + size(filter(c.frequency, x -> b.order_count > x)) AS rfm_frequency,
         1 + size(filter(c.monetary, x -> coalesce(b.revenue, 0) > x)) AS rfm_monetary,
         1 - exp(-b.recency_days / b.expected_gap_days) AS churn_risk
  FROM buyers b
  CROSS JOIN cutoffs c
),
tickets AS (
  SELECT x.customer_id,
         count(*) AS tickets_total,
         count_if(t.status IN ('open', 'pending')) AS tickets_open,
         count_if(t.created_at > ctx.as_of - INTERVAL 90 DAYS) AS tickets_90d,
         max(t.created_at) AS last_ticket_at,
         avg(t.satisfaction) AS avg_satisfaction
  FROM latest_support_tickets t
  JOIN customer_xref x ON x.source = 'support_tickets' AND x.record_id = t.ticket_id
  CROSS JOIN ctx
  WHERE t.created_at <= ctx.as_of
  GROUP BY x.customer_id
),
device_owner AS (
  -- a device (anonymous_id) belongs to the customer who identified on it most often
  SELECT anonymous_id, customer_id FROM (
    SELECT w.anonymous_id, x.customer_id,
           row_number() OVER (PARTITION BY w.anonymous_id ORDER BY count(*) DESC, x.customer_id) AS nth
    FROM latest_web_events w
    JOIN customer_xref x ON x.source = 'web_events' AND x.record_id = w.event_id
    GROUP BY w.anonymous_id, x.customer_id)
  WHERE nth = 1
),
recent_events AS (
  SELECT d.customer_id, w.anonymous_id, w.event_time,
         CASE WHEN w.event_time > lag(w.event_time) OVER (PARTITION BY w.anonymous_id ORDER BY w.event_time)
                                  + INTERVAL 30 MINUTES
                OR lag(w.event_time) OVER (PARTITION BY w.anonymous_id ORDER BY w.event_time) IS NULL
              THEN 1 ELSE 0 END AS starts_session
  FROM latest_web_events w
  JOIN device_owner d ON d.anonymous_id = w.anonymous_id
  CROSS JOIN ctx
  WHERE w.event_time > ctx.as_of - INTERVAL 30 DAYS AND w.event_time <= ctx.as_of
),
web AS (
  SELECT customer_id, sum(starts_session) AS sessions_30d, count(*) AS events_30d
  FROM recent_events
  GROUP BY customer_id
),
households AS (
  -- household_member is built before this table (gold/tables.yaml)
  SELECT customer_id, household_id, count(*) OVER (PARTITION BY household_id) AS household_size
  FROM household_member
),
last_seen AS (
  SELECT d.customer_id, max(w.event_time) AS last_seen_at
  FROM latest_web_events w
  JOIN device_owner d ON d.anonymous_id = w.anonymous_id
  CROSS JOIN ctx
  WHERE w.event_time <= ctx.as_of
  GROUP BY d.customer_id
)
SELECT c.customer_id,
       coalesce(o.order_count, 0) AS order_count,
       CAST(coalesce(o.revenue, 0) AS DECIMAL(14, 2)) AS revenue,
       CAST(o.revenue / nullif(o.revenue_orders, 0) AS DECIMAL(14, 2)) AS avg_order_value,
       o.first_order_at,
       o.last_order_at,
       o.recency_days,
       o.rfm_recency,
       o.rfm_frequency,
       o.rfm_monetary,
       concat(o.rfm_recency, o.rfm_frequency, o.rfm_monetary) AS rfm_score,
       coalesce(t.tickets_total, 0) AS tickets_total,
       coalesce(t.tickets_open, 0) AS tickets_open,
       coalesce(t.tickets_90d, 0) AS tickets_90d,
       t.last_ticket_at,
       t.avg_satisfaction,
       coalesce(w.sessions_30d, 0) AS sessions_30d,
       coalesce(w.events_30d, 0) AS events_30d,
       l.last_seen_at,
       CASE
         WHEN o.customer_id IS NULL THEN 'prospect'
         WHEN o.tenure_days <= 90 THEN 'new'
         WHEN o.recency_days <= 180 THEN 'active'
         WHEN o.recency_days <= 365 THEN 'at_risk'
         ELSE 'lapsed'
       END AS lifecycle_stage,
       o.churn_risk,
       CAST(coalesce(o.revenue + o.revenue / greatest(o.tenure_days / 365.25, 0.25) * 3 * (1 - o.churn_risk), 0)
            AS DECIMAL(14, 2)) AS ltv_estimate,
       coalesce(h.household_size, 1) AS household_size,
       CAST(sum(coalesce(o.revenue, 0)) OVER (PARTITION BY coalesce(h.household_id, c.customer_id))
            AS DECIMAL(14, 2)) AS household_revenue
FROM customer c
LEFT JOIN rfm o ON o.customer_id = c.customer_id
LEFT JOIN tickets t ON t.customer_id = c.customer_id
LEFT JOIN web w ON w.customer_id = c.customer_id
LEFT JOIN last_seen l ON l.customer_id = c.customer_id
LEFT JOIN households h ON h.customer_id = c.customer_id
