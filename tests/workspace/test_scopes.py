"""Who may open which workspace page, for every page and every persona.

Allowed → 200, no role for the page → 403, the object outside the persona's scope → 404,
signed out → 302 to the sign-in page. A new URL in ``workspace.urls`` fails
``test_it_covers_every_workspace_url`` until it has rows here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from huoban.accounts.models import Membership, Role
from huoban.budget.models import Expense
from huoban.people.services import elder_create
from huoban.records.models import Flag, ImportBatch
from huoban.records.services import help_session_log
from huoban.sites.models import DeskException, Organisation, Service
from huoban.workspace import urls as workspace_urls
from tests.conftest import PERSONAS, make_uscc, region, site_in
from tests.workspace.volunteer_targets import volunteer_kwargs

ANONYMOUS = "anonymous"
COLUMNS = [*PERSONAS, ANONYMOUS]
assert COLUMNS == [
    "elder",
    "family",
    "volunteer",
    "site_manager",
    "street_admin",
    "district_admin",
    "city_admin",
    "reviewer",
    "vendor",
    "outsider",
    ANONYMOUS,
]

# (url name, target)       elder fam  vol  mgr  street dist city rev  vend out  anon
TABLE = [
    ("home", None, (403, 403, 200, 200, 200, 200, 200, 200, 200, 403, 302)),
    ("site_list", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("site_create", None, (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("site_detail", "site_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("site_detail", "site_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("site_detail", "site_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("site_edit", "site_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("site_edit", "site_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("site_edit", "site_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("site_hours", "site_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("site_hours", "site_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("site_hours", "site_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("site_exceptions", "site_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("site_exceptions", "site_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("site_exceptions", "site_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    (
        "site_exception_delete",
        "exception_a",
        (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302),
    ),
    (
        "site_exception_delete",
        "exception_b",
        (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302),
    ),
    (
        "site_exception_delete",
        "exception_c",
        (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302),
    ),
    ("budget_list", None, (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("budget_ledger", "budget_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("budget_ledger", "budget_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("budget_ledger", "budget_c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    ("budget_export", "budget_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("budget_export", "budget_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("budget_export", "budget_c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    ("budget_ledger", "budget_elsewhere", (403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 302)),
    ("budget_cap", "budget_a", (403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 302)),
    ("budget_cap", "budget_b", (403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 302)),
    ("budget_cap", "budget_c", (403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 302)),
    ("expense_void", "expense_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("expense_void", "expense_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("expense_void", "expense_c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    ("expense_receipt", "expense_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("expense_receipt", "expense_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("expense_receipt", "expense_c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    (
        "expense_receipt",
        "expense_elsewhere",
        (403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 302),
    ),
    ("organisation_list", None, (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    ("organisation_create", None, (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    ("organisation_edit", "org", (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    ("organisation_edit", "org_elsewhere", (403, 403, 403, 403, 403, 403, 404, 403, 403, 403, 302)),
    ("people", None, (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    ("invite", None, (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    ("membership_revoke", "membership", (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 302)),
    (
        "membership_revoke",
        "membership_elsewhere",
        (403, 403, 403, 403, 403, 403, 404, 403, 403, 403, 302),
    ),
    # Help records: volunteers and staff log; managers and admins correct; admins review.
    ("record_list", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_log", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_import", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_import_template", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_import_preview", "batch", (403, 403, 200, 404, 404, 404, 404, 403, 403, 403, 302)),
    ("elder_list", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("elder_edit", "elder_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("elder_edit", "elder_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("elder_edit", "elder_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    # Reading a number is a POST (audited); a GET is refused after the role check.
    ("elder_reveal", "elder_a", (403, 403, 405, 405, 405, 405, 405, 403, 403, 403, 302)),
    ("elder_create", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("review_queue", None, (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("record_detail", "record_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_detail", "record_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("record_detail", "record_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("record_amend", "record_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_amend", "record_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("record_amend", "record_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("record_void", "record_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("record_void", "record_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("record_void", "record_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("flag_review", "flag_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("flag_review", "flag_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("flag_review", "flag_c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    # Targets: street admins and above read progress in their scope; the office and district
    # admins set and split (a district admin the streets of their district only).
    ("progress", None, (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("progress", "?region=a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("progress", "?region=b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("progress", "?region=c", (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302)),
    ("progress", "?region=putuo", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    ("progress", "?region=elsewhere", (403, 403, 403, 403, 404, 404, 404, 403, 403, 403, 302)),
    ("indicators_export", "targets_a", (403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 302)),
    ("indicators_export", "targets_b", (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302)),
    (
        "indicators_export",
        "targets_putuo",
        (403, 403, 403, 403, 404, 200, 200, 403, 403, 403, 302),
    ),
    (
        "indicators_export",
        "targets_jingan",
        (403, 403, 403, 403, 404, 404, 200, 403, 403, 403, 302),
    ),
    (
        "indicators_import",
        "targets_putuo",
        (403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 302),
    ),
    (
        "indicators_import",
        "targets_jingan",
        (403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 302),
    ),
    ("indicators_import", "targets_city", (403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 302)),
    # A street's targets are not split further: no import or split page for one.
    ("indicators_import", "targets_a", (403, 403, 403, 403, 403, 404, 404, 403, 403, 403, 302)),
    ("targets_edit", "targets_putuo", (403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 302)),
    ("targets_edit", "targets_jingan", (403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 302)),
    ("targets_edit", "targets_city", (403, 403, 403, 403, 403, 404, 200, 403, 403, 403, 302)),
    ("targets_edit", "targets_a", (403, 403, 403, 403, 403, 404, 404, 403, 403, 403, 302)),
    # The dashboard: everyone who sees records, for their site or region.
    ("dashboard", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("dashboard", "?site=a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("dashboard", "?site=b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("dashboard", "?site=c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("dashboard", "?region=a", (403, 403, 404, 404, 200, 200, 200, 403, 403, 403, 302)),
    ("dashboard", "?region=putuo", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("dashboard", "?site=elsewhere", (403, 403, 404, 404, 404, 404, 404, 403, 403, 403, 302)),
    # Duty roster: everyone on a site's roster reads it; managers and admins plan it and
    # decide requests; a person asks about their own shifts only.
    ("roster_list", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("roster_week", "site_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("roster_week", "site_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("roster_week", "site_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("roster_shift_add", "site_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("roster_shift_add", "site_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("roster_shift_add", "site_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    (
        "roster_shift_cancel",
        "roster_shift_a",
        (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302),
    ),
    (
        "roster_shift_cancel",
        "roster_shift_b",
        (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302),
    ),
    (
        "roster_shift_cancel",
        "roster_shift_c",
        (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302),
    ),
    (
        "roster_request_decide",
        "roster_request_a",
        (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302),
    ),
    (
        "roster_request_decide",
        "roster_request_b",
        (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302),
    ),
    (
        "roster_request_decide",
        "roster_request_c",
        (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302),
    ),
    ("my_shifts", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("my_shift_request", "roster_mine", (403, 403, 200, 404, 404, 404, 404, 403, 403, 403, 302)),
    # Classes: the desk (volunteers too) reads sessions and keeps the roster; site managers
    # and admins schedule, publish, edit and cancel. Courses are programme-wide.
    ("class_list", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("class_create", None, (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("course_list", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("course_create", None, (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("course_edit", "course", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("class_detail", "class_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("class_detail", "class_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("class_detail", "class_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("class_roster", "class_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("class_roster", "class_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("class_roster", "class_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("class_code", "class_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("class_code", "class_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("class_code", "class_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("class_edit", "class_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("class_edit", "class_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("class_edit", "class_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("class_publish", "class_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("class_publish", "class_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("class_publish", "class_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("class_cancel", "class_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("class_cancel", "class_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("class_cancel", "class_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    # The roster's buttons are POSTs; a GET is refused after the role check.
    (
        "class_signup_action",
        "class_signup_a",
        (403, 403, 405, 405, 405, 405, 405, 403, 403, 403, 302),
    ),
    # Evaluations: everyone who reads a site's records reads its ratings; the desk enters a
    # rating for an attendee and shows a help session's rating QR code.
    ("evaluation_overview", None, (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("evaluation_session", "eval_class_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("evaluation_session", "eval_class_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("evaluation_session", "eval_class_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("evaluation_enter", "eval_signup_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("evaluation_enter", "eval_signup_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("evaluation_enter", "eval_signup_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("evaluation_help", "eval_help_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("evaluation_help", "eval_help_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("evaluation_help", "eval_help_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    # Volunteers: site managers and admins keep their sites' volunteers; a volunteer sees and
    # edits only their own profile ("我的志愿服务") and certificates.
    ("volunteer_list", None, (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("volunteer_me", None, (403, 403, 200, 403, 403, 403, 403, 403, 403, 403, 302)),
    ("volunteer_detail", "vol_self", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("volunteer_detail", "vol_a", (403, 403, 404, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("volunteer_detail", "vol_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("volunteer_detail", "vol_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("volunteer_edit", "vol_self", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("volunteer_edit", "vol_a", (403, 403, 404, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("volunteer_edit", "vol_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("volunteer_edit", "vol_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("volunteer_pledges", "vol_self", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("volunteer_pledges", "vol_a", (403, 403, 404, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("volunteer_pledges", "vol_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("volunteer_pledges", "vol_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("volunteer_badge", "vol_self", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("volunteer_badge", "vol_a", (403, 403, 404, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("volunteer_badge", "vol_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("volunteer_badge", "vol_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("certificate_issue", "vol_a", (403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("certificate_issue", "vol_b", (403, 403, 403, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("certificate_issue", "vol_c", (403, 403, 403, 404, 404, 404, 200, 403, 403, 403, 302)),
    ("certificate_download", "volcert_a", (403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 302)),
    ("certificate_download", "volcert_b", (403, 403, 404, 404, 404, 200, 200, 403, 403, 403, 302)),
    ("certificate_download", "volcert_c", (403, 403, 404, 404, 404, 404, 200, 403, 403, 403, 302)),
]

# One test per page and target; each persona's request is a subtest of it, so the data a
# page needs is made once for the eleven requests.
ROWS = [
    pytest.param(name, target, statuses, id=f"{name}-{target}") for name, target, statuses in TABLE
]


@pytest.fixture(autouse=True)
def _receipts_in_tmp(settings, tmp_path):
    """The receipt files of the budget rows are written in this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _street(world, target: str):
    return {"a": world.caoyang, "b": world.changfeng, "c": world.jingan_street}[target[-1]]


def _expense(street) -> Expense:
    return Expense.objects.create(
        street=street,
        region_path=street.path,
        category="training",
        date=timezone.localdate(),
        amount=Decimal("100.00"),
        payee="社区学校",
        receipt=ContentFile(b"%PDF-1.4\n%%EOF\n", name="收据.pdf"),
        receipt_name="收据.pdf",
    )


def _kwargs(world, target: str | None, name: str = "") -> dict:
    """URL arguments for a target; creates the objects that the world fixture lacks."""
    if target is None or target.startswith("?"):
        return {}
    if target.startswith(("vol_", "volcert_")):
        return volunteer_kwargs(world, target)
    if target.startswith("eval_"):
        return _evaluation_kwargs(world, target)
    if target.startswith("roster_"):
        return _roster_kwargs(world, target)
    if target.startswith(("class_", "course")):
        return _class_kwargs(world, target)
    if target.startswith("targets_"):
        return {"code": _region(world, target).code, "year": timezone.localdate().year}
    if target.startswith(("record_", "flag_")):
        session = help_session_log(
            actor=world.personas["city_admin"],
            site=getattr(world, f"site_{target[-1]}"),
            scenarios=[Service.objects.get(code="medical")],
        )
        if target.startswith("record_"):
            return {"public_id": session.public_id}
        flag = Flag.objects.create(help_session=session, rule="back_dated", detail="补记过久")
        return {"flag_id": flag.pk}
    if target.startswith("elder_"):
        site = getattr(world, f"site_{target[-1]}")
        elder = elder_create(
            actor=world.personas["city_admin"], site=site, name="张小明", consent=True
        )
        kwargs = {"public_id": elder.public_id}
        if name == "elder_reveal":
            kwargs["field"] = "mobile"
        return kwargs
    if target == "batch":
        batch = ImportBatch.objects.create(
            filename="a.xlsx",
            content=b"",
            status=ImportBatch.Status.CHECKED,
            created_by=world.personas["volunteer"],
        )
        return {"public_id": batch.public_id}
    if target.startswith("site_"):
        return {"public_id": getattr(world, target).public_id}
    if target.startswith("exception_"):
        site = getattr(world, f"site_{target[-1]}")
        exc = DeskException.objects.create(
            site=site,
            date=timezone.localdate() + dt.timedelta(days=10),
            kind="closed",
            reason="国庆节",
        )
        return {"public_id": site.public_id, "exception_id": exc.pk}
    if target in {"budget_a", "budget_b", "budget_c"}:
        return {"code": _street(world, target).code, "year": timezone.localdate().year}
    if target in {"expense_a", "expense_b", "expense_c"}:
        return {"public_id": _expense(_street(world, target)).public_id}
    if target == "org":
        return {"public_id": world.org.public_id}
    if target == "membership":
        membership = Membership.objects.get(user=world.personas["volunteer"])
        return {"membership_id": membership.pk}
    # Another city: outside even the programme office's scope.
    beijing = region("110000000", "北京市", "city")
    dongcheng = region("110101000", "东城区", "district", beijing)
    street = region("110101001", "东华门街道", "street", dongcheng)
    org = Organisation.objects.create(name="东城为老服务社", uscc=make_uscc("52110101MJ0000009"))
    site = site_in(street, org, "东华门为老服务站", "39.914000", "116.403000")
    if target == "org_elsewhere":
        return {"public_id": org.public_id}
    if target == "budget_elsewhere":
        return {"code": street.code, "year": timezone.localdate().year}
    if target == "expense_elsewhere":
        return {"public_id": _expense(street).public_id}
    assert target == "membership_elsewhere"
    membership = Membership.objects.create(
        user=world.personas["outsider"], role=Role.SITE_MANAGER, site=site
    )
    return {"membership_id": membership.pk}


def _class_kwargs(world, target: str) -> dict:
    """A course, a draft class at site a/b/c, or a sign-up for a published one."""
    from huoban.classes.services import (
        course_create,
        session_create,
        session_publish,
        signup_create,
    )

    office = world.personas["city_admin"]
    if target == "course":
        return {"public_id": course_create(actor=office, title="用手机挂号").public_id}
    site = getattr(world, f"site_{target[-1]}")
    site.classroom_capacity = 30
    site.save()
    start = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
    start += dt.timedelta(days=20)
    session = session_create(
        actor=office,
        site=site,
        title="用手机挂号",
        start=start,
        end=start + dt.timedelta(minutes=90),
        capacity=20,
    )
    if not target.startswith("class_signup_"):
        return {"public_id": session.public_id}
    session_publish(actor=office, session=session)
    elder = elder_create(actor=office, site=site, name="张小明", consent=True)
    signup = signup_create(actor=office, session=session, elder=elder)
    return {"public_id": signup.public_id, "action": "check-in"}


def _roster_kwargs(world, target: str) -> dict:
    """A planned shift tomorrow at site a/b/c (with an open request), or the volunteer's own."""
    from huoban.roster.services import shift_create, shift_request

    key = "a" if target == "roster_mine" else target[-1]
    person = {"a": "volunteer", "b": "district_admin", "c": "city_admin"}[key]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(9), timezone.get_current_timezone())
    shift = shift_create(
        actor=world.personas["city_admin"],
        site=getattr(world, f"site_{key}"),
        person=world.personas[person],
        start=start,
        end=start + dt.timedelta(hours=3),
    )
    if target.startswith("roster_request_"):
        req = shift_request(actor=world.personas[person], shift=shift, kind="swap", reason="有事")
        return {"public_id": req.public_id}
    return {"public_id": shift.public_id}


def _region(world, target: str):
    key = target.rsplit("_", 1)[-1].rsplit("=", 1)[-1]
    named = {"putuo": world.putuo, "jingan": world.jingan, "city": world.city}
    return named.get(key) or _street(world, key)


def _query(world, target: str | None) -> str:
    """The query string of a "?name=target" row (pages that take their scope that way)."""
    if target is None or not target.startswith("?"):
        return ""
    name, key = target[1:].split("=")
    if key == "elsewhere":
        beijing = region("110000000", "北京市", "city")
        dongcheng = region("110101000", "东城区", "district", beijing)
        street = region("110101001", "东华门街道", "street", dongcheng)
        org = Organisation.objects.create(
            name="东城为老服务社", uscc=make_uscc("52110101MJ0000009")
        )
        site = site_in(street, org, "东华门为老服务站", "39.914000", "116.403000")
        value = street.code if name == "region" else str(site.pk)
    elif name == "site":
        value = str(getattr(world, f"site_{key}").pk)
    else:
        value = _region(world, key).code
    return f"?{urlencode({name: value})}"


@pytest.mark.parametrize(("name", "target", "statuses"), ROWS)
def test_it_gives_each_persona_the_expected_status(
    world, client_for, client, subtests, name, target, statuses
):
    url = reverse(f"workspace:{name}", kwargs=_kwargs(world, target, name)) + _query(world, target)
    for persona, status in zip(COLUMNS, statuses, strict=True):
        with subtests.test(persona=persona):
            response = client.get(url) if persona == ANONYMOUS else client_for(persona).get(url)
            if response.streaming:  # read to the end, as a server does: closes the file
                b"".join(response.streaming_content)
            assert response.status_code == status, (
                f"{persona} GET {url}: {response.status_code}, expected {status}"
            )
            if status == 302:
                next_ = QueryDict(mutable=True)
                next_["next"] = url
                assert response.url == f"{reverse('accounts:login')}?{next_.urlencode(safe='/')}"


def test_it_covers_every_workspace_url():
    named = {p.name for p in workspace_urls.urlpatterns}
    tabled = {name for name, _target, _statuses in TABLE}
    assert named == tabled, f"missing from TABLE: {named - tabled}; stale: {tabled - named}"


def test_it_guards_every_workspace_view_with_roles():
    for pattern in workspace_urls.urlpatterns:
        assert getattr(pattern.callback, "allowed_roles", None), pattern.name


def _evaluation_kwargs(world, target: str) -> dict:
    """A class that ended an hour ago (with a checked-in elder) or a help record, at site
    a, b or c."""
    from tests.evaluations.helpers import attendee, ended_class, new_elder

    kind, key = target.removeprefix("eval_").rsplit("_", 1)
    site = getattr(world, f"site_{key}")
    admin = world.personas["city_admin"]
    if kind == "help":
        record = help_session_log(
            actor=admin, site=site, scenarios=[Service.objects.get(code="medical")]
        )
        return {"public_id": record.public_id}
    session = ended_class(site, end=timezone.now() - dt.timedelta(hours=1))
    if kind == "class":
        return {"public_id": session.public_id}
    return {"public_id": attendee(session, new_elder(admin, site), admin).public_id}
