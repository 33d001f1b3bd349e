-- The name of every segment of the current model version, with its rule's playbook.
with

registry as (

    select * from {{ ref('segment_registry') }}

),

candidates as (

    select * from {{ ref('int_segment_name_candidates') }}

),

final as (

    select
        registry.segment_id,
        registry.rule_order,
        registry.segment_name,
        candidates.match_distance,
        candidates.segment_description,
        candidates.recommended_action,
        candidates.recommended_channel
    from registry
    left join candidates
        on
            registry.segment_id = candidates.segment_id
            and registry.rule_order = candidates.rule_order
    where registry.is_active

)

select * from final
