-- Within each segment, the shares of every profile dimension add up to 1.
with

mix as (

    select * from {{ ref('segment_mix') }}

),

totals as (

    select
        mix.segment_id,
        mix.dimension,
        sum(mix.share_of_segment) as total_share
    from mix
    group by mix.segment_id, mix.dimension

)

select * from totals
where abs(total_share - 1) > 1e-9
