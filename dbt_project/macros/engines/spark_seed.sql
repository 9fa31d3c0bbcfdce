{#
    Seed rows on Spark as escaped literals. dbt-spark's own loader binds the values by plain
    `%` formatting under the session method, so a value with a quote (`the company's stage
    order` in source_datasets.csv) breaks the insert. Spark string literals escape `\` and `'`
    with a backslash.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(
            spm.engine_type(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)))
        ) -%}
    {%- endfor -%}
    {%- set sql -%}
        insert into {{ this.render() }} values
        {% for row in agate_table.rows -%}
            (
            {%- for value in row -%}
                {%- if value is none -%}
                    cast(null as {{ types[loop.index0] }})
                {%- else -%}
                    cast('{{ (value | string).replace("\\", "\\\\").replace("'", "\\'") }}' as {{ types[loop.index0] }})
                {%- endif -%}
                {{- ", " if not loop.last -}}
            {%- endfor -%}
            ){{ "," if not loop.last }}
        {% endfor %}
    {%- endset -%}
    {%- if agate_table.rows | length > 0 -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- endif -%}
    {{ return(sql) }}
{% endmacro %}
