-- Every segmented customer is either in the marketing audiences or excluded with a reason.
with

segments as (

    select count(*) as customer_total from {{ ref('customer_segments') }}

),

audiences as (

    select count(*) as customer_total from {{ ref('marketing_audiences') }}

),

exclusions as (

    select count(*) as customer_total from {{ ref('marketing_audience_exclusions') }}

)

select
    segments.customer_total as segmented_customers,
    audiences.customer_total as audience_customers,
    exclusions.customer_total as excluded_customers
from segments
cross join audiences
cross join exclusions
where segments.customer_total != audiences.customer_total + exclusions.customer_total
