"""Which roles may use which part of the workspace and API.

A face checks the role first (none of these roles anywhere → 403), then fetches the object
through a selector limited to the scopes of those roles (not in them → 404).
"""

from huoban.accounts.models import Role

STAFF = frozenset(
    {
        Role.VOLUNTEER,
        Role.SITE_MANAGER,
        Role.STREET_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.PROGRAMME_OFFICE,
        Role.REVIEWER,
        Role.VENDOR,
    }
)
SITE_VIEW = frozenset(
    {
        Role.VOLUNTEER,
        Role.SITE_MANAGER,
        Role.STREET_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.PROGRAMME_OFFICE,
    }
)
SITE_EDIT = frozenset(
    {Role.SITE_MANAGER, Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.PROGRAMME_OFFICE}
)
SITE_CREATE = frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.PROGRAMME_OFFICE})
ORGANISATIONS = frozenset({Role.PROGRAMME_OFFICE})
PEOPLE = frozenset({Role.PROGRAMME_OFFICE})
# Certifying a site's level is the programme office's decision (application and review).
CERTIFY = frozenset({Role.PROGRAMME_OFFICE})
# Help records: volunteers and staff log at their sites; managers and admins correct them;
# street admins and above review what the integrity rules flag.
RECORDS_LOG = frozenset(
    {
        Role.VOLUNTEER,
        Role.SITE_MANAGER,
        Role.STREET_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.PROGRAMME_OFFICE,
    }
)
RECORDS_VIEW = RECORDS_LOG
RECORDS_CORRECT = frozenset(
    {Role.SITE_MANAGER, Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.PROGRAMME_OFFICE}
)
RECORDS_REVIEW = frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.PROGRAMME_OFFICE})
# Budget ledger (seed 001: each street's project money): street admins keep their street's
# ledger, district admins and the programme office the streets below them.
BUDGET_VIEW = frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.PROGRAMME_OFFICE})
BUDGET_EDIT = BUDGET_VIEW
# The cap is set from above: the district allocates the money (seed 001: 拨付区民政局统筹使用).
BUDGET_CAP = frozenset({Role.DISTRICT_ADMIN, Role.PROGRAMME_OFFICE})
# Person-time targets (seed 001): street admins read their street's, district admins and the
# programme office everything below them. The office sets a district's (or the city's) target;
# a district admin splits the district's among its streets (targets.services decides).
TARGETS_VIEW = frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.PROGRAMME_OFFICE})
TARGETS_SET = frozenset({Role.DISTRICT_ADMIN, Role.PROGRAMME_OFFICE})
# Duty roster (值班): site managers and the admins above them plan a site's shifts; the
# volunteers of the site see its roster (and are put on it).
ROSTER_EDIT = frozenset(
    {Role.SITE_MANAGER, Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.PROGRAMME_OFFICE}
)
ROSTER_VIEW = ROSTER_EDIT | {Role.VOLUNTEER}
# Classes: site managers and the admins above them schedule, publish and cancel a site's
# classes (and keep the programme-wide course templates); the desk (volunteers too) signs
# elders up, keeps the roster and checks them in.
CLASSES_EDIT = SITE_EDIT
CLASSES_DESK = RECORDS_LOG
