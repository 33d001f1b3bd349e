{{ config(materialized='published_table') }}
{#- The previous build's assignments are this model's own previous version ({{ this }}, the
    published view, still pointing at it while the new version is written). -#}
{%- set previous_build = load_relation(this) -%}
-- Per customer of this build or the previous one: its segment then and now, and how it moved.
with

segments as (

    select * from {{ ref('customer_segments') }}

),

previous_build as (

    {%- if previous_build is not none %}
        select
            customer_id,
            current_segment_id as segment_id,
            current_model_version as model_version
        from {{ this }}
        where current_segment_id is not null
    {%- else %}
        select
            customer_id,
            segment_id,
            model_version
        from segments
        where false
    {%- endif %}

),

final as (

    select
        coalesce(segments.customer_id, previous_build.customer_id) as customer_id,
        previous_build.segment_id as previous_segment_id,
        segments.segment_id as current_segment_id,
        previous_build.model_version as previous_model_version,
        segments.model_version as current_model_version,
        case
            when previous_build.customer_id is null then 'new'
            when segments.customer_id is null then 'gone'
            when previous_build.segment_id = segments.segment_id then 'unchanged'
            else 'moved'
        end as transition,
        concat(
            coalesce(cast(previous_build.segment_id as string), 'none'),
            '->',
            coalesce(cast(segments.segment_id as string), 'none')
        ) as transition_key,
        '{{ invocation_id }}' as build_id
    from segments
    full outer join previous_build
        on segments.customer_id = previous_build.customer_id

)

select * from final
