{% macro customers_input_settings() %}
    {#- The `customers_input` var over its defaults; unknown keys fail the build. -#}
    {%- set settings = {
        'path': none,
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
    {{ return(settings) }}
{% endmacro %}
