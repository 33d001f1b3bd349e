{% macro input_columns(relation, setting, mapping, parse_time_columns) %}
    {#- An input relation's data columns as [{name, source}] in file order: `source` is the
        column in the input, `name` what `mapping` (the `<setting>.columns` var) renames it
        to, else its snake_case. A mapping to null leaves the column out. Fails naming the
        setting when a mapped column is missing or two columns get the same name. At parse
        time, and for a unit test's fixture CTE, returns `parse_time_columns` unchanged. -#}
    {%- if not execute or (relation | string).startswith('__dbt__cte__') -%}
        {%- set identity = [] -%}
        {%- for name in parse_time_columns -%}
            {%- do identity.append({'name': name, 'source': name}) -%}
        {%- endfor -%}
        {{ return(identity) }}
    {%- endif -%}
    {%- set internal = ['_malformed_record', '_source_file', '_source_row_number'] -%}
    {%- set sources = adapter.get_columns_in_relation(relation)
        | map(attribute='name') | reject('in', internal) | list -%}
    {%- set lowered = sources | map('lower') | list -%}
    {%- for mapped in mapping if mapped | lower not in lowered -%}
        {{ exceptions.raise_compiler_error(
            "`" ~ setting ~ ".columns` maps '" ~ mapped ~ "', which is not a column of "
            ~ relation ~ "; its columns are " ~ sources
        ) }}
    {%- endfor -%}
    {%- set by_lower = {} -%}
    {%- for mapped, target in mapping.items() -%}
        {%- do by_lower.update({mapped | lower: target}) -%}
    {%- endfor -%}
    {%- set columns = [] -%}
    {%- set seen = {} -%}
    {%- for source in sources -%}
        {%- set target = by_lower.get(source | lower, snake_case(source)) -%}
        {%- if target is not none and target != '' -%}
            {%- if not modules.re.match('^[a-z_][a-z0-9_]*$', target) -%}
                {{ exceptions.raise_compiler_error(
                    "`" ~ setting ~ ".columns` maps '" ~ source ~ "' to '" ~ target
                    ~ "'; names must be lower-case identifiers ([a-z_][a-z0-9_]*)"
                ) }}
            {%- endif -%}
            {%- if target in seen -%}
                {{ exceptions.raise_compiler_error(
                    "`" ~ setting ~ ".columns`: input columns '" ~ seen[target] ~ "' and '"
                    ~ source ~ "' both become '" ~ target ~ "'; map one of them to another name"
                ) }}
            {%- endif -%}
            {%- do seen.update({target: source}) -%}
            {%- do columns.append({'name': target, 'source': source}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
