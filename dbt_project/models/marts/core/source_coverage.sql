{#-
    What landed and what a missing dataset costs: one row per dataset of the seed
    source_datasets, with the rows its raw table holds and, when it holds none, a note that
    names what the marts miss and the landing file that would add it (quoted by the run
    summary, the run report and the pages). The raw tables are the declared dbt sources; a
    raw table the warehouse does not have counts 0 rows.
-#}
{%- set raw_tables = [] -%}
{%- if execute -%}
    {%- for node in graph.sources.values() if node.package_name == project_name -%}
        {%- set found = adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.identifier
        ) -%}
        {%- do raw_tables.append((node.schema, node.identifier, found)) -%}
    {%- endfor -%}
{%- endif %}

with

datasets as (select * from {{ ref('source_datasets') }}),

raw_counts as (
    {%- for schema, identifier, found in raw_tables %}
    select
        '{{ schema }}' as raw_schema,
        '{{ identifier }}' as raw_table,
        {% if found is none -%}
            cast(0 as {{ dbt.type_bigint() }}) as row_count
        {%- else -%}
            cast(count(*) as {{ dbt.type_bigint() }}) as row_count
        from {{ found }}
        {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as raw_schema,
        cast(null as {{ dbt.type_string() }}) as raw_table,
        cast(0 as {{ dbt.type_bigint() }}) as row_count
    where 1 = 0
    {%- endfor %}
),

counted as (
    select
        datasets.system,
        datasets.dataset,
        datasets.raw_table,
        datasets.landing_pattern,
        datasets.is_required,
        datasets.adds,
        coalesce(raw_counts.row_count, 0) as row_count
    from datasets
    left join raw_counts
        on
            'raw_' || datasets.system = raw_counts.raw_schema
            and datasets.raw_table = raw_counts.raw_table
),

systems as (
    select
        system,
        max(case when row_count > 0 then 1 else 0 end) = 1 as is_system_loaded
    from counted
    group by system
),

final as (
    select
        counted.system || '|' || counted.dataset as source_dataset_id,
        counted.system,
        counted.dataset,
        counted.raw_table,
        counted.landing_pattern,
        counted.is_required,
        counted.adds,
        counted.row_count > 0 as is_loaded,
        systems.is_system_loaded,
        cast(counted.row_count as {{ dbt.type_bigint() }}) as row_count,
        case
            when counted.row_count = 0
                then 'No ' || replace(counted.dataset, '_', ' ') || ' loaded: ' || counted.adds
                || ' need ' || counted.landing_pattern
        end as missing_note
    from counted
    inner join systems
        on counted.system = systems.system
)

select * from final
