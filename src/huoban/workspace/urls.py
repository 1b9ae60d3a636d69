from django.urls import path

from huoban.workspace.views import budget, home, organisations, people, records, sites

app_name = "workspace"
urlpatterns = [
    path("", home.home, name="home"),
    path("sites/", sites.site_list, name="site_list"),
    path("sites/new/", sites.site_create, name="site_create"),
    path("sites/<uuid:public_id>/", sites.site_detail, name="site_detail"),
    path("sites/<uuid:public_id>/edit/", sites.site_edit, name="site_edit"),
    path("sites/<uuid:public_id>/hours/", sites.site_hours, name="site_hours"),
    path("sites/<uuid:public_id>/exceptions/", sites.site_exceptions, name="site_exceptions"),
    path(
        "sites/<uuid:public_id>/exceptions/<int:exception_id>/delete/",
        sites.site_exception_delete,
        name="site_exception_delete",
    ),
    path("records/", records.record_list, name="record_list"),
    path("records/log/", records.record_log, name="record_log"),
    path("records/review/", records.review_queue, name="review_queue"),
    path("records/review/<int:flag_id>/", records.flag_review, name="flag_review"),
    path("records/import/", records.record_import, name="record_import"),
    path(
        "records/import/template.xlsx",
        records.record_import_template,
        name="record_import_template",
    ),
    path(
        "records/import/<uuid:public_id>/",
        records.record_import_preview,
        name="record_import_preview",
    ),
    path("records/<uuid:public_id>/", records.record_detail, name="record_detail"),
    path("records/<uuid:public_id>/amend/", records.record_amend, name="record_amend"),
    path("records/<uuid:public_id>/void/", records.record_void, name="record_void"),
    path("elders/new/", records.elder_create, name="elder_create"),
    path("budget/", budget.budget_list, name="budget_list"),
    path("budget/<str:code>/<int:year>/", budget.budget_ledger, name="budget_ledger"),
    path("budget/<str:code>/<int:year>/cap/", budget.budget_cap, name="budget_cap"),
    path("budget/<str:code>/<int:year>/ledger.xlsx", budget.budget_export, name="budget_export"),
    path("budget/expenses/<uuid:public_id>/void/", budget.expense_void, name="expense_void"),
    path(
        "budget/expenses/<uuid:public_id>/receipt/",
        budget.expense_receipt,
        name="expense_receipt",
    ),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path(
        "organisations/<uuid:public_id>/edit/",
        organisations.organisation_edit,
        name="organisation_edit",
    ),
    path("people/", people.people, name="people"),
    path("people/invite/", people.invite, name="invite"),
    path("people/<int:membership_id>/revoke/", people.membership_revoke, name="membership_revoke"),
]
