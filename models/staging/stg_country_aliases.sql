with

source as (

    select * from {{ ref('country_aliases') }}

),

renamed as (

    select
        -- ids
        upper(trim(country_alias)) as country_alias,
        upper(trim(country_code)) as country_code,

        -- text
        trim(country_name) as country_name

    from source

)

select * from renamed
