"""Rating a class or a help session in the elder portal: five faces, an optional comment,
thanks. One question per page, plain forms; scripts only read the page aloud.

A class is rated through the elder's sign-up (its public id is on the confirmation and in
"my classes"); a help session through the signed link the helper shows as a QR code.
Either link is the key: whoever holds it rates for that elder. When the window is not
open, the elder did not attend or has rated already, the page says so and shows no form.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from huoban.classes.models import ClassSession
from huoban.evaluations import rules
from huoban.evaluations.models import COMMENT_MAX, Evaluation, Score
from huoban.evaluations.selectors import (
    class_evaluation_by,
    help_evaluation,
    help_sessions_to_rate,
    signups_to_rate,
)
from huoban.evaluations.services import clean_score, evaluation_create
from huoban.evaluations.tokens import help_session_id
from huoban.records.models import HelpSession

FACES = [(score, Score(score).label) for score in (5, 4, 3, 2, 1)]


class ScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("您的评价"),
        choices=FACES,
        coerce=int,
        error_messages={
            "required": gettext_lazy("请选择一个表情。"),
            "invalid_choice": gettext_lazy("请选择一个表情。"),
        },
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("还想说点什么吗？（可以不写）"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@dataclass
class Target:
    """What is being rated, by whom, and where its pages are."""

    kind: str  # "class" or "help"
    subject: ClassSession | HelpSession
    elder: Any
    url_name: str
    key: Any  # the URL argument: a sign-up's public id or a token

    @property
    def question(self) -> str:
        return _("这节课您满意吗？") if self.kind == "class" else _("这次帮您办事，您满意吗？")

    def url(self, step: str = "") -> str:
        name = f"portal:{self.url_name}" + (f"_{step}" if step else "")
        arg = "public_id" if self.kind == "class" else "token"
        return reverse(name, kwargs={arg: self.key})

    def existing(self) -> Evaluation | None:
        subject = self.subject
        if isinstance(subject, ClassSession):
            return class_evaluation_by(subject, self.elder)
        return help_evaluation(subject)

    def context(self) -> dict[str, Any]:
        subject = self.subject
        if isinstance(subject, ClassSession):
            title = subject.title
            when = subject.start
        else:
            title = _("帮办服务")
            when = subject.occurred_at
        return {
            "target": self,
            "subject_title": title,
            "subject_site": subject.site.name,
            "subject_when": rules.moment(when),
        }


def _class_target(public_id: uuid.UUID) -> Target:
    signup = get_object_or_404(signups_to_rate(), public_id=public_id)
    return Target("class", signup.session, signup.elder, "evaluate_class", public_id)


def _help_target(token: str) -> Target:
    found = help_session_id(token)
    if found is None:
        raise Http404
    session = get_object_or_404(help_sessions_to_rate(), public_id=found)
    return Target("help", session, session.elder, "evaluate_help", token)


def _actor(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _closed(request: HttpRequest, target: Target, problem: rules.Obstacle) -> HttpResponse:
    titles = {
        rules.NOT_YET: _("还不能评价"),
        rules.CLOSED: _("评价已经结束"),
        rules.ALREADY: _("已经评价过了"),
    }
    return render(
        request,
        "portal/evaluation_closed.html",
        {
            **target.context(),
            "heading": titles.get(problem.code, _("不能评价")),
            "problem": problem,
            "evaluation": target.existing() if problem.code == rules.ALREADY else None,
        },
    )


def _score_page(request: HttpRequest, target: Target) -> HttpResponse:
    problem = rules.obstacle(target.subject, target.elder, timezone.now())
    if problem is not None:
        return _closed(request, target, problem)
    if request.method == "POST":
        form = ScoreForm(request.POST)
        if form.is_valid():
            query = urlencode({"score": form.cleaned_data["score"]})
            return redirect(f"{target.url('comment')}?{query}")
    else:
        chosen = request.GET.get("score")
        form = ScoreForm(
            initial={"score": int(chosen)} if chosen in {"1", "2", "3", "4", "5"} else {}
        )
    chosen_value = form.data.get("score") if form.is_bound else form.initial.get("score")
    faces = [
        {"score": score, "label": label, "checked": str(chosen_value) == str(score)}
        for score, label in FACES
    ]
    return render(
        request,
        "portal/evaluation_score.html",
        {**target.context(), "form": form, "faces": faces},
    )


def _comment_page(request: HttpRequest, target: Target) -> HttpResponse:
    now = timezone.now()
    problem = rules.obstacle(target.subject, target.elder, now)
    if problem is not None:
        return _closed(request, target, problem)
    raw = request.POST.get("score") if request.method == "POST" else request.GET.get("score")
    try:
        score = clean_score(raw)
    except ValidationError:
        return redirect(target.url())  # no face chosen yet: back to the faces
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_create(
                actor=_actor(request),
                subject=target.subject,
                score=score,
                comment=form.cleaned_data["comment"],
                elder=target.elder if target.kind == "class" else None,
                now=now,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "comment" in exc.error_dict:
                form.add_error("comment", exc.error_dict["comment"])
            else:
                problem = rules.obstacle(target.subject, target.elder, timezone.now())
                if problem is not None:
                    return _closed(request, target, problem)
                form.add_error(None, exc)
        else:
            return redirect(target.url("thanks"))
    return render(
        request,
        "portal/evaluation_comment.html",
        {
            **target.context(),
            "form": form,
            "score": score,
            "score_label": Score(score).label,
            "change_url": f"{target.url()}?{urlencode({'score': score})}",
            "comment_max": COMMENT_MAX,
        },
    )


def _thanks_page(request: HttpRequest, target: Target) -> HttpResponse:
    evaluation = target.existing()
    if evaluation is None:
        return redirect(target.url())
    return render(
        request,
        "portal/evaluation_thanks.html",
        {**target.context(), "evaluation": evaluation},
    )


@require_http_methods(["GET", "POST"])
def evaluate_class(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _score_page(request, _class_target(public_id))


@require_http_methods(["GET", "POST"])
def evaluate_class_comment(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _comment_page(request, _class_target(public_id))


def evaluate_class_thanks(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _thanks_page(request, _class_target(public_id))


@require_http_methods(["GET", "POST"])
def evaluate_help(request: HttpRequest, token: str) -> HttpResponse:
    return _score_page(request, _help_target(token))


@require_http_methods(["GET", "POST"])
def evaluate_help_comment(request: HttpRequest, token: str) -> HttpResponse:
    return _comment_page(request, _help_target(token))


def evaluate_help_thanks(request: HttpRequest, token: str) -> HttpResponse:
    return _thanks_page(request, _help_target(token))
