with

segmented as (

    select * from {{ ref('customer_segment_features') }}

),

counted as (

    {%- for dimension in profile_dimensions() + var('profile_dimensions', []) %}
        {%- if dimension in profile_dimensions() %}
            {%- set value = 'segmented.' ~ dimension %}
        {%- else %}
            {%- set value = "segmented.attributes['" ~ dimension ~ "']" %}
        {%- endif %}
        select
            segmented.segment_id,
            '{{ dimension }}' as dimension,
            coalesce({{ value }}, 'unknown') as dimension_value,
            count(*) as customer_count
        from segmented
        group by segmented.segment_id, coalesce({{ value }}, 'unknown')
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        counted.segment_id,
        counted.dimension,
        counted.dimension_value,
        counted.customer_count,
        counted.customer_count / sum(counted.customer_count) over (
            partition by counted.segment_id, counted.dimension
        ) as share_of_segment
    from counted

)

select * from final
