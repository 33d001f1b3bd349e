{% test ids_run_from_one_to_chosen_k(model, column_name, k_selection) %}
    {#- Fails unless exactly one k of `k_selection` is chosen and the ids in `column_name` are
        exactly 1..k: none outside the range, none missing. -#}
    with chosen as (
        select count(*) as chosen_count, max(k) as chosen_k
        from {{ k_selection }}
        where is_chosen
    ),

    used as (
        select
            min({{ column_name }}) as min_id,
            max({{ column_name }}) as max_id,
            count(distinct {{ column_name }}) as distinct_ids
        from {{ model }}
    )

    select
        chosen.chosen_count,
        chosen.chosen_k,
        used.min_id,
        used.max_id,
        used.distinct_ids
    from chosen
    cross join used
    where
        chosen.chosen_count != 1
        or not (used.min_id <=> 1)
        or not (used.max_id <=> chosen.chosen_k)
        or not (used.distinct_ids <=> chosen.chosen_k)
{% endtest %}
