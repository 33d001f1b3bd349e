{% macro transactions_input_settings() %}
    {#- The `transactions_input` var over its defaults; unknown keys fail the build. -#}
    {%- set settings = {
        'enabled': false,
        'path': none,
        'format': 'csv',
        'encoding': 'utf-8',
        'delimiter': ',',
        'columns': {},
        'order_date_formats': [
            'M/d/yyyy H:mm',
            'yyyy-MM-dd HH:mm:ss',
            'yyyy-MM-dd HH:mm',
            'yyyy-MM-dd',
            'M/d/yyyy',
        ],
        'non_product_codes': [
            'POST', 'DOT', 'C2', 'M', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'PADS', 'D', 'S', 'B',
        ],
        'cancellation_prefix': 'C',
    } -%}
    {%- set given = var('transactions_input', {}) or {} -%}
    {%- for key in given if key not in settings -%}
        {{ exceptions.raise_compiler_error(
            "unknown key `transactions_input." ~ key ~ "`; expected some of "
            ~ (settings.keys() | list)
        ) }}
    {%- endfor -%}
    {%- do settings.update(given) -%}
    {%- if settings['format'] not in ['csv', 'parquet'] -%}
        {{ exceptions.raise_compiler_error(
            "`transactions_input.format` is '" ~ settings['format'] ~ "'; expected csv or parquet"
        ) }}
    {%- endif -%}
    {%- if settings['format'] == 'parquet' and settings['path'] is none -%}
        {{ exceptions.raise_compiler_error(
            "`transactions_input.format: parquet` needs `transactions_input.path` (the seed is CSV)"
        ) }}
    {%- endif -%}
    {{ return(settings) }}
{% endmacro %}
