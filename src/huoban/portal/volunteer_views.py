"""Public pages that verify a volunteer's badge and a student's certificate (their QR codes
lead here). They show only what the printed paper already shows, plus whether it holds."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from huoban.people.models import hours_of
from huoban.people.volunteers import (
    certificates_public,
    volunteer_is_active,
    volunteer_sites,
    volunteers_public,
)


def volunteer_verify(request: HttpRequest, public_id) -> HttpResponse:
    volunteer = get_object_or_404(volunteers_public(), public_id=public_id)
    active = volunteer_is_active(volunteer)
    return render(
        request,
        "portal/volunteer_verify.html",
        {
            "name": volunteer.user.name,
            "sites": volunteer_sites(volunteer.user) if active else [],
            "active": active,
        },
    )


def certificate_verify(request: HttpRequest, public_id) -> HttpResponse:
    certificate = get_object_or_404(certificates_public(), public_id=public_id)
    return render(
        request,
        "portal/certificate_verify.html",
        {"certificate": certificate, "hours": hours_of(certificate.minutes)},
    )
