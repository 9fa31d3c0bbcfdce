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
