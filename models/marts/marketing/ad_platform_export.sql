-- Audience upload for ad platforms: one row per SHA-256 of a normalised e-mail, never the
-- e-mail itself. An address shared by several customers (a household) goes to the audience
-- of the lowest segment id among them (segment 1 ranks highest on `order_by`).
with

audiences as (

    select * from {{ ref('marketing_audiences') }}

),

ranked as (

    select
        audiences.hashed_email,
        audiences.segment_name,
        audiences.recommended_action,
        audiences.as_of_date,
        count(*) over (partition by audiences.hashed_email) as customer_count,
        row_number() over (
            partition by audiences.hashed_email
            order by audiences.segment_id asc, audiences.customer_id asc
        ) as email_rank
    from audiences
    where audiences.hashed_email is not null

),

final as (

    select
        ranked.hashed_email,
        ranked.segment_name,
        ranked.recommended_action,
        ranked.customer_count,
        ranked.as_of_date
    from ranked
    where ranked.email_rank = 1

)

select * from final
