{#-
    Seeds for the sparkoss adapter.

    On `method: session` targets the seed's CSV file is read by Spark itself in one job
    (CSV data source, every column as text), null markers are applied exactly as dbt's agate
    loader applies them ('' and 'null', case-insensitive, surrounding white space ignored),
    and each column is cast to the type the seed table was created with (its `column_types`
    config, else the type dbt inferred). Other targets keep dbt-spark's batched
    `insert ... values`, since a remote server cannot read a file on this machine.
    Set `+bulk_load: false` on a seed to force the stock path.
-#}

{% macro sparkoss__load_csv_rows(model, agate_table) %}
    {%- set bulk_load = model['config'].get('bulk_load', true) | string | lower -%}
    {%- if target.method == 'session' and bulk_load not in ['false', '0', 'no'] -%}
        {%- set sql = sparkoss__bulk_load_csv_rows(model, agate_table) -%}
    {%- else -%}
        {%- set sql = spark__load_csv_rows(model, agate_table) -%}
    {%- endif -%}
    {%- do sparkoss__record_parsed_rows(agate_table) -%}
    {{ return(sql) }}
{% endmacro %}


{% macro sparkoss__record_parsed_rows(agate_table) %}
    {#- Keep on the seed table how many data rows dbt parsed from the CSV file (header
        excluded), as the table property `dbt.parsed_row_count`, so that models can reconcile
        against dbt's own count instead of counting the table against itself. -#}
    {% call statement('record_parsed_rows') %}
        alter table {{ this.render() }} set tblproperties (
            'dbt.parsed_row_count' = '{{ agate_table.rows | length }}'
        )
    {% endcall %}
{% endmacro %}


{% macro sparkoss__bulk_load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set delimiter = model['config'].get('delimiter', ',') or ',' -%}
    {%- set csv_view = this.identifier ~ '__csv_file' -%}
    {%- set path = agate_table.original_abspath -%}

    {%- set create_view -%}
        create or replace temporary view `{{ csv_view }}` (
            {%- for col_name in agate_table.column_names %}
            {{ adapter.quote(col_name) }} string{{ "," if not loop.last }}
            {%- endfor %}
        )
        using csv
        options (
            path '{{ "file://" ~ path | replace("'", "\\'") }}',
            header 'true',
            sep '{{ delimiter | replace("'", "\\'") }}',
            quote '"',
            escape '"',
            multiLine 'true',
            encoding 'UTF-8',
            mode 'FAILFAST'
        )
    {%- endset -%}

    {%- set insert -%}
        insert overwrite table {{ this.render() }}
        select
            {%- for col_name in agate_table.column_names %}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) %}
            {%- set type = column_override.get(col_name, inferred_type) %}
            {%- set column = adapter.quote(col_name) %}
            cast(
                case
                    when lower(regexp_replace({{ column }}, '^\\s+|\\s+$', '')) in ('', 'null')
                        then null
                    else {{ column }}
                end as {{ type }}
            ) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from `{{ csv_view }}`
    {%- endset -%}

    {% call statement('bulk_load_csv_view') %}{{ create_view }}{% endcall %}
    {% call statement('bulk_load_csv_insert') %}{{ insert }}{% endcall %}

    {#- Nothing is dropped silently: the table must hold exactly the rows dbt read. -#}
    {%- set loaded = run_query('select count(*) from ' ~ this.render()).columns[0].values()[0] -%}
    {% call statement('bulk_load_csv_drop_view') %}drop view if exists `{{ csv_view }}`{% endcall %}
    {%- if loaded != agate_table.rows | length -%}
        {{ exceptions.raise_compiler_error(
            "Seed " ~ this ~ ": Spark read " ~ loaded ~ " rows from " ~ path
            ~ " but dbt parsed " ~ (agate_table.rows | length)
            ~ ". Set `+bulk_load: false` on this seed to use the stock loader.") }}
    {%- endif -%}

    {{ return(create_view ~ ";\n" ~ insert) }}
{% endmacro %}
