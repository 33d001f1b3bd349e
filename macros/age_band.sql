{% macro age_band(age_column) %}
    {#- Ten-year age bands used in every profile ('18-24', '25-34', ..., '75+', 'unknown'). -#}
    case
        when {{ age_column }} is null then 'unknown'
        when {{ age_column }} < 18 then 'under 18'
        when {{ age_column }} < 25 then '18-24'
        when {{ age_column }} < 35 then '25-34'
        when {{ age_column }} < 45 then '35-44'
        when {{ age_column }} < 55 then '45-54'
        when {{ age_column }} < 65 then '55-64'
        when {{ age_column }} < 75 then '65-74'
        else '75+'
    end
{% endmacro %}
