{#- Fails on every non-null value that does not match the (Java) regular expression. -#}
{% test matches_regex(model, column_name, regex) %}
    select {{ column_name }} as non_matching_value
    from {{ model }}
    where {{ column_name }} is not null and not {{ column_name }} rlike '{{ regex }}'
{% endtest %}
