with

source as (

    select * from {{ ref('marketing_channels') }}

),

renamed as (

    select
        -- ids
        lower(trim(source.channel)) as channel,

        -- text
        trim(source.description) as channel_description

    from source

)

select * from renamed
