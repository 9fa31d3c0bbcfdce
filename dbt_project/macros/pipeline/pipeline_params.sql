{#
    The pipeline parameters as validated values, so a wrong var fails the compile
    with a message naming it instead of producing an empty or silently different mart.
#}

{#- `snapshot_cadence`: weekly (Mondays) or daily snapshots in fct_pipeline_snapshots. -#}
{% macro snapshot_cadence() -%}
    {%- set cadence = var('snapshot_cadence', 'weekly') | string | trim | lower -%}
    {%- if cadence not in ['weekly', 'daily'] -%}
        {{ exceptions.raise_compiler_error("var snapshot_cadence=" ~ cadence ~ " is not weekly or daily") }}
    {%- endif -%}
    {{ return(cadence) }}
{%- endmacro %}

{#- `stalled_after_days`: an open deal idle this many days is stalled (doc block kpi_stalled_deal). -#}
{% macro stalled_after_days() -%}
    {%- set raw = var('stalled_after_days', 30) | string | trim -%}
    {%- if not modules.re.match('^[0-9]+$', raw) or (raw | int) < 1 -%}
        {{ exceptions.raise_compiler_error("var stalled_after_days=" ~ raw ~ " is not a whole number of days >= 1") }}
    {%- endif -%}
    {{ return(raw | int) }}
{%- endmacro %}

{#- Deal age buckets of pipeline_health and the projection's win rates (days since created). -#}
{% macro age_bucket(age_days) -%}
    case
        when {{ age_days }} <= 30 then '0-30'
        when {{ age_days }} <= 60 then '31-60'
        when {{ age_days }} <= 90 then '61-90'
        else '90+'
    end
{%- endmacro %}

{#-
    A local amount valued in the corporate currency for one credited rep, in cents: amount x
    FX rate x credit share, rounded once. The same inputs always give the same cents, so
    flows computed as differences of these values add up exactly. How each engine reaches
    the exact product is its own (tests/dbt/test_dbt_credited_cents.py).
-#}
{% macro credited_cents(local_amount, rate, share) -%}
    {{ return(adapter.dispatch('credited_cents', 'spm')(local_amount, rate, share)) }}
{%- endmacro %}

{#- The amount x rate is held at 10 places (2 + 8: exact) before the share multiplies it:
    Spark cuts a product whose precision passes 38 digits to fewer places. -#}
{% macro default__credited_cents(local_amount, rate, share) -%}
    {{ cents(full_precision('cast(' ~ local_amount ~ ' as decimal(38, 10)) * ' ~ rate) ~ ' * ' ~ share) }}
{%- endmacro %}

{#- DuckDB keeps every place of a product (here 10 + 8 + 6 = 24 of 38 digits: exact for any
    value below 10^14, an overflow error above), so the cast back to 10 places is left out:
    the same cents, without a 128-bit division a row (4 of the 7.6 s the large company's
    3.9 million snapshot rows took; tests/bench/README.md). -#}
{% macro duckdb__credited_cents(local_amount, rate, share) -%}
    {{ cents('cast(' ~ local_amount ~ ' as decimal(38, 10)) * ' ~ rate ~ ' * ' ~ share) }}
{%- endmacro %}

{#- True when a value differs from the one before, nulls included (`is distinct from`). -#}
{% macro is_changed(new_value, previous_value) -%}
    not coalesce({{ new_value }} = {{ previous_value }}, {{ new_value }} is null and {{ previous_value }} is null)
{%- endmacro %}
