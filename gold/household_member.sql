-- gold.household_member: every customer and its household (gold/households.yaml forms them; the engine
-- provides them as the view household_links), with the kinds of evidence that linked the customer to
-- another member (empty for a customer alone in its household).
SELECT customer_id, household_id, evidence
FROM household_links
