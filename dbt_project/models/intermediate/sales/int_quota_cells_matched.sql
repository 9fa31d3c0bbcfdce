{#-
    Every filled quota workbook cell with the rep its email belongs to. Emails are compared
    trimmed and lower-cased (the workbook's `b@x.com` is the CRM's ` B@x.com`), against the CRM
    users and the compensation assignments. A blank cell means no quota that month (the rep
    was not employed): it is not a quota of 0, so it is not carried further.
-#}
with

quotas as (select * from {{ ref('stg_compensation__quotas') }}),
users as (select * from {{ ref('stg_crm__users') }}),
assignments as (select * from {{ ref('stg_compensation__assignments') }}),

user_emails as (
    select
        email,
        user_id as rep_id
    from users
    where email is not null
),

assignment_emails as (
    select
        email,
        rep_id
    from assignments
    where email is not null
),

email_reps as (
    select
        email,
        rep_id
    from user_emails
    union
    select
        email,
        rep_id
    from assignment_emails
),

email_matches as (
    select
        email,
        count(distinct rep_id) as matched_rep_count,
        max(rep_id) as rep_id
    from email_reps
    group by email
),

filled_cells as (
    select *
    from quotas
    where quota_amount is not null
),

matched as (
    select
        filled_cells.*,
        coalesce(email_matches.matched_rep_count, 0) as matched_rep_count,
        case when email_matches.matched_rep_count = 1 then email_matches.rep_id end as rep_id
    from filled_cells
    left join email_matches
        on filled_cells.email = email_matches.email
),

final as (
    select
        *,
        case
            when rep_id is not null
                then count(*) over (partition by rep_id, month_start)
            else 0
        end as cells_for_rep_month
    from matched
)

select * from final
