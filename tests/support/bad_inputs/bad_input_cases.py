"""The corpus: every bad-input case, as data. README.md in this folder lists them for people.

Rows are sheet rows as the errors count them (CSV header = row 1, first record = row 2; JSON
lines count from 1). Records broken on purpose are clean ones chosen by index (see
bad_input_faults), so no case lands on a record the generator already made faulty.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.support.bad_inputs import bad_input_faults as f
from tests.support.bad_inputs.bad_input_case import Case

OPP = "crm/Opportunity.csv"
ACCOUNTS = "crm/Account.csv"
USERS = "crm/User.csv"
SPLITS = "crm/OpportunitySplit.csv"
FORECASTS = "revenue_intelligence/forecast_submissions.csv"
QUOTAS = "compensation/quotas_FY2026.xlsx"
ASSIGNMENTS = "compensation/assignments.csv"
PLANS = "compensation/comp_plans.csv"
TIERS = "compensation/comp_plan_tiers.csv"
PAYOUTS = "compensation/payouts.csv"
FX = "finance/fx_rates.csv"
DAY = dt.date(2026, 11, 2)
NEW_DAY = dt.date(2026, 11, 29)
UNKNOWN_USER = "0058d000ZZZZZZZAAA"

CURRENT_OPPORTUNITY = "from raw_crm.opportunity where id = '{key}' and _dlt_valid_to is null"
QUOTA_CELL = "source_file like '%quotas_FY2026.xlsx' and source_column || source_row = '{key}'"

ERRORS = [
    Case(
        "missing_column",
        "Opportunity.csv without its CurrencyIsoCode column: the header row is named, and the"
        " column",
        "crm",
        OPP,
        lambda land: f.drop_column(land, OPP, "CurrencyIsoCode"),
        "error",
        row=1,
        field="CurrencyIsoCode",
        says="missing",
    ),
    Case(
        "renamed_column",
        "CloseDate renamed 'Close Date' (a hand-edited header): the contract's column is missing",
        "crm",
        OPP,
        lambda land: f.rename_column(land, OPP, "CloseDate", "Close Date"),
        "error",
        row=1,
        field="CloseDate",
        says="missing",
    ),
    Case(
        "wrong_type_amount_in_words",
        "Amount written in words",
        "crm",
        OPP,
        lambda land: land.edit(OPP, 10, bump=False, Amount="twelve thousand"),
        "error",
        row=10,
        field="Amount",
        says="'twelve thousand'",
    ),
    Case(
        "wrong_type_european_date",
        "CloseDate written day/month/year",
        "crm",
        OPP,
        lambda land: land.edit(OPP, 12, bump=False, CloseDate="31/12/2026"),
        "error",
        row=12,
        field="CloseDate",
        says="'31/12/2026'",
    ),
    Case(
        "wrong_type_probability",
        "Probability 'high' instead of a number",
        "crm",
        OPP,
        lambda land: land.edit(OPP, 20, bump=False, Probability="high"),
        "error",
        row=20,
        field="Probability",
        says="'high'",
    ),
    Case(
        "empty_file",
        "User.csv of 0 bytes (an export that failed). The file has no row and no field to"
        " name; the message names the file and says it is empty",
        "crm",
        USERS,
        lambda land: land.write_bytes(USERS, b""),
        "error",
        says="file is empty",
    ),
    Case(
        "truncated_file",
        "Opportunity.csv cut in the middle of its last record (a copy interrupted): the"
        " short record is named by its row; a record missing fields has no one field at fault,"
        " so the message says how many fields it has instead",
        "crm",
        OPP,
        lambda land: f.truncate_mid_row(land, OPP),
        "error",
        row=4589,
        says="fields, the header has 19",  # how many depends on where the cut falls
    ),
    Case(
        "non_utf8_bytes",
        "An account name written in Latin-1 ('Müller' as byte 0xFC) inside a UTF-8 file",
        "crm",
        ACCOUNTS,
        lambda land: f.latin1_cell(land, ACCOUNTS, 6, "Name", "Müller Maschinenbau"),
        "error",
        row=6,
        field="Name",
        says="UTF-8",
    ),
    Case(
        "duplicate_column_header",
        "Opportunity.csv with a second 'Amount' column appended: which one is the amount?",
        "crm",
        OPP,
        lambda land: f.add_column(land, OPP, "Amount", "1.00"),
        "error",
        row=1,
        field="Amount",
        says="Amount",
    ),
    Case(
        "semicolon_separated",
        "forecast_submissions.csv saved by a European spreadsheet with ';' between fields: the"
        " message says so (it used to say every contract column is missing)",
        "revenue_intelligence",
        FORECASTS,
        lambda land: f.semicolon_separated(land, FORECASTS),
        "error",
        row=1,
        says="the file looks ';'-separated",
    ),
    Case(
        "forecast_duplicate_id_different_values",
        "Two forecast calls with one SubmissionId and different amounts: outside the CRM a"
        " repeated key is an error, not a silent pick",
        "revenue_intelligence",
        FORECASTS,
        lambda land: f.duplicate_key(land, FORECASTS, 6, 5, ["SubmissionId"]),
        "error",
        row=6,
        field="SubmissionId",
        says="already on row 5",
    ),
    Case(
        "forecast_amount_wrong_type",
        "A forecast call of 'about 50k'",
        "revenue_intelligence",
        FORECASTS,
        lambda land: land.edit(FORECASTS, 30, Amount="about 50k"),
        "error",
        row=30,
        field="Amount",
        says="'about 50k'",
    ),
    Case(
        "fx_duplicate_rate_different_values",
        "Two EUR rates for one day (row 4 repeats row 2's date and currency with another rate)",
        "finance",
        FX,
        lambda land: f.duplicate_key(land, FX, 4, 2, ["date", "currency"]),
        "error",
        row=4,
        field="date+currency",
        says="already on row 2",
    ),
    Case(
        "assignment_hire_date_in_words",
        "HireDate 'next monday'",
        "compensation",
        ASSIGNMENTS,
        lambda land: land.edit(ASSIGNMENTS, 8, HireDate="next monday"),
        "error",
        row=8,
        field="HireDate",
        says="'next monday'",
    ),
    Case(
        "tier_rate_as_percent_text",
        "CommissionRate written '8%' instead of 0.08",
        "compensation",
        TIERS,
        lambda land: land.edit(TIERS, 5, CommissionRate="8%"),
        "error",
        row=5,
        field="CommissionRate",
        says="'8%'",
    ),
    Case(
        "quota_text_in_number_cell",
        "A quota cell holding 'TBD' (alex.fleming, 2026-04)",
        "compensation",
        QUOTAS,
        lambda land: land_cell(land, "F4", "TBD"),
        "error",
        row=4,
        field="2026-04",
        sheet="FY2026",
        cell="F4",
        says="'TBD' is not a number",
    ),
    Case(
        "quota_merged_header",
        "Header cells C1:D1 merged (2026-01 spread over two columns, D1 becomes blank): the"
        " cell is named; the blank header has no field name to give",
        "compensation",
        QUOTAS,
        lambda land: f.merge_quota_header(land, "C1:D1"),
        "error",
        row=1,
        field=None,
        sheet="FY2026",
        cell="D1",
        says="month header None is not a month YYYY-MM",
    ),
    Case(
        "quota_missing_month_column",
        "The 2026-06 column deleted: the sheet has eleven months",
        "compensation",
        QUOTAS,
        lambda land: f.delete_quota_column(land, 8),
        "error",
        row=1,
        field="2026-06",
        sheet="FY2026",
        cell="H1",
        says="2026-06",
    ),
    Case(
        "quota_rep_twice",
        "A rep's row repeated at the bottom of the workbook (same email): two quotas for one"
        " rep and month",
        "compensation",
        QUOTAS,
        lambda land: f.repeat_quota_row(land, 9, upper_email=False),
        "error",
        row=32,
        field="Email",
        sheet="FY2026",
        cell="A32",
        says="already has quotas on row 9",
    ),
    Case(
        "header_with_trailing_space",
        "Header 'Amount ' with a trailing space (a hand-edited header): the contract's column"
        " is missing, and the message lists the header as found so the space can be seen",
        "crm",
        OPP,
        lambda land: f.rename_column(land, OPP, "Amount", "Amount "),
        "error",
        row=1,
        field="Amount",
        says="required column is missing (the header has: Id, Name, AccountId, OwnerId, Amount ,",
    ),
    Case(
        "quota_row_without_email",
        "A workbook row whose Email cell is blank (the rep's quotas could reach nobody)",
        "compensation",
        QUOTAS,
        lambda land: land_cell(land, "A10", None),
        "error",
        row=10,
        field="Email",
        sheet="FY2026",
        cell="A10",
        says="is not an email",
    ),
    Case(
        "activity_day_file_empty",
        "A new day folder whose activities.jsonl has 0 bytes: the whole sales_analytics load"
        " stops (the file has no line or field to name). A day without activities is written"
        " as no folder, not as an empty file",
        "sales_analytics",
        f.activities_file(NEW_DAY),
        lambda land: f.new_activity_file(land, NEW_DAY, b""),
        "error",
        says="file is empty",
    ),
    Case(
        "symlink_to_a_file_outside",
        "crm/Account.csv is a symbolic link to /etc/passwd: refused, naming the file, and no"
        " line of the target is quoted",
        "crm",
        ACCOUNTS,
        lambda land: f.symlink_outside(land, ACCOUNTS, Path("/etc/passwd")),
        "error",
        says="is a symbolic link, which a load never follows",
    ),
    Case(
        "symlink_to_a_good_csv_elsewhere",
        "crm/User.csv is a symbolic link to a good copy of the export in another folder: refused"
        " (it used to load and publish with no message)",
        "crm",
        USERS,
        lambda land: f.symlink_outside(land, USERS),
        "error",
        says="is a symbolic link",
    ),
    Case(
        "activity_invalid_json_line",
        "A day folder whose 3rd line is not JSON. A line that does not parse has no field to"
        " name; the message names the file and the line",
        "sales_analytics",
        f.activities_file(DAY),
        lambda land: f.replace_activity_line(land, DAY, 3, '{"id": "act_1", "type": "call",'),
        "error",
        row=3,
        says="is not valid JSON",
    ),
    Case(
        "semicolon_separated_with_decimal_commas",
        "Opportunity.csv saved with ';' between fields and decimal commas (Amount '1234,50'):"
        " the message says the file looks ';'-separated instead of 'row 2: has 2 fields'",
        "crm",
        OPP,
        lambda land: f.semicolon_separated(land, OPP, decimal_comma_in="Amount"),
        "error",
        row=1,
        says="looks ';'-separated",
    ),
    Case(
        "amount_out_of_range",
        "Amount 1e20: the message gives the range of an amount, not 'at most 2 decimals'",
        "crm",
        OPP,
        lambda land: land.edit(OPP, 15, bump=False, Amount="1e20"),
        "error",
        row=15,
        field="Amount",
        says="'1e20' is out of range: Amount must be between -9,999,999,999,999,999.99 and",
    ),
    Case(
        "amount_with_thousands_separators",
        "Amount '16,290.00' (a spreadsheet's display format): the separators are named",
        "crm",
        OPP,
        lambda land: land.edit(OPP, 16, bump=False, Amount="16,290.00"),
        "error",
        row=16,
        field="Amount",
        says="'16,290.00' has thousands separators: write the number without them (16290.00)",
    ),
    Case(
        "quota_out_of_range",
        "A quota cell of 1e20: named by cell with the range, not a raw pyarrow ArrowInvalid",
        "compensation",
        QUOTAS,
        lambda land: land_cell(land, "F4", 1e20),
        "error",
        row=4,
        field="2026-04",
        sheet="FY2026",
        cell="F4",
        says="is out of range: a quota must be between",
    ),
    Case(
        "quota_blank_row_above_header",
        "A blank row inserted above the header: the message says where the header is, not"
        " 'sheet is empty'",
        "compensation",
        QUOTAS,
        lambda land: f.insert_quota_rows(land, 1),
        "error",
        row=1,
        sheet="FY2026",
        cell="A1",
        says="row 1 is blank: the header (Email, Name, then the months) must be on row 1; the"
        " first filled row is row 2",
    ),
    Case(
        "quota_formula_without_saved_value",
        "A quota cell '=C4' written by a tool that does not calculate (no cached value): it"
        " used to read as a blank quota; now the cell is named",
        "compensation",
        QUOTAS,
        lambda land: land_cell(land, "F4", "=C4"),
        "error",
        row=4,
        sheet="FY2026",
        cell="F4",
        says="the formula '=C4' was saved without its value",
    ),
]


def land_cell(land, cell: str, value: object) -> str:
    with land.sheet(QUOTAS) as sheet:
        sheet[cell] = value
    return cell


QUARANTINES = [
    Case(
        "negative_amount",
        "Amount -5000.00 on a clean opportunity",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 0, Amount="-5000.00"),
        "quarantine",
        table="opportunities",
        rule="negative_amount",
        shared=True,
    ),
    Case(
        "orphan_owner",
        "OwnerId of a user that is in no User row",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 1, OwnerId=UNKNOWN_USER),
        "quarantine",
        table="opportunities",
        rule="unknown_owner",
        shared=True,
    ),
    Case(
        "close_date_before_created_date",
        "CloseDate ten days before CreatedDate",
        "crm",
        OPP,
        lambda land: f.close_before_created(land, 2),
        "quarantine",
        table="opportunities",
        rule="close_before_created",
        shared=True,
    ),
    Case(
        "unknown_currency",
        "CurrencyIsoCode 'XYZ': no rate to convert it (GX also warns: see"
        " unknown_currency_reported_at_source)",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 3, CurrencyIsoCode="XYZ"),
        "quarantine",
        table="opportunities",
        rule="no_fx_rate",
        shared=True,
    ),
    Case(
        "blank_close_date",
        "CloseDate left blank",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 4, CloseDate=""),
        "quarantine",
        table="opportunities",
        rule="missing_date",
        shared=True,
    ),
    Case(
        "split_percentages_not_100",
        "Two Revenue splits of 50 and 40: 90% of the deal credited",
        "crm",
        SPLITS,
        lambda land: f.edit_split(land, 0, SplitPercentage="40.00"),
        "quarantine",
        table="opportunities",
        rule="revenue_splits_not_100",
        shared=True,
    ),
    Case(
        "orphan_split_owner",
        "A Revenue split owned by a user in no User row",
        "crm",
        SPLITS,
        lambda land: f.edit_split(land, 1, SplitOwnerId=UNKNOWN_USER),
        "quarantine",
        table="opportunities",
        rule="unknown_split_owner",
        shared=True,
    ),
    Case(
        "unknown_split_type",
        "A split whose SplitTypeId is neither Revenue nor Overlay",
        "crm",
        SPLITS,
        lambda land: f.edit_split(land, 2, SplitTypeId="04B8d000ZZZZZZZAAA"),
        "quarantine",
        table="opportunities",
        rule="unknown_split_type",
        shared=True,
    ),
    Case(
        "close_date_far_in_future",
        "An open USD deal with CloseDate 2999-12-31: loaded as it is (the corporate currency"
        " needs no rate, so nothing quarantines it; a date that far out is the rep's to fix)",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(
            land,
            40,
            StageName="Prospecting",
            Probability="10",
            ForecastCategoryName="Pipeline",
            IsClosed="false",
            IsWon="false",
            CloseDate="2999-12-31",
        ),
        "accepted",
        query="select close_date " + CURRENT_OPPORTUNITY,
        expected=[(dt.date(2999, 12, 31),)],
        shared=True,
    ),
    Case(
        "negative_quota",
        "A quota cell of -1000 (adrian.wang's first month)",
        "compensation",
        QUOTAS,
        lambda land: f.quota_cell(land, 2, -1000),
        "quarantine",
        table="quotas",
        rule="negative_quota",
        shared=True,
    ),
    Case(
        "quota_email_of_nobody",
        "A workbook row whose email matches no CRM user or assignment (a typo in the domain)",
        "compensation",
        QUOTAS,
        lambda land: f.quota_email(land, 4, "alex.fleming@acmecloud.exmaple"),
        "quarantine",
        table="quotas",
        rule="unknown_rep_email",
        shared=True,
    ),
    Case(
        "quota_rep_twice_other_case",
        "A rep's row repeated at the bottom with the email in capitals: raw keys differ, but"
        " both rows are the same rep, so each month has two quotas",
        "compensation",
        QUOTAS,
        lambda land: f.repeat_quota_row(land, 6, upper_email=True),
        "quarantine",
        table="quotas",
        rule="duplicate_rep_month",
        shared=True,
    ),
]

BLOCKING = [
    Case(
        "absurdly_large_amount",
        "Amount 12,000,000,000.00 (a unit error): above max_opportunity_amount",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 10, Amount="12000000000.00"),
        "blocking",
        check="opportunity__amount_below_ceiling",
    ),
    Case(
        "unknown_stage",
        "StageName 'Won' (not one of the seven stages)",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 11, StageName="Won"),
        "blocking",
        check="opportunity__stage_name_in_set",
    ),
    Case(
        "blank_stage",
        "StageName left blank: nothing quarantines it and open/won/lost is unknown",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 12, StageName=""),
        "blocking",
        check="opportunity__stage_name_not_null",
    ),
    Case(
        "probability_above_100",
        "Probability 150",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 13, Probability="150"),
        "blocking",
        check="opportunity__probability_within_0_100",
    ),
    Case(
        "unknown_forecast_category",
        "ForecastCategoryName 'Maybe'",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 14, ForecastCategoryName="Maybe"),
        "blocking",
        check="opportunity__forecast_category_name_in_set",
    ),
    Case(
        "split_percentage_above_100",
        "A split of 250%",
        "crm",
        SPLITS,
        lambda land: f.edit_split(land, 3, SplitPercentage="250.00"),
        "blocking",
        check="opportunity_split__split_percentage_within_0_100",
    ),
    Case(
        "user_without_email",
        "A user whose Email is blank: a warning (quotas fall back to the rep's name)",
        "crm",
        USERS,
        lambda land: land.edit(USERS, 10, Email=""),
        "warning",
        check="user__email_not_null",
    ),
    Case(
        "forecast_for_unknown_period",
        "A forecast call for 'FY2026-Q5', a quarter that does not exist",
        "revenue_intelligence",
        FORECASTS,
        lambda land: land.edit(FORECASTS, 40, FiscalPeriod="FY2026-Q5"),
        "blocking",
        check="forecast_submissions__fiscal_period_well_formed",
    ),
    Case(
        "forecast_for_far_period",
        "A call submitted in 2026 for 'FY2062-Q1' (a typo of FY2026)",
        "revenue_intelligence",
        FORECASTS,
        lambda land: land.edit(FORECASTS, 41, FiscalPeriod="FY2062-Q1"),
        "blocking",
        check="forecast_submissions__fiscal_period_matches_submission_date",
    ),
    Case(
        "forecast_unknown_currency",
        "A forecast call in 'XYZ'",
        "revenue_intelligence",
        FORECASTS,
        lambda land: land.edit(FORECASTS, 42, Currency="XYZ"),
        "blocking",
        check="forecast_submissions__currency_known",
    ),
    Case(
        "forecast_negative_amount",
        "A forecast call of -50000.00",
        "revenue_intelligence",
        FORECASTS,
        lambda land: land.edit(FORECASTS, 43, Amount="-50000.00"),
        "blocking",
        check="forecast_submissions__amount_within_range",
    ),
    Case(
        "quota_absurdly_large",
        "A monthly quota of 99,999,999 (a unit error)",
        "compensation",
        QUOTAS,
        lambda land: f.quota_cell(land, 11, 99_999_999),
        "blocking",
        check="quotas__quota_amount_below_ceiling",
    ),
    Case(
        "quota_month_of_another_year",
        "Month header '2024-06' in the FY2026 sheet (a pasted column): the load stops, since"
        " the months are no longer FY2026's 12 in order",
        "compensation",
        QUOTAS,
        lambda land: f.quota_header(land, "H", "2024-06"),
        "error",
        row=1,
        sheet="FY2026",
        cell="H1",
        says="out of order",
    ),
    Case(
        "assignment_unknown_role",
        "Role 'intern' in assignments.csv",
        "compensation",
        ASSIGNMENTS,
        lambda land: land.edit(ASSIGNMENTS, 9, Role="intern"),
        "blocking",
        check="assignments__role_in_set",
    ),
    Case(
        "comp_plan_unknown_currency",
        "A comp plan paid in 'BTC'",
        "compensation",
        PLANS,
        lambda land: land.edit(PLANS, 4, Currency="BTC"),
        "blocking",
        check="comp_plans__currency_known",
    ),
    Case(
        "commission_rate_as_percent",
        "CommissionRate 8 meant as 8%: it would pay eight times the bookings",
        "compensation",
        TIERS,
        lambda land: land.edit(TIERS, 6, CommissionRate="8.0000"),
        "blocking",
        check="comp_plan_tiers__commission_rate_within_0_1",
    ),
    Case(
        "fx_rate_zero",
        "A EUR rate of 0",
        "finance",
        FX,
        lambda land: land.edit(FX, 10, rate="0"),
        "blocking",
        check="fx_rates__rate_within_range",
    ),
]

WARNINGS = [
    Case(
        "unknown_currency_reported_at_source",
        "CurrencyIsoCode 'US$': not an ISO 4217 code, the raw check warns (dbt quarantines"
        " the deal, as it does any currency without a rate: see unknown_currency)",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 20, CurrencyIsoCode="US$"),
        "warning",
        check="opportunity__currency_iso_code",
    ),
    Case(
        "negative_amount_reported_at_source",
        "Amount -1.00: the raw check warns (dbt quarantines the deal, see negative_amount)",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 21, Amount="-1.00"),
        "warning",
        check="opportunity__amount_not_negative",
    ),
    Case(
        "close_before_created_reported_at_source",
        "CloseDate before CreatedDate: the raw check warns (dbt quarantines it)",
        "crm",
        OPP,
        lambda land: f.close_before_created(land, 22),
        "warning",
        check="opportunity__close_not_before_created",
    ),
    Case(
        "created_date_far_in_future",
        "CreatedDate 2099-01-01 (a clock error)",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(
            land, 23, CreatedDate="2099-01-01T00:00:00.000Z", CloseDate="2099-03-31"
        ),
        "warning",
        check="opportunity__created_not_after_as_of",
    ),
    Case(
        "malformed_user_email",
        "Email 'ana(at)acmecloud.example'",
        "crm",
        USERS,
        lambda land: land.edit(USERS, 12, Email="ana(at)acmecloud.example"),
        "warning",
        check="user__email_well_formed",
    ),
    Case(
        "forecast_submitted_in_future",
        "A call submitted on 2026-12-14, after the as-of date",
        "revenue_intelligence",
        FORECASTS,
        lambda land: land.edit(FORECASTS, 44, SubmittedAt="2026-12-14T09:00:00.000Z"),
        "warning",
        check="forecast_submissions__submitted_not_after_as_of",
    ),
    Case(
        "activity_day_far_in_future",
        "A new day folder 2031/01/06 with one activity (a device clock years ahead)",
        "sales_analytics",
        f.activities_file(dt.date(2031, 1, 6)),
        lambda land: f.activity_on_new_day(land, DAY, dt.date(2031, 1, 6)),
        "warning",
        check="activities__timestamp_not_after_as_of",
    ),
    Case(
        "activity_unknown_type",
        "An activity of type 'sms'",
        "sales_analytics",
        f.activities_file(DAY),
        lambda land: f.edit_activity(land, DAY, 4, type="sms"),
        "warning",
        check="activities__type_in_set",
    ),
    Case(
        "negative_commission_payout",
        "A payout of -500.00 (a clawback typed as a payout)",
        "compensation",
        PAYOUTS,
        lambda land: land.edit(PAYOUTS, 7, CommissionAmount="-500.00"),
        "warning",
        check="payouts__commission_amount_within_range",
    ),
    Case(
        "quota_blank_while_employed",
        "A quota cell emptied (F4, 2026-04) in a month the rep is employed: it would load as no"
        " quota for that month; the check names the cell",
        "compensation",
        QUOTAS,
        lambda land: land_cell(land, "F4", None),
        "warning",
        check="quotas__quota_not_blank_while_employed",
    ),
    Case(
        "activity_changed_in_a_later_load",
        "A new day file repeats an activity loaded by an earlier run, with another duration:"
        " the load cannot compare it with a file it does not read again, so the check does",
        "sales_analytics",
        f.activities_file(NEW_DAY),
        lambda land: f.activity_changed_on_new_day(land, DAY, NEW_DAY),
        "warning",
        check="activities__one_content_per_id",
    ),
]

ACCEPTED = [
    Case(
        "extra_column",
        "A new column Discount__c in Opportunity.csv: loaded (as discount_c) and reported",
        "crm",
        OPP,
        lambda land: (
            f.add_column(land, OPP, "Discount__c", "5")
            or f.edit_opportunity(land, 30, Name="Renamed deal")
        ),
        "accepted",
        new_columns={"opportunity": ["discount_c"]},
        query="select discount_c " + CURRENT_OPPORTUNITY,
        expected=[("5",)],
    ),
    Case(
        "duplicate_ids_different_values",
        "An opportunity exported twice with different amounts and the same SystemModstamp:"
        " the later row is kept and the id reported as deduplicated (the generator's own"
        " three repeats are reported too)",
        "crm",
        OPP,
        lambda land: f.duplicate_opportunity(land, 31, "77777.00"),
        "accepted",
        deduplicated={"opportunity": ["{key}"]},
        query="select amount " + CURRENT_OPPORTUNITY,
        expected=[(77777,)],
    ),
    Case(
        "bom",
        "fx_rates.csv starting with a UTF-8 byte-order mark (Excel's 'CSV UTF-8'): read as"
        " plain UTF-8, the first column stays 'date'",
        "finance",
        FX,
        lambda land: f.bom_and_line_endings(land, FX, bom=True, crlf=False),
        "accepted",
        query="select count(*), count(date) from raw_finance.fx_rates",
        expected=[(1824, 1824)],
    ),
    Case(
        "crlf_line_endings",
        "Account.csv with Windows CRLF line endings, one account modified: no carriage"
        " return ends up in the last field",
        "crm",
        ACCOUNTS,
        lambda land: (
            land.edit(ACCOUNTS, 7, Name="Crlf Industries")
            and f.bom_and_line_endings(land, ACCOUNTS, bom=False, crlf=True)
        ),
        "accepted",
        query="select name, system_modstamp from raw_crm.account where name = 'Crlf Industries'",
        expected=[("Crlf Industries", dt.datetime(2026, 11, 29, 23, 59, 59, tzinfo=dt.UTC))],
    ),
    Case(
        "bom_and_crlf",
        "forecast_submissions.csv with both a BOM and CRLF endings, one call modified",
        "revenue_intelligence",
        FORECASTS,
        lambda land: (
            land.edit(FORECASTS, 50, Amount="12345.00")
            and f.bom_and_line_endings(land, FORECASTS, bom=True, crlf=True)
        ),
        "accepted",
        query="select count(*), sum(case when amount = 12345 then 1 else 0 end)"
        " from raw_revenue_intelligence.forecast_submissions",
        expected=[(7182, 1)],
    ),
    Case(
        "script_in_account_name",
        "Account Name '<script>alert(1)</script>': stored verbatim (escaping is the"
        " renderer's job, tested in tests/reports)",
        "crm",
        ACCOUNTS,
        lambda land: land.edit(ACCOUNTS, 8, Name="<script>alert(1)</script>"),
        "accepted",
        query="select name from raw_crm.account where id = '{key}'",
        expected=[("<script>alert(1)</script>",)],
    ),
    Case(
        "formula_in_opportunity_name",
        'Opportunity Name \'=HYPERLINK("http://evil.example","click")\': stored verbatim'
        " (commas and quotes survive the CSV quoting)",
        "crm",
        OPP,
        lambda land: f.edit_opportunity(land, 32, Name='=HYPERLINK("http://evil.example","click")'),
        "accepted",
        query="select name " + CURRENT_OPPORTUNITY,
        expected=[('=HYPERLINK("http://evil.example","click")',)],
    ),
    Case(
        "script_in_quota_name",
        "The workbook's Name cell '<script>x</script>' for a rep: stored verbatim in raw",
        "compensation",
        QUOTAS,
        lambda land: land_cell(land, "B13", "<script>x</script>"),
        "accepted",
        query="select distinct name from raw_compensation.quotas where source_row = 13"
        " and source_file like '%quotas_FY2026.xlsx' and _dlt_valid_to is null",
        expected=[("<script>x</script>",)],
    ),
    Case(
        "forecast_extra_column",
        "A new column Notes in forecast_submissions.csv: loaded and reported",
        "revenue_intelligence",
        FORECASTS,
        lambda land: f.add_column(land, FORECASTS, "Notes", "called on Monday"),
        "accepted",
        new_columns={"forecast_submissions": ["notes"]},
    ),
    Case(
        "activity_blank_line",
        "A new day file with a blank line between its two activities: the blank line is"
        " skipped, both activities load",
        "sales_analytics",
        f.activities_file(NEW_DAY),
        lambda land: f.new_day_with_blank_line(land, DAY, NEW_DAY),
        "accepted",
        query="select count(*) from raw_sales_analytics.activities"
        " where source_file = '" + f.activities_file(NEW_DAY) + "'",
        expected=[(2,)],
    ),
    Case(
        "activity_day_redelivered",
        "A day file already loaded, exported again with the same events (one line moved):"
        " read again and appended again, so raw holds each of its 713 activities twice."
        " Documented (ingestion/sources/sales_analytics/README.md): stg_sales_analytics__activities"
        " keeps one row per id (the latest file wins), so no count doubles",
        "sales_analytics",
        f.activities_file(DAY),
        lambda land: f.move_activity_line(land, DAY, 1),
        "accepted",
        query="select count(*), count(distinct id) from raw_sales_analytics.activities"
        " where source_file = '" + f.activities_file(DAY) + "'",
        expected=[(1426, 713)],
    ),
    Case(
        "activity_same_id_other_content_in_two_day_files",
        "A new day file repeats an activity of an edited earlier day file with another"
        " duration: reported with the file and line of both, and the later file's version"
        " is kept",
        "sales_analytics",
        f.activities_file(NEW_DAY),
        lambda land: f.conflicting_activity(land, DAY, NEW_DAY),
        "accepted",
        deduplicated={"activities": ["{key}"]},
        query="select source_file, duration_seconds from ("
        "select *, row_number() over (partition by id order by source_file desc,"
        " _dlt_load_id desc) as n from raw_sales_analytics.activities where id = '{key}')"
        " where n = 1",
        expected=[(f.activities_file(NEW_DAY), 4321)],
    ),
    Case(
        "quota_email_other_case",
        "A workbook email in capitals ('Arjun.Tanaka@ACMECLOUD.EXAMPLE'): matched to the rep"
        " (trimmed, lower-cased), not quarantined, and in fct_quotas",
        "compensation",
        QUOTAS,
        lambda land: f.quota_email_case(land, 7),
        "accepted",
        query="select (select count(*) from quarantine.quotas where "
        + QUOTA_CELL
        + "), (select count(*) from marts.fct_quotas where "
        + QUOTA_CELL
        + ")",
        expected=[(0, 1)],
        shared=True,
    ),
]

CASES: list[Case] = [*ERRORS, *QUARANTINES, *BLOCKING, *WARNINGS, *ACCEPTED]
