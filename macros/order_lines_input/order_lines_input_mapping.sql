{% macro order_lines_input_mapping(relation) %}
    {#- How the order-lines input maps onto the canonical columns: `columns` ([{name, source}],
        see input_columns) and `source_of` (canonical name -> input column). Fails naming
        `transactions_input.columns` when a required column is missing after mapping. At parse
        time every canonical column maps to itself. -#}
    {%- set canonical = order_line_canonical_columns() -%}
    {%- set columns = input_columns(
        relation,
        'transactions_input',
        transactions_input_settings()['columns'] or {},
        canonical.keys() | list,
    ) -%}
    {%- set source_of = {} -%}
    {%- for column in columns if column.name in canonical -%}
        {%- do source_of.update({column.name: column.source}) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for name, required in canonical.items() if required and name not in source_of -%}
        {%- do missing.append(name) -%}
    {%- endfor -%}
    {%- if 'unit_price' not in source_of and 'line_amount' not in source_of -%}
        {%- do missing.append('unit_price (or line_amount)') -%}
    {%- endif -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "the order lines (" ~ relation ~ ") have no " ~ missing | join(', ')
            ~ " column after mapping; map the input's columns onto them in "
            ~ "`transactions_input.columns` (its columns, as mapped: "
            ~ (columns | map(attribute='name') | list) ~ ")"
        ) }}
    {%- endif -%}
    {{ return({'columns': columns, 'source_of': source_of}) }}
{% endmacro %}
