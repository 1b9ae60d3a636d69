from django.urls import path

from huoban.workspace.views import home, organisations, people, sites

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
