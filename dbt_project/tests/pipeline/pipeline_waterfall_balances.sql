-- A failure means a row of pipeline_waterfall does not balance: start + created + moved in
-- - won - lost - moved out + amount changes is not exactly its end amount, so some movement
-- of a deal was lost, counted twice, or valued differently in two places.
select
    pipeline_waterfall_id,
    start_amount,
    created_amount,
    moved_in_amount,
    won_amount,
    lost_amount,
    moved_out_amount,
    amount_change,
    end_amount,
    start_amount + created_amount + moved_in_amount - won_amount - lost_amount
    - moved_out_amount + amount_change - end_amount as imbalance
from {{ ref('pipeline_waterfall') }}
where
    start_amount + created_amount + moved_in_amount - won_amount - lost_amount
    - moved_out_amount + amount_change <> end_amount
