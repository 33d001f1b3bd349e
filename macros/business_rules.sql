{% macro valid_email_regex() %}
    {#- What counts as a usable e-mail address (after trim + lower-case): local@domain.tld -#}
    {{ return('^[a-z0-9._%+-]+@[a-z0-9-]+(\\\\.[a-z0-9-]+)*\\\\.[a-z]{2,}$') }}
{% endmacro %}


{% macro marketing_channels() %}
    {#- The channels a customer can prefer; anything else becomes 'unknown' (flagged). -#}
    {{ return(['email', 'sms', 'app', 'web', 'store']) }}
{% endmacro %}


{% macro quoted_list(values) %}
    {#- Renders a list of strings as SQL literals: ['a', 'b'] -> 'a', 'b' -#}
    {{ return("'" ~ values | join("', '") ~ "'") }}
{% endmacro %}
