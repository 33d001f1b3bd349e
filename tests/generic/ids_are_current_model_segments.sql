{% test ids_are_current_model_segments(model, column_name, models) %}
    {#- Fails unless `models` (segmentation_models) has exactly one current version and every
        non-null id in `column_name` is one of that version's segment ids (a segment may be
        empty). -#}
    with current_version as (
        select segments
        from {{ models }}
        where is_current
    ),
    expected as (
        select explode(current_version.segments.segment_id) as segment_id
        from current_version
    ),
    used as (
        select distinct {{ column_name }} as segment_id
        from {{ model }}
        where {{ column_name }} is not null
    ),
    compared as (
        select
            coalesce(expected.segment_id, used.segment_id) as segment_id,
            expected.segment_id is not null as is_expected,
            used.segment_id is not null as is_used
        from expected
        full outer join used
            on expected.segment_id = used.segment_id
    )
    select
        compared.segment_id,
        compared.is_expected,
        compared.is_used,
        (select count(*) from current_version) as current_versions
    from compared
    where not compared.is_expected
    union all
    select
        null as segment_id,
        null as is_expected,
        null as is_used,
        (select count(*) from current_version) as current_versions
    where (select count(*) from current_version) != 1
{% endtest %}
