{#-
    Every filled quota workbook cell with the rep its email belongs to. Emails are compared
    trimmed and lower-cased (the workbook's `b@x.com` is the CRM's ` B@x.com`), against the CRM
    users and the compensation assignments. When the CRM users have no emails at all (a CRM
    export with names only), or the workbook row has no email, the row is matched by name
    instead (trimmed, lower-cased, against the CRM user names); a name two users share is
    ambiguous, like an email two users share (`match_key` says which was used). A blank cell
    means no quota that month (the rep was not employed): it is not a quota of 0, so it is not
    carried further.
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

name_matches as (
    select
        lower(trim(user_name)) as name_key,
        count(distinct user_id) as matched_rep_count,
        max(user_id) as rep_id
    from users
    where user_name is not null and trim(user_name) <> ''
    group by lower(trim(user_name))
),

crm_has_emails as (
    select count(*) > 0 as has_emails
    from user_emails
),

filled_cells as (
    select
        quotas.*,
        case
            when quotas.email is not null and crm_has_emails.has_emails then 'email'
            else 'name'
        end as match_key
    from quotas
    cross join crm_has_emails
    where quotas.quota_amount is not null
),

matched as (
    select
        filled_cells.*,
        case
            when filled_cells.match_key = 'email' then coalesce(email_matches.matched_rep_count, 0)
            else coalesce(name_matches.matched_rep_count, 0)
        end as matched_rep_count,
        case
            when filled_cells.match_key = 'email' and email_matches.matched_rep_count = 1
                then email_matches.rep_id
            when filled_cells.match_key = 'name' and name_matches.matched_rep_count = 1
                then name_matches.rep_id
        end as rep_id
    from filled_cells
    left join email_matches
        on filled_cells.email = email_matches.email
    left join name_matches
        on lower(trim(filled_cells.rep_name)) = name_matches.name_key
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
