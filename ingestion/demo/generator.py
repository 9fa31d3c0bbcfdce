"""`generate()`: write the demo company into a landing folder, and its manifest.

Deterministic: the same arguments give byte-identical files (every random draw comes from a
stream seeded by `seed` and a fixed component number; ids, orderings and file metadata are fixed).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np

from ingestion.demo import fiscal
from ingestion.demo.accounts import make_accounts
from ingestion.demo.activities import DealLives, make_activities, write_activities
from ingestion.demo.comp import make_comp
from ingestion.demo.credits import Credits, credited_bookings
from ingestion.demo.crm import build_opportunities, make_line_items
from ingestion.demo.crm_files import make_ids, write_crm
from ingestion.demo.deals import finish_amounts, plan_deals, scale_amounts
from ingestion.demo.faults import choose_fault_deals, plant_faults
from ingestion.demo.files import (
    write_assignments,
    write_comp,
    write_forecasts,
    write_fx,
    write_quota_workbooks,
)
from ingestion.demo.forecasts import build_ledger, make_forecasts, quarter_bounds
from ingestion.demo.fx import make_fx
from ingestion.demo.history import build_history
from ingestion.demo.names import EXOTIC
from ingestion.demo.next_steps import plan_next_steps
from ingestion.demo.org import build_org, history_start
from ingestion.demo.ownership import MemberPicker, assign_owners
from ingestion.demo.quotas import make_quotas
from ingestion.demo.realism import TARGETS, activity_volume, compute_realism
from ingestion.demo.scales import SCALES
from ingestion.demo.turnarounds import plan_pull_ins, plan_reopens

GENERATOR_VERSION = "1.2.0"
OUR_ENTRIES = (
    "crm",
    "sales_analytics",
    "revenue_intelligence",
    "compensation",
    "finance",
    "_manifest.json",
)


def _rng(seed: int, component: int) -> np.random.Generator:
    return np.random.default_rng([seed, component])


def _check_args(out_dir: Path, scale: str, seed: int, fsm: int, overwrite: bool) -> None:
    if scale not in SCALES:
        raise ValueError(f"scale {scale!r} is not one of {', '.join(SCALES)}")
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed {seed!r} must be a non-negative whole number")
    if not isinstance(fsm, int) or not 1 <= fsm <= 12:
        raise ValueError(f"fiscal_year_start_month {fsm!r} must be 1..12")
    present = [e for e in OUR_ENTRIES if (out_dir / e).exists()]
    if present and not overwrite:
        raise FileExistsError(
            f"{out_dir} already holds a landing folder ({', '.join(present)}); "
            "pass overwrite=True (spm generate --overwrite) to replace it"
        )
    for e in present:
        path = out_dir / e
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def generate(
    out_dir: Path,
    scale: str = "small",
    seed: int = 42,
    as_of: dt.date | None = None,
    fiscal_year_start_month: int = 1,
    exotic_names: bool = False,
    overwrite: bool = False,
) -> dict:
    """Write the demo company of `scale` into `out_dir` (landing formats of
    ingestion/LANDING_CONTRACT.md) and return the manifest also written to
    `out_dir/_manifest.json`. `as_of` defaults to today; pass it for reproducible output."""
    out_dir = Path(out_dir)
    fsm = fiscal_year_start_month
    _check_args(out_dir, scale, seed, fsm, overwrite)
    sc = SCALES[scale]
    as_of = as_of or dt.date.today()
    if not isinstance(as_of, dt.date):
        raise TypeError(f"as_of {as_of!r} must be a datetime.date")
    ao = fiscal.day_of(as_of)
    hs = history_start(sc, ao, fsm)
    out_dir.mkdir(parents=True, exist_ok=True)

    org = build_org(sc, _rng(seed, 1), hs, ao, fsm)
    n_people = len(org.people)
    accounts = make_accounts(sc, org, _rng(seed, 2))
    fx = make_fx(_rng(seed, 3), hs - 366, ao)
    deals, targets = plan_deals(sc, org, accounts, fx, _rng(seed, 4), fsm)
    own = assign_owners(deals, org, _rng(seed, 5))

    names = [p.name for p in org.people]
    account_names = list(accounts.names)
    exotic_accounts: set[int] = set()
    exotic_people: list[int] = []
    if exotic_names:
        _, rep_last = org.rep_interval()
        active = [p for p in org.reps.tolist() if rep_last[p] >= ao]
        exotic_people = active[:2]
        names[exotic_people[0]] = EXOTIC["rep_name"]
        names[exotic_people[1]] = EXOTIC["rep_name_2"]
        busiest = np.argsort(-np.bincount(deals.account, minlength=len(accounts)), kind="stable")
        exotic_accounts = set(busiest[:3].tolist())
        keys = ("account_formula", "account_quotes", "account_unicode")
        for k, key in zip(sorted(exotic_accounts), keys, strict=True):
            account_names[k] = EXOTIC[key]

    rng_faults = _rng(seed, 6)
    chosen = choose_fault_deals(deals, own, org, rng_faults, sc.faults_per_kind, exotic_accounts)
    scale_amounts(
        deals, targets, own.owner, own.split_partner, own.owner_pct, chosen.excluded_deals()
    )
    finish_amounts(deals, fx, ao)
    turn_rng = _rng(seed, 15)
    plan_pull_ins(deals, turn_rng)
    plan_reopens(deals, turn_rng, exclude=chosen.excluded_deals())
    history, current = build_history(deals)
    opps = build_opportunities(deals, history, current, own, ao)

    faults = plant_faults(
        chosen, opps, org, accounts, rng_faults, sc.faults_per_kind, exotic_accounts
    )
    opps.line_items = make_line_items(opps, _rng(seed, 7))
    opps.next_step = plan_next_steps(opps.stage, _rng(seed, 14))
    rng_acc = _rng(seed, 8)
    team_of_account = accounts.team
    owner = MemberPicker(org, "rep").pick(
        team_of_account, np.full(len(accounts), ao), np.full(len(accounts), -1), rng_acc
    )
    missing = owner < 0
    owner[missing] = MemberPicker(org, "manager").pick(
        team_of_account[missing], np.full(missing.sum(), ao), np.full(missing.sum(), -1), rng_acc
    )
    accounts.owner = owner

    credits = credited_bookings(opps, fx, n_people)
    quotas = make_quotas(org, fsm)
    comp = make_comp(org, quotas, credits, fsm, _rng(seed, 9), sc.faults_per_kind)

    planned = np.flatnonzero(deals.won & ~deals.closed)
    ledger_credits = Credits(
        np.r_[credits.person, own.owner[planned]],
        np.r_[credits.deal, planned],
        np.r_[credits.day, deals.outcome_day[planned]],
        np.r_[credits.usd, deals.amount_usd_planned[planned]],
    )
    q_first, _ = quarter_bounds(np.array([hs]), fsm)
    _, q_last = quarter_bounds(np.array([ao]), fsm)
    ledger = build_ledger(org, ledger_credits, int(q_first[0]) - 1, int(q_last[0]))
    forecasts = make_forecasts(org, ledger, fsm, _rng(seed, 10))
    realism = compute_realism(org, opps, credits, quotas, ledger, forecasts, fsm)

    rng_ids = _rng(seed, 12)
    ids = make_ids(org, accounts, opps, faults, rng_ids)
    salt_act, salt_fs = (int(x) for x in rng_ids.integers(0, 2**62, 2))
    counts: dict[str, object] = {}
    counts.update(
        write_crm(out_dir, org, accounts, opps, faults, ids, names, account_names, _rng(seed, 13))
    )
    counts["compensation/assignments.csv"] = write_assignments(out_dir, org, ids.users, ids.roles)
    counts.update(write_quota_workbooks(out_dir, org, quotas, faults, fsm, names))
    counts.update(write_comp(out_dir, org, comp, ids.users))
    counts["revenue_intelligence/forecast_submissions.csv"] = write_forecasts(
        out_dir, forecasts, ids.users, salt_fs
    )
    counts["finance/fx_rates.csv"] = write_fx(out_dir, fx)

    # Every other file is written: keep of the deals only what the activities need, and free
    # the rest of the plan and the CRM's history (2.5 GB at `xl`) before drawing the largest
    # table. Each step draws from a random stream of its own, so the order changes no value.
    lives = DealLives.of(deals, opps)
    user_ids, opportunity_ids, account_ids = ids.users, ids.opportunities, ids.accounts
    split_ids = ids.splits
    del deals, history, current, opps, credits, ledger, ledger_credits, forecasts, ids
    acts = make_activities(sc, org, lives, own, accounts, _rng(seed, 11))
    del lives
    per_day = write_activities(
        out_dir, acts, user_ids[:n_people], opportunity_ids, account_ids, salt_act
    )
    counts = dict(sorted(counts.items()))
    counts["activities"] = {"total": int(sum(per_day.values())), "per_day": per_day}
    realism.update(activity_volume(org, acts))
    realism["targets"] = {k: list(v) for k, v in TARGETS.items()}

    def opp_ids(idx: list[int]) -> list[str]:
        return [opportunity_ids[i].decode() for i in idx]

    manifest = {
        "generator_version": GENERATOR_VERSION,
        "scale": scale,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "fiscal_year_start_month": fsm,
        "history_start": fiscal.date_of(hs).isoformat(),
        "exotic_names": exotic_names,
        "counts": counts,
        "realism": realism,
        "faults": {
            "duplicate_opportunities": opp_ids(faults.duplicate_opportunities),
            "soft_deleted": opp_ids(faults.soft_deleted_opportunities)
            + [account_ids[i].decode() for i in faults.soft_deleted_accounts],
            "negative_amounts": opp_ids(faults.negative_amounts),
            "orphan_owners": opp_ids(faults.orphan_owner_opportunities)
            + [split_ids[i].decode() for i in faults.orphan_owner_splits],
            "close_before_created": opp_ids(faults.close_before_created),
            "unknown_currency": opp_ids(faults.unknown_currency),
            "mixed_case_emails": [user_ids[p].decode() for p in sorted(faults.mixed_case_emails)],
            "unknown_quota_emails": [e for e, _ in faults.unknown_quota_emails],
            "wrong_payouts": [
                {"email": org.people[p].email, "month": f"{am // 12:04d}-{am % 12 + 1:02d}"}
                for p, am in comp.wrong
            ],
        },
        "exotic": {
            "users": [user_ids[p].decode() for p in exotic_people],
            "accounts": [account_ids[a].decode() for a in sorted(exotic_accounts)],
        },
    }
    (out_dir / "_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest
