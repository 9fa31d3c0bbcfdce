"""A small, clean work warehouse for the data-quality tests.

Raw tables follow ingestion/LANDING_CONTRACT.md (dlt snake_case columns, contract types,
`_dlt_load_id`/`_dlt_id`, scd2 validity columns on user, opportunity and quotas), plus a few
rows of every checked mart (`marts`: performance, pipeline and forecast marts;
`marts_restricted`: the pay marts), holding only the columns the checks read. Every rule
passes on it; each test plants one fault with SQL and checks that exactly its rule fires.
Rows that consumers never read (old scd2 versions, soft-deleted records) carry faults on
purpose: the checks must ignore them.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

AS_OF = dt.date(2026, 4, 15)

DDL = """
create schema raw_crm;
create schema raw_sales_analytics;
create schema raw_revenue_intelligence;
create schema raw_compensation;
create schema raw_finance;
create schema marts;
create schema marts_restricted;

create table raw_crm."user" (
    id varchar, name varchar, email varchar, title varchar, user_role_id varchar,
    manager_id varchar, is_active boolean, created_date timestamptz, system_modstamp timestamptz,
    _dlt_load_id varchar, _dlt_id varchar, _dlt_valid_from timestamptz, _dlt_valid_to timestamptz
);
insert into raw_crm."user" values
    ('005U1', 'Ann Rep', 'a@x.com', 'AE', '00ER1', '005U3', true,
     '2024-01-01 09:00:00+00', '2026-04-01 09:00:00+00', 'l1', 'd1', '2026-04-01', null),
    ('005U2', 'Bob Rep', ' B@x.com', 'AE', '00ER1', '005U3', true,
     '2026-02-10 09:00:00+00', '2026-02-10 09:00:00+00', 'l1', 'd2', '2026-02-10', null),
    ('005U3', 'Cat Boss', 'c@x.com', 'Manager', '00ER1', null, true,
     '2023-01-01 09:00:00+00', '2023-01-01 09:00:00+00', 'l1', 'd3', '2023-01-01', null),
    -- an old version of U1 with no email: superseded, so never read
    ('005U1', 'Ann Rep', null, 'AE', null, '005U3', true,
     '2024-01-01 09:00:00+00', '2024-01-01 09:00:00+00', 'l0', 'd0', '2024-01-01', '2026-04-01');

create table raw_crm.user_role (
    id varchar, name varchar, parent_role_id varchar, system_modstamp timestamptz,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_crm.user_role values
    ('00ER0', 'Company', null, '2023-01-01 00:00:00+00', 'l1', 'r0'),
    ('00ER1', 'Team One', '00ER0', '2023-01-01 00:00:00+00', 'l1', 'r1');

create table raw_crm.account (
    id varchar, name varchar, industry varchar, billing_country varchar, owner_id varchar,
    created_date timestamptz, is_deleted boolean, system_modstamp timestamptz,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_crm.account values
    ('001A1', 'Acme', 'Tech', 'US', '005U1', '2024-01-01 00:00:00+00', false,
     '2024-01-01 00:00:00+00', 'l1', 'a1'),
    ('001A2', 'Globex', 'Retail', 'GB', '005U2', '2025-06-01 00:00:00+00', false,
     '2025-06-01 00:00:00+00', 'l1', 'a2'),
    ('001A3', null, 'Retail', 'GB', '005U2', '2025-06-01 00:00:00+00', true,
     '2025-06-01 00:00:00+00', 'l1', 'a3');

create table raw_crm.product2 (
    id varchar, name varchar, family varchar, is_active boolean, system_modstamp timestamptz,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_crm.product2 values ('01tP1', 'Platform', 'Core', true, '2023-01-01', 'l1', 'p1');

create table raw_crm.opportunity (
    id varchar, name varchar, account_id varchar, owner_id varchar, amount decimal(18,2),
    currency_iso_code varchar, stage_name varchar, probability decimal(9,4),
    forecast_category_name varchar, close_date date, created_date timestamptz,
    is_closed boolean, is_won boolean, type varchar, lead_source varchar, is_deleted boolean,
    last_modified_date timestamptz, system_modstamp timestamptz,
    _dlt_load_id varchar, _dlt_id varchar, _dlt_valid_from timestamptz, _dlt_valid_to timestamptz
);
insert into raw_crm.opportunity values
    ('006O1', 'Acme expansion', '001A1', '005U1', 1000.00, 'USD', 'Closed Won', 100, 'Closed',
     '2026-02-10', '2026-01-01 10:00:00+00', true, true, 'Upsell', 'Web', false,
     '2026-02-10 10:00:00+00', '2026-02-10 10:00:00+00', 'l1', 'o1', '2026-02-10', null),
    ('006O2', 'Globex new', '001A2', '005U2', 500.00, 'EUR', 'Negotiation', 80, 'Commit',
     '2026-05-20', '2026-03-01 10:00:00+00', false, false, 'New Business', 'Outbound', false,
     '2026-04-14 10:00:00+00', '2026-04-14 10:00:00+00', 'l1', 'o2', '2026-04-14', null),
    ('006O3', 'Globex renewal', '001A2', '005U2', 2000.00, 'GBP', 'Closed Lost', 0, 'Omitted',
     '2026-03-15', '2026-01-15 10:00:00+00', true, false, 'Renewal', 'Partner', false,
     '2026-03-15 10:00:00+00', '2026-03-15 10:00:00+00', 'l1', 'o3', '2026-03-15', null),
    ('006O4', 'Acme pilot', '001A1', '005U1', 0.00, 'USD', 'Prospecting', 10, 'Pipeline',
     '2026-06-30', '2026-04-15 08:00:00+00', false, false, 'New Business', 'Event', false,
     '2026-04-15 08:00:00+00', '2026-04-15 08:00:00+00', 'l1', 'o4', '2026-04-15', null),
    -- an old version of O1 with a negative amount: superseded, so never read
    ('006O1', 'Acme expansion', '001A1', '005U1', -5.00, 'USD', 'Proposal', 60, 'Best Case',
     '2026-02-10', '2026-01-01 10:00:00+00', false, false, 'Upsell', 'Web', false,
     '2026-01-20 10:00:00+00', '2026-01-20 10:00:00+00', 'l0', 'o0', '2026-01-20', '2026-02-10'),
    -- a soft-deleted deal with an unknown stage: dropped by dbt staging, so never read
    ('006O5', 'Deleted', '001A1', '005U1', 10.00, 'USD', 'Bogus', 10, 'Pipeline',
     '2026-02-10', '2026-01-01 10:00:00+00', false, false, 'Upsell', 'Web', true,
     '2026-01-20 10:00:00+00', '2026-01-20 10:00:00+00', 'l1', 'o5', '2026-01-20', null);

create table raw_crm.opportunity_stage (
    id varchar, master_label varchar, api_name varchar, is_active boolean, sort_order bigint,
    is_closed boolean, is_won boolean, default_probability decimal(9,4),
    forecast_category_name varchar, system_modstamp timestamptz,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_crm.opportunity_stage values
    ('01JS1', 'Prospecting', 'Prospecting', true, 1, false, false, 10, 'Pipeline',
     '2024-01-01 00:00:00+00', 'l1', 's1'),
    ('01JS2', 'Qualification', 'Qualification', true, 2, false, false, 20, 'Pipeline',
     '2024-01-01 00:00:00+00', 'l1', 's2'),
    ('01JS3', 'Discovery', 'Discovery', true, 3, false, false, 40, 'Best Case',
     '2024-01-01 00:00:00+00', 'l1', 's3'),
    ('01JS4', 'Proposal', 'Proposal', true, 4, false, false, 60, 'Best Case',
     '2024-01-01 00:00:00+00', 'l1', 's4'),
    ('01JS5', 'Negotiation', 'Negotiation', true, 5, false, false, 80, 'Commit',
     '2024-01-01 00:00:00+00', 'l1', 's5'),
    ('01JS6', 'Closed Won', 'Closed Won', true, 6, true, true, 100, 'Closed',
     '2024-01-01 00:00:00+00', 'l1', 's6'),
    ('01JS7', 'Closed Lost', 'Closed Lost', true, 7, true, false, 0, 'Omitted',
     '2024-01-01 00:00:00+00', 'l1', 's7');

create table raw_crm.opportunity_history (
    id varchar, opportunity_id varchar, stage_name varchar, amount decimal(18,2),
    close_date date, probability decimal(9,4), forecast_category varchar,
    created_date timestamptz, is_deleted boolean, system_modstamp timestamptz,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_crm.opportunity_history values
    ('008H1', '006O1', 'Proposal', 1000.00, '2026-02-10', 60, 'Best Case',
     '2026-01-01 10:00:00+00', false, '2026-01-01 10:00:00+00', 'l1', 'h1'),
    ('008H2', '006O1', 'Closed Won', 1000.00, '2026-02-10', 100, 'Closed',
     '2026-02-10 10:00:00+00', false, '2026-02-10 10:00:00+00', 'l1', 'h2'),
    ('008H3', '006O2', 'Negotiation', 500.00, '2026-05-20', 80, 'Commit',
     '2026-03-01 10:00:00+00', false, '2026-03-01 10:00:00+00', 'l1', 'h3');

create table raw_crm.opportunity_line_item (
    id varchar, opportunity_id varchar, product2_id varchar, quantity decimal(18,2),
    unit_price decimal(18,2), total_price decimal(18,2), is_deleted boolean,
    system_modstamp timestamptz, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_crm.opportunity_line_item values
    ('00kL1', '006O1', '01tP1', 2, 500.00, 1000.00, false, '2026-02-10', 'l1', 'li1');

create table raw_crm.opportunity_split (
    id varchar, opportunity_id varchar, split_owner_id varchar, split_percentage decimal(9,4),
    split_type_id varchar, is_deleted boolean, system_modstamp timestamptz,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_crm.opportunity_split values
    ('04AS1', '006O1', '005U1', 50, '04BT1', false, '2026-02-10', 'l1', 's1'),
    ('04AS2', '006O1', '005U2', 50, '04BT1', false, '2026-02-10', 'l1', 's2'),
    ('04AS3', '006O1', '005U3', 100, '04BT2', false, '2026-02-10', 'l1', 's3');

create table raw_crm.opportunity_split_type (
    id varchar, developer_name varchar, master_label varchar, is_total_validated boolean,
    is_active boolean, system_modstamp timestamptz, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_crm.opportunity_split_type values
    ('04BT1', 'Revenue', 'Revenue', true, true, '2023-01-01', 'l1', 't1'),
    ('04BT2', 'Overlay', 'Overlay', false, true, '2023-01-01', 'l1', 't2');

create table raw_sales_analytics.activities (
    id varchar, type varchar, user_id varchar, opportunity_id varchar, account_id varchar,
    "timestamp" timestamptz, duration_seconds bigint, direction varchar, outcome varchar,
    source_file varchar, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_sales_analytics.activities values
    ('act_01', 'call', '005U1', '006O2', '001A2', '2026-04-13 14:00:00+00', 300, 'outbound',
     'connected', 'sales_analytics/2026/04/13/activities.jsonl', 'l1', 'ac1'),
    ('act_02', 'email', '005U2', '006O2', '001A2', '2026-04-14 09:30:00+00', 0, 'outbound',
     'sent', 'sales_analytics/2026/04/14/activities.jsonl', 'l1', 'ac2'),
    ('act_03', 'meeting', '005U2', null, '001A2', '2026-04-14 15:00:00+00', 3600, 'inbound',
     'held', 'sales_analytics/2026/04/14/activities.jsonl', 'l1', 'ac3'),
    ('act_04', 'call', '005U1', null, null, '2026-04-15 23:59:00+00', 60, 'outbound',
     'voicemail', 'sales_analytics/2026/04/15/activities.jsonl', 'l1', 'ac4');

create table raw_revenue_intelligence.forecast_submissions (
    submission_id varchar, submitter_id varchar, submitter_role varchar, fiscal_period varchar,
    forecast_category varchar, amount decimal(18,2), currency varchar, submitted_at timestamptz,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_revenue_intelligence.forecast_submissions values
    ('fs_000000000001', '005U1', 'rep', 'FY2026-Q2', 'Commit', 1500.00, 'USD',
     '2026-04-06 08:00:00+00', 'l1', 'f1'),
    ('fs_000000000002', '005U2', 'rep', 'FY2026-Q2', 'Best Case', 800.00, 'USD',
     '2026-04-13 08:00:00+00', 'l1', 'f2'),
    ('fs_000000000003', '005U3', 'manager', 'FY2026-Q2', 'Pipeline', 4000.00, 'USD',
     '2026-04-13 08:05:00+00', 'l1', 'f3');

create table raw_compensation.quotas (
    email varchar, name varchar, fiscal_year bigint, month date, quota_amount decimal(18,2),
    source_file varchar, source_row bigint, source_column varchar,
    _dlt_load_id varchar, _dlt_id varchar, _dlt_valid_from timestamptz, _dlt_valid_to timestamptz
);
insert into raw_compensation.quotas
select
    r.email, r.name, 2026, m.month,
    case when r.email = 'b@x.com' and m.month < date '2026-02-01' then null else 1000.00 end,
    'compensation/quotas_FY2026.xlsx', r.source_row,
    chr(66 + cast(month(m.month) as integer)),
    'l1', r.email || m.month, timestamptz '2026-01-01 00:00:00+00', null
from (values ('a@x.com', 'Ann Rep', 2), ('b@x.com', 'Bob Rep', 3)) as r(email, name, source_row)
cross join (select cast(range as date) as month
            from range(date '2026-01-01', date '2027-01-01', interval 1 month)) as m;
-- an old version of one cell with an absurd quota: superseded, so never read
insert into raw_compensation.quotas values
    ('a@x.com', 'Ann Rep', 2026, '2026-01-01', 99999999.00, 'compensation/quotas_FY2026.xlsx',
     2, 'C', 'l0', 'q0', '2025-12-01 00:00:00+00', '2026-01-01 00:00:00+00');

create table raw_compensation.assignments (
    email varchar, user_id varchar, team_role_id varchar, role varchar, effective_from date,
    effective_to date, hire_date date, termination_date date, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_compensation.assignments values
    ('a@x.com', '005U1', '00ER1', 'rep', '2024-01-01', null, '2024-01-01', null, 'l1', 'as1'),
    ('b@x.com', '005U2', '00ER1', 'rep', '2026-02-10', null, '2026-02-10', null, 'l1', 'as2'),
    ('c@x.com', '005U3', '00ER1', 'manager', '2023-01-01', null, '2023-01-01', null, 'l1', 'as3');

create table raw_compensation.comp_plans (
    plan_id varchar, email varchar, user_id varchar, fiscal_year bigint, effective_from date,
    effective_to date, currency varchar, base_salary decimal(18,2),
    target_variable decimal(18,2), ote decimal(18,2), annual_quota decimal(18,2),
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_compensation.comp_plans values
    ('PL1', 'a@x.com', '005U1', 2026, '2026-01-01', '2026-12-31', 'USD', 80000.00, 80000.00,
     160000.00, 12000.00, 'l1', 'pl1'),
    ('PL2', 'b@x.com', '005U2', 2026, '2026-02-10', '2026-12-31', 'USD', 70000.00, 70000.00,
     140000.00, 11000.00, 'l1', 'pl2');

create table raw_compensation.comp_plan_tiers (
    plan_id varchar, tier bigint, attainment_from decimal(9,4), attainment_to decimal(9,4),
    commission_rate decimal(9,4), _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_compensation.comp_plan_tiers values
    ('PL1', 1, 0, 1, 0.08, 'l1', 'ti1'),
    ('PL1', 2, 1, null, 0.12, 'l1', 'ti2'),
    ('PL2', 1, 0, null, 0.08, 'l1', 'ti3');

create table raw_compensation.payouts (
    payout_id varchar, email varchar, user_id varchar, plan_id varchar, pay_month varchar,
    currency varchar, commission_amount decimal(18,2), _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_compensation.payouts values
    ('PO1', 'a@x.com', '005U1', 'PL1', '2026-02', 'USD', 40.00, 'l1', 'po1'),
    ('PO2', 'b@x.com', '005U2', 'PL2', '2026-02', 'USD', 40.00, 'l1', 'po2');

create table raw_finance.fx_rates (
    "date" date, currency varchar, rate decimal(18,8), _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_finance.fx_rates
select cast(d as date), c.currency, c.rate, 'l1', c.currency || cast(d as date)
from range(date '2026-03-01', date '2026-04-16', interval 1 day) as days(d)
cross join (values ('EUR', 1.08), ('GBP', 1.27)) as c(currency, rate);

create table marts.rep_performance (
    rep_period_id varchar, rep_id varchar, role varchar, team_id varchar, period_type varchar,
    fiscal_period varchar, period_start date, period_end date, is_closed_period boolean,
    quota_amount decimal(18,2), bookings_amount decimal(18,2), attainment double,
    win_rate double, win_rate_value double, avg_sales_cycle_days double
);
insert into marts.rep_performance values
    ('005U1|quarter|FY2026-Q1', '005U1', 'rep', '00ER1', 'quarter', 'FY2026-Q1', '2026-01-01',
     '2026-03-31', true, 3000.00, 2550.00, 0.85, 1.0, 1.0, 40.0),
    ('005U2|quarter|FY2026-Q1', '005U2', 'rep', '00ER1', 'quarter', 'FY2026-Q1', '2026-01-01',
     '2026-03-31', true, 2000.00, 2000.00, 1.0, 0.5, 0.4, 60.0),
    ('005U3|quarter|FY2026-Q1', '005U3', 'manager', '00ER1', 'quarter', 'FY2026-Q1',
     '2026-01-01', '2026-03-31', true, null, 0.00, null, null, null, null),
    ('005U1|month|FY2026-M04', '005U1', 'rep', '00ER1', 'month', 'FY2026-M04', '2026-04-01',
     '2026-04-30', false, 1000.00, 0.00, 0.0, null, null, null),
    ('005U2|month|FY2026-M04', '005U2', 'rep', '00ER1', 'month', 'FY2026-M04', '2026-04-01',
     '2026-04-30', false, 1000.00, 0.00, 0.0, null, null, null);

create table marts.team_performance (
    team_period_id varchar, team_id varchar, hierarchy_level varchar, period_type varchar,
    fiscal_period varchar, attainment double, win_rate double
);
insert into marts.team_performance values
    ('00ER1|quarter|FY2026-Q1', '00ER1', 'team', 'quarter', 'FY2026-Q1', 0.91, 0.6),
    ('00ER0|quarter|FY2026-Q1', '00ER0', 'company', 'quarter', 'FY2026-Q1', 0.91, 0.6);

create table marts.rep_pacing (
    rep_pacing_id varchar, rep_id varchar, period_type varchar, fiscal_period varchar,
    attainment_to_date double
);
insert into marts.rep_pacing values
    ('005U1|month|FY2026-M04', '005U1', 'month', 'FY2026-M04', 0.0),
    ('005U2|month|FY2026-M04', '005U2', 'month', 'FY2026-M04', 0.0);

create table marts.pipeline_health (
    pipeline_health_id varchar, hierarchy_level varchar, team_id varchar, rep_id varchar,
    period_type varchar, fiscal_period varchar, open_pipeline_amount decimal(18,2),
    weighted_pipeline_amount decimal(18,2), commit_pipeline_amount decimal(18,2),
    best_case_pipeline_amount decimal(18,2), prospecting_amount decimal(18,2),
    qualification_amount decimal(18,2), discovery_amount decimal(18,2),
    proposal_amount decimal(18,2), negotiation_amount decimal(18,2), coverage double,
    trailing_win_rate double, avg_age_days double, avg_days_in_stage double
);
insert into marts.pipeline_health values
    ('rep|005U1|quarter|FY2026-Q2', 'rep', '00ER1', '005U1', 'quarter', 'FY2026-Q2',
     0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.0, 0.5, 0.0, 0.0),
    ('rep|005U2|quarter|FY2026-Q2', 'rep', '00ER1', '005U2', 'quarter', 'FY2026-Q2',
     540.00, 432.00, 540.00, 0.00, 0.00, 0.00, 0.00, 0.00, 540.00, 0.18, 0.5, 45.0, 45.0),
    ('team|00ER1|quarter|FY2026-Q2', 'team', '00ER1', null, 'quarter', 'FY2026-Q2',
     540.00, 432.00, 540.00, 0.00, 0.00, 0.00, 0.00, 0.00, 540.00, 0.09, 0.5, 22.5, 22.5),
    ('company|00ER0|quarter|FY2026-Q2', 'company', '00ER0', null, 'quarter', 'FY2026-Q2',
     540.00, 432.00, 540.00, 0.00, 0.00, 0.00, 0.00, 0.00, 540.00, 0.09, 0.5, 22.5, 22.5);

-- pipeline by stage, long: one row per node, period and the company's own stage
create table marts.pipeline_by_stage (
    pipeline_by_stage_id varchar, hierarchy_level varchar, team_id varchar, rep_id varchar,
    period_type varchar, fiscal_period varchar, stage_name varchar, stage_order integer,
    deal_count bigint, open_amount decimal(18,2), weighted_amount decimal(18,2)
);
insert into marts.pipeline_by_stage values
    ('rep|005U2|quarter|FY2026-Q2|Engaging', 'rep', '00ER1', '005U2', 'quarter', 'FY2026-Q2',
     'Engaging', 2, 1, 540.00, 432.00),
    ('team|00ER1|quarter|FY2026-Q2|Engaging', 'team', '00ER1', null, 'quarter', 'FY2026-Q2',
     'Engaging', 2, 1, 540.00, 432.00);

create table marts.fct_opportunities (
    opportunity_id varchar, owner_id varchar, opportunity_amount decimal(38,16),
    amount_outlier_threshold decimal(18,2), is_amount_outlier boolean
);
insert into marts.fct_opportunities values
    ('006O1', '005U1', 1000, 9000.00, false),
    ('006O2', '005U2', 540, 9000.00, false),
    ('006O3', '005U2', 700, null, false);

create table marts.stalled_deals (
    opportunity_id varchar, rep_id varchar, amount decimal(18,2), age_days integer,
    days_idle integer
);
insert into marts.stalled_deals values ('006O2', '005U2', 540.00, 45, 31);

create table marts.slipped_deals (
    slipped_deal_id varchar, opportunity_id varchar, period_type varchar, fiscal_period varchar,
    period_start date, period_end date, original_close_date date, period_end_close_date date,
    amount decimal(18,2)
);
insert into marts.slipped_deals values
    ('006O2|quarter|FY2026-Q1', '006O2', 'quarter', 'FY2026-Q1', '2026-01-01', '2026-03-31',
     '2026-03-25', '2026-05-20', 540.00);

create table marts.pipeline_waterfall (
    pipeline_waterfall_id varchar, hierarchy_level varchar, team_id varchar, rep_id varchar,
    period_type varchar, fiscal_period varchar, start_amount decimal(18,2),
    created_amount decimal(18,2), moved_in_amount decimal(18,2), won_amount decimal(18,2),
    lost_amount decimal(18,2), moved_out_amount decimal(18,2), amount_change decimal(18,2),
    end_amount decimal(18,2), slip_rate double
);
insert into marts.pipeline_waterfall values
    ('rep|005U1|quarter|FY2026-Q1', 'rep', '00ER1', '005U1', 'quarter', 'FY2026-Q1',
     0.00, 500.00, 0.00, 500.00, 0.00, 0.00, 0.00, 0.00, null),
    ('rep|005U2|quarter|FY2026-Q1', 'rep', '00ER1', '005U2', 'quarter', 'FY2026-Q1',
     0.00, 2540.00, 0.00, 500.00, 2000.00, 540.00, 500.00, 0.00, 0.0),
    ('company|00ER0|quarter|FY2026-Q1', 'company', '00ER0', null, 'quarter', 'FY2026-Q1',
     0.00, 3040.00, 0.00, 1000.00, 2000.00, 540.00, 500.00, 0.00, 0.0);

create table marts.stage_conversion (
    stage_conversion_id varchar, hierarchy_level varchar, team_id varchar, rep_id varchar,
    stage_name varchar, conversion_rate double, win_rate_from_stage double
);
insert into marts.stage_conversion values
    ('rep|005U1|Proposal', 'rep', '00ER1', '005U1', 'Proposal', 1.0, 1.0),
    ('company|00ER0|Proposal', 'company', '00ER0', null, 'Proposal', 1.0, 1.0),
    ('company|00ER0|Negotiation', 'company', '00ER0', null, 'Negotiation', 0.5, 0.0);

create table marts.fct_pipeline_snapshots (
    pipeline_snapshot_id varchar, snapshot_date date, opportunity_id varchar
);
insert into marts.fct_pipeline_snapshots
select '006O2|' || cast(d as date), cast(d as date), '006O2'
from range(date '2026-03-02', date '2026-04-14', interval 7 day) as days(d);

create table marts.forecast_accuracy (
    forecast_accuracy_id varchar, submitter_id varchar, submitter_role varchar,
    period_type varchar, fiscal_period varchar, week_of_period integer,
    is_period_closed boolean, commit_accuracy double, best_case_accuracy double,
    trailing_accuracy double, commit_bias double, best_case_bias double, trailing_bias double
);
insert into marts.forecast_accuracy values
    ('005U1|rep|quarter|FY2026-Q1|13', '005U1', 'rep', 'quarter', 'FY2026-Q1', 13, true,
     0.9, 0.8, 0.9, -0.1, 0.2, -0.1),
    ('005U2|rep|quarter|FY2026-Q1|13', '005U2', 'rep', 'quarter', 'FY2026-Q1', 13, true,
     0.95, 0.7, 0.95, 0.05, 0.3, 0.05),
    ('005U3|manager|quarter|FY2026-Q1|13', '005U3', 'manager', 'quarter', 'FY2026-Q1', 13,
     true, 0.92, 0.75, 0.92, -0.08, 0.25, -0.08),
    ('005U1|rep|quarter|FY2026-Q2|3', '005U1', 'rep', 'quarter', 'FY2026-Q2', 3, false,
     null, null, 0.9, null, null, -0.1);

create table marts.forecast_calls (
    forecast_call_id varchar, team_id varchar, period_type varchar, fiscal_period varchar,
    week_of_period integer, forecast_category varchar, owner_call_amount decimal(18,2),
    roll_up_amount decimal(18,2), call_amount decimal(18,2)
);
insert into marts.forecast_calls values
    ('00ER0|quarter|FY2026-Q2|3|Commit', '00ER0', 'quarter', 'FY2026-Q2', 3, 'Commit',
     900.00, 750.00, 900.00),
    ('00ER1|quarter|FY2026-Q2|3|Commit', '00ER1', 'quarter', 'FY2026-Q2', 3, 'Commit',
     null, 750.00, 750.00),
    ('00ER1|quarter|FY2026-Q2|3|Best Case', '00ER1', 'quarter', 'FY2026-Q2', 3, 'Best Case',
     null, null, null);

create table marts.forecast_projection (
    forecast_projection_id varchar, team_id varchar, fiscal_period varchar,
    projection_type varchar, projection_date date, closed_to_date_amount decimal(18,2),
    open_pipeline_amount decimal(18,2), expected_from_open_amount decimal(18,2),
    projected_amount decimal(18,2), projected_low_amount decimal(18,2),
    projected_high_amount decimal(18,2), projection_error double, range_method varchar
);
insert into marts.forecast_projection values
    ('00ER1|FY2026-Q2|current|2026-04-15', '00ER1', 'FY2026-Q2', 'current', '2026-04-15',
     0.00, 540.00, 432.00, 432.00, 200.00, 540.00, null, 'independent_deals'),
    ('00ER0|FY2026-Q2|current|2026-04-15', '00ER0', 'FY2026-Q2', 'current', '2026-04-15',
     0.00, 540.00, 432.00, 432.00, 200.00, 900.00, null, 'backtest_calibrated'),
    ('00ER1|FY2026-Q1|backtest|2026-02-02', '00ER1', 'FY2026-Q1', 'backtest', '2026-02-02',
     500.00, 2540.00, 800.00, 1300.00, 900.00, 1700.00, -0.1, 'independent_deals'),
    ('00ER1|FY2026-Q1|backtest|2026-03-02', '00ER1', 'FY2026-Q1', 'backtest', '2026-03-02',
     1000.00, 2540.00, 600.00, 1600.00, 1300.00, 1900.00, 0.06, 'independent_deals');

create table marts.forecast_win_rates (
    win_rate_id varchar, fiscal_period varchar, stage_name varchar, forecast_category varchar,
    age_bucket varchar, rate_level varchar, cell_observation_count bigint,
    cell_won_count bigint, stage_age_observation_count bigint, stage_age_won_count bigint,
    stage_observation_count bigint, stage_won_count bigint, win_rate double
);
insert into marts.forecast_win_rates values
    ('FY2026-Q2|Negotiation|Commit|0-30', 'FY2026-Q2', 'Negotiation', 'Commit', '0-30',
     'stage_category_age', 25, 15, 30, 18, 60, 30, 0.6),
    ('FY2026-Q2|Proposal|Best Case|31-60', 'FY2026-Q2', 'Proposal', 'Best Case', '31-60',
     'stage', 5, 2, 10, 4, 40, 16, 0.4);

create table marts_restricted.pay_for_performance (
    pay_for_performance_id varchar, plan_id varchar, fiscal_year integer, rep_id varchar,
    team_id varchar, bookings_amount decimal(18,2), variable_pay_amount decimal(18,2),
    effective_commission_rate double, team_attainment_pay_correlation double
);
insert into marts_restricted.pay_for_performance values
    ('PL1|2026', 'PL1', 2026, '005U1', '00ER1', 500.00, 80.00, 0.16, 1.0),
    ('PL2|2026', 'PL2', 2026, '005U2', '00ER1', 500.00, 40.00, 0.08, 1.0);

create table marts_restricted.fct_payouts (
    payout_id varchar, rep_id varchar, pay_month varchar, pay_month_start date,
    commission_amount decimal(38,10)
);
insert into marts_restricted.fct_payouts values
    ('PO0', '005U1', '2026-01', '2026-01-01', 40.00),
    ('PO1', '005U1', '2026-02', '2026-02-01', 40.00),
    ('PO2', '005U2', '2026-02', '2026-02-01', 40.00),
    ('PO3', '005U1', '2026-03', '2026-03-01', 0.00),
    ('PO4', '005U2', '2026-03', '2026-03-01', 0.00);

create table marts_restricted.commission_audit (
    commission_audit_id varchar, rep_id varchar, pay_month varchar, pay_month_start date,
    audit_status varchar, expected_commission_amount decimal(18,2)
);
insert into marts_restricted.commission_audit values
    ('005U1|2026-01-01', '005U1', '2026-01', '2026-01-01', 'overpaid', 0.00);

create table marts_restricted.dim_comp_plan (
    plan_id varchar, rep_id varchar, fiscal_year integer, effective_from date,
    effective_to date
);
insert into marts_restricted.dim_comp_plan values
    ('PL1', '005U1', 2026, '2026-01-01', '2026-12-31'),
    ('PL2', '005U2', 2026, '2026-02-10', '2026-12-31');
"""


def build_clean_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(DDL)
    finally:
        con.close()
    return path


def plant_sql(path: Path, *statements: str) -> None:
    """Apply fault SQL to a warehouse copy."""
    con = duckdb.connect(str(path))
    try:
        con.execute("set TimeZone = 'UTC'")
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


@pytest.fixture(scope="session")
def clean_warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_clean_warehouse(tmp_path_factory.mktemp("dq_clean") / "work.duckdb")


@pytest.fixture
def warehouse(clean_warehouse_file: Path, tmp_path: Path) -> Path:
    """A private copy of the clean warehouse that a test may plant faults in."""
    target = tmp_path / "work.duckdb"
    shutil.copyfile(clean_warehouse_file, target)
    return target


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF


@pytest.fixture
def plant() -> Callable[..., None]:
    """`plant(path, *sql)`: apply fault SQL to a warehouse file."""
    return plant_sql
