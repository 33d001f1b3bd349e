{#-
    Materialization `published_table`: readers never see a half-built table (issue #10).

    dbt-spark's `table` drops and recreates a Parquet table, so a query during the rebuild
    fails ("table not found") or reads an empty table. Instead this materialization

      1. builds the model into a new table `<identifier>__v<run start, UTC>_<invocation id>`
         in the same schema with dbt-spark's own create_table_as (file format, partitioning,
         comment, and the `contract: enforced` column and type check, exactly as `table`);
      2. publishes it with one metastore operation: `alter view <identifier> as select * from
         <new version>` (a single alterTable). Spark's `create or replace view` is a drop plus
         a create, so it is never used on an existing view;
      3. drops older versions but keeps the one the view pointed to until step 2, which a
         reader that resolved the view just before may still be scanning.

    A failure in step 1 leaves the view and the previous version untouched; a half-written
    version is never published, and the next successful build drops it.

    Migration: if the model's relation is still a table (a build with `table`), it is dropped
    and the view created right after step 1. Between those two statements readers get "table
    not found": the one non-atomic moment, once.

    Hooks, grants and (no) `adapter.commit` as in dbt-spark's `table`. Not supported:
    `location_root` (every version would be written to the same location).
-#}

{% materialization published_table, adapter='sparkoss', supported_languages=['sql', 'python'] %}
  {%- set language = model['language'] -%}
  {%- set identifier = model['alias'] | lower -%}
  {%- set grant_config = config.get('grants') -%}
  {%- if config.get('location_root') is not none -%}
    {{ exceptions.raise_compiler_error(
        "published_table does not support location_root: every version of " ~ identifier
        ~ " would be written to location_root/" ~ identifier) }}
  {%- endif -%}

  {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
  {%- set target_relation = api.Relation.create(
        database=database, schema=schema, identifier=identifier, type='view') -%}
  {%- set version_relation = api.Relation.create(
        database=database, schema=schema, type='table',
        identifier=identifier ~ '__v' ~ run_started_at.strftime('%Y%m%d%H%M%S') ~ '_' ~ invocation_id[:8]) -%}

  {{ run_hooks(pre_hooks) }}

  {#- 1. the new version; a failure stops here -#}
  {%- call statement('main', language=language) -%}
    {{ create_table_as(False, version_relation, compiled_code, language) }}
  {%- endcall -%}
  {% do apply_grants(version_relation, grant_config, should_revoke=False) %}
  {% do persist_docs(version_relation, model) %}
  {% do persist_constraints(version_relation, model) %}

  {#- 2. publish -#}
  {%- set previous_version = none -%}
  {%- if old_relation is not none and old_relation.is_view -%}
    {%- set previous_version = sparkoss__published_version(target_relation) -%}
    {%- call statement('publish') -%}
      alter view {{ target_relation }} as select * from {{ version_relation }}
    {%- endcall -%}
    {%- if config.persist_relation_docs() and model.description -%}
      {%- call statement('persist_view_comment') -%}
        alter view {{ target_relation }}
        set tblproperties ('comment' = '{{ model.description | replace("'", "\\'") }}')
      {%- endcall -%}
    {%- endif -%}
  {%- else -%}
    {%- if old_relation is not none -%}
      {{ log("published_table: replacing " ~ old_relation.type ~ " " ~ target_relation
             ~ " by a view; until it exists (this once) readers get 'not found'", info=true) }}
      {% do adapter.drop_relation(old_relation) %}
    {%- endif -%}
    {%- call statement('publish') -%}
      create view {{ target_relation }} {{ comment_clause() }} as select * from {{ version_relation }}
    {%- endcall -%}
  {%- endif -%}
  {% do apply_grants(target_relation, grant_config, should_revoke(old_relation, full_refresh_mode=True)) %}

  {#- 3. keep the new and the previous version -#}
  {% do sparkoss__drop_published_versions(target_relation, keep=[version_relation.identifier, previous_version]) %}

  {{ run_hooks(post_hooks) }}

  {{ return({'relations': [target_relation, version_relation]}) }}
{% endmaterialization %}


{% macro sparkoss__published_version_pattern(view_relation) %}
  {#- A regular expression matching the names of the view's version tables. -#}
  {{ return(modules.re.escape(view_relation.identifier | lower) ~ '__v[0-9]{14}_[0-9a-f]{8}') }}
{% endmacro %}


{% macro sparkoss__published_version(view_relation) %}
  {#- The version table the published view selects from, or none. -#}
  {%- set pattern = sparkoss__published_version_pattern(view_relation) -%}
  {%- for row in describe_table_extended_without_caching(view_relation).rows -%}
    {%- if row[0] == 'View Text' -%}
      {%- set found = modules.re.search(pattern, row[1] | lower) -%}
      {{ return(found.group(0) if found else none) }}
    {%- endif -%}
  {%- endfor -%}
  {{ return(none) }}
{% endmacro %}


{% macro sparkoss__drop_published_versions(view_relation, keep) %}
  {#- Drop the view's version tables whose names are not in keep. -#}
  {%- set pattern = sparkoss__published_version_pattern(view_relation) -%}
  {%- call statement('list_published_versions', fetch_result=True) -%}
    show tables in {{ view_relation.schema }} like '{{ view_relation.identifier | lower }}__v*'
  {%- endcall -%}
  {%- for row in load_result('list_published_versions').table.rows -%}
    {%- set name = row[1] | lower -%}
    {%- if not row[2] and modules.re.fullmatch(pattern, name) and name not in keep -%}
      {% do adapter.drop_relation(api.Relation.create(
            database=view_relation.database, schema=view_relation.schema,
            identifier=name, type='table')) %}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}
