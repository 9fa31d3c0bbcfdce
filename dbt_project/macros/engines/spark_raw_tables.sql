{#
    Registers raw tables held as Parquet files in the Spark metastore, so the sources resolve on
    `--target spark` (ENGINES.md). `tables` maps each source schema to its table names;
    `root` is the folder with one Parquet folder per table, `<root>/<schema>/<table>/`.
    Each table is an external table over its folder, dropped and created again, so a second
    call with fresh files reads the fresh files.

        dbt run-operation spark_register_raw_tables --target spark \
            --args '{root: /data/lake/raw, tables: {raw_crm: [user, opportunity]}}'
#}
{% macro spark_register_raw_tables(root, tables) -%}
    {%- if target.type != 'spark' -%}
        {{ exceptions.raise_compiler_error(
            "spark_register_raw_tables runs on a spark target, not " ~ target.type) }}
    {%- endif -%}
    {%- for schema, names in tables.items() -%}
        {%- do run_query('create database if not exists ' ~ schema) -%}
        {%- for name in names -%}
            {%- do run_query('drop table if exists ' ~ schema ~ '.`' ~ name ~ '`') -%}
            {%- do run_query(
                'create table ' ~ schema ~ '.`' ~ name ~ '` using parquet location \''
                ~ root ~ '/' ~ schema ~ '/' ~ name ~ '\''
            ) -%}
        {%- endfor -%}
        {{ log('spark: ' ~ names | length ~ ' raw tables in ' ~ schema, info=true) }}
    {%- endfor -%}
{%- endmacro %}
