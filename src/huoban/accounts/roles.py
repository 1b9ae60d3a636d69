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
