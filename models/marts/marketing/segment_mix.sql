{#- var `profile_dimensions`: each is a column of int_customer_segment_features or the name of
    an extra input column (an `attributes` key); anything else fails the build. -#}
{%- set segmented_relation = ref('int_customer_segment_features') -%}
{%- set dimensions = var('profile_dimensions') -%}
{%- set columns = [] -%}
{%- if execute -%}
    {%- set columns = adapter.get_columns_in_relation(segmented_relation)
        | map(attribute='name') | map('lower') | list -%}
    {%- set attribute_names = run_query(
        'select distinct explode(map_keys(attributes)) from ' ~ segmented_relation
    ).columns[0].values() | list -%}
    {%- for name in dimensions if name not in columns and name not in attribute_names -%}
        {{ exceptions.raise_compiler_error(
            "var `profile_dimensions` names '" ~ name ~ "', which is neither a column of "
            ~ "customer_features nor an extra column of the input; its extra columns are "
            ~ (attribute_names | sort)
        ) }}
    {%- endfor -%}
{%- endif -%}

with

segmented as (

    select * from {{ segmented_relation }}

),

counted as (

    {%- for dimension in dimensions %}
        {%- if dimension in columns or not execute %}
            {%- set value = 'segmented.' ~ dimension %}
        {%- else %}
            {%- set value = "segmented.attributes['" ~ dimension ~ "']" %}
        {%- endif %}
        select
            segmented.segment_id,
            '{{ dimension }}' as dimension,
            coalesce(cast({{ value }} as string), 'unknown') as dimension_value,
            count(*) as customer_count
        from segmented
        group by segmented.segment_id, coalesce(cast({{ value }} as string), 'unknown')
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
