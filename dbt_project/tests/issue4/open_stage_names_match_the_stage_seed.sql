-- A failure means the open stages of seeds/crm_stages.csv and the macro open_stage_names()
-- (which gives pipeline_health one column per stage) disagree: a stage was added, renamed or
-- reordered in one place only, so a stage's deals would be missing from its columns.
{%- set open_stages = open_stage_names() %}

with

seed_stages as (
    select
        stage_name,
        row_number() over (order by stage_order) as stage_position
    from {{ ref('crm_stages') }}
    where not is_closed
),

macro_stages as (
    {% for stage in open_stages %}
        select
            '{{ stage }}' as stage_name,
            {{ loop.index }} as stage_position
        {% if not loop.last %}
            union all
        {% endif %}
    {% endfor %}
),

mismatches as (
    select
        coalesce(seed_stages.stage_name, macro_stages.stage_name) as stage_name,
        seed_stages.stage_position as seed_position,
        macro_stages.stage_position as macro_position
    from seed_stages
    full outer join macro_stages
        on
            seed_stages.stage_name = macro_stages.stage_name
            and seed_stages.stage_position = macro_stages.stage_position
    where seed_stages.stage_name is null or macro_stages.stage_name is null
)

select * from mismatches
