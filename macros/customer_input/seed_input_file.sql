{% macro seed_input_file(seed) %}
    {#- A select of one input-files row for a seed: its name, its columns, and the row count
        dbt parsed from its CSV, which the sparkoss seed loader keeps as the table property
        `dbt.parsed_row_count` (null when another adapter loaded it: reconciliation then
        fails). -#}
    {%- set found = namespace(rows='null', columns="cast(array() as array<string>)") -%}
    {%- if execute -%}
        {%- for row in run_query('show tblproperties ' ~ seed).rows
            if row[0] == 'dbt.parsed_row_count' -%}
            {%- set found.rows = row[1] | int -%}
        {%- endfor -%}
        {%- set names = adapter.get_columns_in_relation(seed) | map(attribute='name') | list -%}
        {%- set found.columns = 'array(' ~ quoted_list(names) ~ ')' -%}
    {%- endif -%}
    {{ return(
        "select '" ~ seed ~ "' as source_file, " ~ found.columns ~ " as column_names, "
        ~ "null as byte_count, " ~ found.rows ~ " as record_count"
    ) }}
{% endmacro %}
