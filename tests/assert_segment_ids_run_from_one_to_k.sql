-- Segment ids are exactly 1..k for the chosen k: none outside the range, none empty.
with

segments as (

    select * from {{ ref('customer_segments') }}

),

k_selection as (

    select * from {{ ref('segment_k_selection') }}

),

chosen as (

    select k_selection.k from k_selection
    where k_selection.is_chosen

),

used as (

    select
        min(segments.segment_id) as min_segment_id,
        max(segments.segment_id) as max_segment_id,
        count(distinct segments.segment_id) as segments_used
    from segments

)

select
    used.min_segment_id,
    used.max_segment_id,
    used.segments_used,
    chosen.k
from used
cross join chosen
where
    used.min_segment_id != 1
    or used.max_segment_id != chosen.k
    or used.segments_used != chosen.k
