-- This build's transition matrix: customers from each previous segment to each segment now.
with

transitions as (

    select * from {{ ref('segment_transitions') }}

),

final as (

    select
        transitions.transition_key,
        transitions.previous_segment_id,
        transitions.current_segment_id,
        transitions.transition,
        count(*) as customer_count,
        max(transitions.build_id) as build_id
    from transitions
    group by
        transitions.transition_key,
        transitions.previous_segment_id,
        transitions.current_segment_id,
        transitions.transition

)

select * from final
