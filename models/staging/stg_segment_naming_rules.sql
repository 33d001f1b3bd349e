with

source as (

    select * from {{ ref('segment_naming_rules') }}

),

renamed as (

    select
        -- ids
        rule_order,

        -- text
        trim(segment_name) as segment_name,
        trim(description) as segment_description,
        trim(recommended_action) as recommended_action,
        lower(trim(recommended_channel)) as recommended_channel,

        -- numerics
        recency_z as prototype_recency_z,
        frequency_z as prototype_frequency_z,
        monetary_z as prototype_monetary_z

    from source

)

select * from renamed
