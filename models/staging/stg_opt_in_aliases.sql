with

source as (

    select * from {{ ref('opt_in_aliases') }}

),

renamed as (

    select
        -- ids
        lower(trim(source.opt_in_alias)) as opt_in_alias,

        -- booleans
        source.is_marketing_opt_in

    from source

)

select * from renamed
