{#- Columns come from the input itself (the seed or the customers_file model) through the
    `customers_input.columns` mapping: canonical columns the input lacks are null, any other
    column is carried in `attributes`. See macros/customer_input/. -#}
{%- set settings = customers_input_settings() -%}
{%- set input = customers_input_relation() -%}
{%- set columns = customer_input_columns(input) -%}
{%- set canonical = customer_canonical_columns() -%}
{%- set source_of = {} -%}
{%- for column in columns -%}
    {%- do source_of.update({column.name: column.source}) -%}
{%- endfor -%}
{%- set attributes = columns | rejectattr('name', 'in', canonical) | list -%}
{%- set key_columns = settings['key_columns'] or (source_of.keys() | sort) -%}
{%- if execute -%}
    {%- for name in key_columns if name not in source_of -%}
        {{ exceptions.raise_compiler_error(
            "`customers_input.key_columns` names '" ~ name ~ "', which is not a column of the "
            ~ "input after mapping; its columns are " ~ (source_of.keys() | list)
        ) }}
    {%- endfor -%}
    {%- for name in var('profile_dimensions', []) if name not in attributes | map(attribute='name') -%}
        {{ exceptions.raise_compiler_error(
            "var `profile_dimensions` names '" ~ name ~ "', which is not an extra column of the "
            ~ "input; its extra columns are " ~ (attributes | map(attribute='name') | list)
        ) }}
    {%- endfor -%}
{%- endif -%}


with

source as (

    select * from {{ input }}

),

with_row_identity as (

    select
        source.*,
        sha2(
            concat_ws(
                '|',
                {%- for column in columns %}
                    coalesce(cast(source.`{{ column.source }}` as string), '<null>')
                    {{- "," if not loop.last }}
                {%- endfor %}
            ),
            256
        ) as raw_row_hash
    from source

),

renamed as (

    select
        -- ids
        concat(
            raw_row_hash,
            '-',
            row_number() over (partition by raw_row_hash order by raw_row_hash)
        ) as customer_row_id,
        raw_row_hash,
        {%- if 'customer_id' in source_of %}
            {{ input_text(source_of, 'customer_id') }} as customer_id,
            false as is_customer_id_surrogate,
        {%- else %}
            concat(
                'cust_',
                substr(
                    sha2(
                        to_json(array(
                            {%- for name in key_columns %}
                                {{ input_text(source_of, name) }}{{ "," if not loop.last }}
                            {%- endfor %}
                        )),
                        256
                    ),
                    1,
                    16
                )
            ) as customer_id,
            true as is_customer_id_surrogate,
        {%- endif %}
        {%- if settings['path'] is none %}
            cast(null as int) as source_row_number,
            cast(null as string) as malformed_record,
        {%- else %}
            _source_row_number as source_row_number,
            _malformed_record as malformed_record,
        {%- endif %}

        -- text
        regexp_replace({{ input_text(source_of, 'full_name') }}, '\\s+', ' ') as full_name,
        initcap({{ input_text(source_of, 'first_name') }}) as first_name,
        initcap({{ input_text(source_of, 'last_name') }}) as last_name,
        lower({{ input_text(source_of, 'email') }}) as email,
        lower({{ input_text(source_of, 'gender') }}) as gender,
        {{ input_text(source_of, 'country') }} as country,
        initcap({{ input_text(source_of, 'city') }}) as city,
        lower({{ input_text(source_of, 'preferred_channel') }}) as preferred_channel,
        lower({{ input_text(source_of, 'marketing_opt_in') }}) as marketing_opt_in,

        -- numerics
        try_cast({{ input_text(source_of, 'annual_income') }} as double) as annual_income_amount,
        try_cast({{ input_text(source_of, 'spending_score') }} as int) as spending_score,
        try_cast({{ input_text(source_of, 'total_orders') }} as int) as order_count,
        try_cast({{ input_text(source_of, 'total_items') }} as int) as item_count,
        try_cast({{ input_text(source_of, 'total_spend') }} as double) as total_spend_amount,
        try_cast({{ input_text(source_of, 'age') }} as int) as age,

        -- dates
        try_cast({{ input_text(source_of, 'birth_date') }} as date) as birth_date,
        try_cast({{ input_text(source_of, 'signup_date') }} as date) as signup_date,
        try_cast({{ input_text(source_of, 'last_order_date') }} as date) as last_order_date,

        -- every other input column, by its mapped name (trimmed text, blank = null)
        {%- if attributes %}
            map(
                {%- for column in attributes %}
                    '{{ column.name }}', {{ input_text(source_of, column.name) }}{{ "," if not loop.last }}
                {%- endfor %}
            ) as attributes,
        {%- else %}
            -- sqlfluff's sparksql grammar does not know the map() constructor
            cast(map() as map<string, string>) as attributes,  -- noqa: LT01, RF04
        {%- endif %}

        -- what the input carries: without purchase history it is a demographic file
        {{ purchase_history_columns() | select('in', source_of) | list | length > 0 }}
            as has_purchase_history_input,

        -- values present but not parseable as their type (nulled above)
        filter(
            array(
                {%- for name, type in canonical.items() if type != 'string' %}
                    {%- if name in source_of %}
                        if(
                            {{ input_text(source_of, name) }} is not null
                            and try_cast({{ input_text(source_of, name) }} as {{ type }}) is null,
                            '{{ name }}',
                            null
                        ),
                    {%- endif %}
                {%- endfor %}
                cast(null as string)
            ),
            parsed_column -> parsed_column is not null
        ) as unparseable_columns

    from with_row_identity

)

select * from renamed
