{#-
    How a model that grows by the day is kept: DuckDB merges each day's rows into the table
    (incremental, delete+insert on its key); Spark's Parquet tables cannot delete rows (only
    Delta, Iceberg or Hudi tables can, and Delta cannot be fetched offline here), so there the
    model is rebuilt in full, with the same rows. Used as
    `config(materialized=replaceable_incremental())`; `is_incremental()` is then false on
    Spark, so the model's incremental filter never applies there.
-#}
{% macro replaceable_incremental() -%}
    {{ return(adapter.dispatch('replaceable_incremental', 'spm')()) }}
{%- endmacro %}

{% macro default__replaceable_incremental() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__replaceable_incremental() -%}
    {{ return('table') }}
{%- endmacro %}

{#
    Deletes the rows of a table that match a condition (an incremental model's pre-hook).
    Spark deletes from Delta tables only: on a Parquet table the rows cannot be deleted, so
    when there are any the build stops and says to rebuild the model with --full-refresh;
    when there are none (the usual incremental run) there is nothing to do.
#}
{% macro delete_where(relation, condition) -%}
    {{ return(adapter.dispatch('delete_where', 'spm')(relation, condition)) }}
{%- endmacro %}

{% macro default__delete_where(relation, condition) -%}
    delete from {{ relation }} where {{ condition }}
{%- endmacro %}

{% macro spark__delete_where(relation, condition) -%}
    {%- if config.get('file_format', 'parquet') == 'delta' -%}
        delete from {{ relation }} where {{ condition }}
    {%- else -%}
        {%- if execute -%}
            {%- set found = run_query(
                'select count(*) from ' ~ relation ~ ' where ' ~ condition
            ).columns[0].values()[0] -%}
            {%- if found > 0 -%}
                {{ exceptions.raise_compiler_error(
                    relation ~ " has " ~ found ~ " rows where " ~ condition ~ ", which Spark cannot"
                    ~ " delete from a Parquet table: rebuild it with --full-refresh") }}
            {%- endif -%}
        {%- endif -%}
        select 1
    {%- endif -%}
{%- endmacro %}
