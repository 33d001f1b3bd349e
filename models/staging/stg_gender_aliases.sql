with

source as (

    select * from {{ ref('gender_aliases') }}

),

renamed as (

    select
        -- ids
        lower(trim(source.gender_alias)) as gender_alias,

        -- text
        lower(trim(source.gender)) as gender

    from source

)

select * from renamed
