{% macro customers_input_settings() %}
    {#- The `customers_input` var over its defaults; unknown keys fail the build. -#}
    {%- set settings = {
        'enabled': true,
        'path': none,
        'format': 'csv',
        'encoding': 'utf-8',
        'delimiter': ',',
        'columns': {},
        'key_columns': none,
    } -%}
    {%- set given = var('customers_input', {}) or {} -%}
    {%- for key in given if key not in settings -%}
        {{ exceptions.raise_compiler_error(
            "unknown key `customers_input." ~ key ~ "`; expected some of "
            ~ (settings.keys() | list)
        ) }}
    {%- endfor -%}
    {%- do settings.update(given) -%}
    {%- if not settings['enabled'] and settings['path'] is not none -%}
        {{ exceptions.raise_compiler_error(
            "`customers_input.enabled: false` (customers from the order lines) leaves no use "
            ~ "for `customers_input.path`; remove the path or enable the customers input"
        ) }}
    {%- endif -%}
    {%- if settings['format'] not in ['csv', 'parquet', 'table'] -%}
        {{ exceptions.raise_compiler_error(
            "`customers_input.format` is '" ~ settings['format']
            ~ "'; expected csv, parquet or table"
        ) }}
    {%- endif -%}
    {%- if settings['format'] != 'csv' and settings['path'] is none -%}
        {{ exceptions.raise_compiler_error(
            "`customers_input.format: " ~ settings['format'] ~ "` needs `customers_input.path` "
            ~ "(a Parquet file, folder or glob, or a table name; the seed is CSV)"
        ) }}
    {%- endif -%}
    {%- if not settings['enabled'] and not transactions_input_settings()['enabled'] -%}
        {{ exceptions.raise_compiler_error(
            "`customers_input.enabled: false` takes the customer list from the order lines, "
            ~ "so it needs `transactions_input.enabled: true`"
        ) }}
    {%- endif -%}
    {{ return(settings) }}
{% endmacro %}
