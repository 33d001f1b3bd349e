-- Audience upload for ad platforms: SHA-256 of the normalised e-mail, never the e-mail itself.
with

audiences as (

    select * from {{ ref('marketing_audiences') }}

),

customers as (

    select * from {{ ref('int_customers_cleaned') }}

),

final as (

    select
        sha2(lower(trim(customers.email)), 256) as hashed_email,
        audiences.segment_name,
        audiences.recommended_action,
        audiences.as_of_date
    from audiences
    inner join customers
        on audiences.customer_id = customers.customer_id
    where customers.email is not null

)

select * from final
